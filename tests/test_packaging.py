"""Packaging checks: pyproject.toml and environment.yml agree, `import utils` is light."""

import re
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import yaml  # PyYAML: a declared dependency of nbgrader and jupyter-events

ROOT = Path(__file__).resolve().parents[1]

# conda-forge names that differ from the PyPI name
CONDA_TO_PYPI = {"playwright-python": "playwright", "pytorch": "torch"}
NOT_PACKAGES = {"python", "pip"}


def _parse(spec: str) -> tuple[str, str]:
    """'jupyterlab>=4.2,<5' -> ('jupyterlab', '>=4.2,<5'); 'Foo_Bar' -> ('foo-bar', '')."""
    spec = spec.split("#")[0].strip()
    name = re.split(r"[\s=<>!~\[;]", spec, maxsplit=1)[0]
    return name.lower().replace("_", "-"), spec[len(name):].replace(" ", "")


def pyproject_packages() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    specs = (project["dependencies"] + extras["test"] + extras["torch"] + extras["bench"]
             + extras["hub"])
    return dict(_parse(s) for s in specs)


def environment_packages() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    packages = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):  # the pip: section
            packages.update(_parse(s) for s in dep["pip"] if not s.startswith("-"))
        else:
            name, version = _parse(dep)
            packages[CONDA_TO_PYPI.get(name, name)] = version
    return {name: v for name, v in packages.items() if name not in NOT_PACKAGES}


def test_environment_yml_matches_pyproject():
    py, env = pyproject_packages(), environment_packages()
    assert py, "no dependencies parsed from pyproject.toml"
    assert set(py) == set(env), (
        f"only in pyproject.toml: {sorted(set(py) - set(env))}; "
        f"only in environment.yml: {sorted(set(env) - set(py))}"
    )
    differ = {name: (py[name], env[name]) for name in py if py[name] != env[name]}
    assert not differ, f"version bounds differ (pyproject, environment.yml): {differ}"


def test_only_utils_is_packaged():
    setuptools_cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert setuptools_cfg["packages"] == ["utils"]


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )


def _min_wall_time(code: str, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        _run(code)
        times.append(time.perf_counter() - start)
    return min(times)


def test_import_utils_is_fast():
    _run("import utils")  # fail early with the real error if the import breaks
    overhead = _min_wall_time("import utils") - _min_wall_time("pass")
    if overhead >= 0.3:
        report = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import utils"],
            cwd=ROOT, capture_output=True, text=True,
        ).stderr
        slowest = sorted(report.splitlines()[1:], key=lambda l: -int(l.split("|")[1]))[:10]
        raise AssertionError(
            f"import utils costs {overhead:.3f} s (limit 0.3 s); slowest imports (us):\n"
            + "\n".join(slowest)
        )


def test_import_utils_skips_heavy_gui_modules():
    out = _run(
        "import sys, utils; "
        "print(' '.join(m for m in ('matplotlib', 'ipywidgets') if m in sys.modules))"
    ).stdout.split()
    assert out == [], f"import utils pulls in {out}; import them lazily inside functions"


def test_nbval_sanitize_config_parses():
    from nbval.plugin import get_sanitize_patterns

    cfg = (ROOT / "tests" / "nbval_sanitize.cfg").read_text(encoding="utf-8")
    patterns = get_sanitize_patterns(cfg)
    assert len(patterns) == cfg.count("\nregex: "), "a regex: line lacks its replace: line"
    text = "<Node at 0x7f3a2b10> took 1.23 s (12 ms)\n 40%|####      | 4/10 [00:01<00:02]"
    for regex, replace in patterns:
        text = re.sub(regex, replace, text)
    assert text == "<Node at 0xADDRESS> took TIME (TIME)\n PROGRESS"
