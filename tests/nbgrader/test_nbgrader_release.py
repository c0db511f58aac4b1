"""The committed release/ is exactly what `make release` makes from source/."""

import pytest

import nbkit

ASSIGNMENTS = nbkit.assignments()


@pytest.fixture(scope="module")
def fresh_release(tmp_path_factory):
    """release/ generated from source/ in a temporary copy of the course."""
    root = nbkit.make_course(tmp_path_factory.mktemp("release"), ASSIGNMENTS)
    result = nbkit.run(root, "generate_assignment", "*", "--force")
    assert result.returncode == 0, result.stderr
    return root / "release"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_committed_release_matches_source(fresh_release, name):
    committed = nbkit.ROOT / "release" / name / f"{name}.ipynb"
    assert committed.is_file(), f"{committed} is missing: run `make release` and commit release/"
    old, new = nbkit.read(committed), nbkit.read(fresh_release / name / f"{name}.ipynb")
    assert old.metadata == new.metadata, f"{name}: notebook metadata differs; run `make release`"
    assert len(old.cells) == len(new.cells), f"{name}: cell count differs; run `make release`"
    for index, (a, b) in enumerate(zip(old.cells, new.cells)):
        assert a == b, f"{name}: cell {index} ({nbkit.grade_id(b)}) differs; run `make release`"


def assignment_files(release):
    """Files inside the assignment folders of ``release`` (a top-level README is not one)."""
    return sorted(p.relative_to(release).as_posix() for p in release.glob("*/**/*")
                  if p.is_file()) if release.is_dir() else []


def test_release_holds_exactly_the_course_assignments(fresh_release):
    assert assignment_files(nbkit.ROOT / "release") == assignment_files(fresh_release)
