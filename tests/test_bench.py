"""`make bench QUICK=1` works and its table has every row. Speed is not judged here."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import run  # noqa: E402
from benchmarks.common import row  # noqa: E402

COLUMNS = 9


def _table(text):
    """{benchmark name: [cells]} of the Markdown table in ``text``."""
    lines = [line for line in text.splitlines() if line.startswith("| ")][1:]  # no header
    rows = {}
    for line in lines:
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        assert len(cells) == COLUMNS, f"a row with {len(cells)} cells: {line}"
        rows[cells[1]] = cells
    return rows


def test_quick_run_prints_and_writes_the_whole_table(tmp_path):
    out = tmp_path / "results.md"
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick",
                             "--output", str(out)], cwd=ROOT, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    written = out.read_text()
    assert written.strip() in result.stdout, "the printed table differs from the file"
    rows = _table(written)
    names = list(rows)

    def has(*words):
        return any(all(w in name for w in words) for name in names)

    assert has("MLP 2-16-16-1"), names
    assert has("graph of +, *, /, **, relu"), names
    assert has("graph of exp and tanh"), names
    assert has("TwoLayerNet SGD step"), names
    assert any(cells[0] == "explorers" for cells in rows.values()), names
    for notebook in sorted((ROOT / "source").glob("ps*_*/ps*_*.ipynb")):
        assert has(notebook.parent.name, "per submission"), notebook.parent.name
        assert has("solved assignment", notebook.parent.name), notebook.parent.name
    assert has("JOBS=2 vs JOBS=1"), names
    for lecture in sorted((ROOT / "course").glob("*.ipynb")):
        assert has("lecture", lecture.name), lecture.name
    assert has("import utils"), names
    assert not any(cells[8].startswith("ERROR") for cells in rows.values()), written


def test_rows_have_ratios_and_a_missing_module_is_a_row(monkeypatch):
    r = row("g", "n", 2.0, "peer", 4.0, goal="<= 1.0x")
    assert r["ratio"] == 0.5 and set(r) == set(run.ROW_KEYS)
    assert row("g", "n", 2.0)["ratio"] is None
    assert "bench_explorers" in run.modules()
    monkeypatch.setitem(run.OPTIONAL, "bench_not_written_yet", "later")
    rows, crashed = run.collect("bench_not_written_yet", quick=True)
    assert not crashed and len(rows) == 1 and rows[0]["note"].startswith("skipped")
    table = run.table([r, row("g", "a | in a name", None, note="x")])
    assert len(_table(table)) == 2
