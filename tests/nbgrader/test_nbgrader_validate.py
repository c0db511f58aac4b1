"""nbgrader's Validator (what `nbgrader validate` and the Validate button run).

`nbgrader validate` exits 0 even when a notebook fails, so the Validator API is
called directly: every source notebook (the solutions) must pass and every
committed release notebook (nothing answered yet) must fail.
"""

import pytest

import nbkit

ASSIGNMENTS = nbkit.assignments()


@pytest.fixture
def validator(monkeypatch):
    from nbgrader.validator import Validator
    for name, value in nbkit.kernel_env().items():
        monkeypatch.setenv(name, value)
    return Validator()


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_source_notebook_passes_validation(validator, name):
    results = validator.validate(str(nbkit.source_notebook(name)))
    assert results == {}, results


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_release_notebook_fails_validation(validator, name):
    path = nbkit.ROOT / "release" / name / f"{name}.ipynb"
    assert path.is_file(), f"{path} is missing: run `make release` and commit release/"
    results = validator.validate(str(path))
    assert set(results) == {"failed"}, results
    assert results["failed"]
