"""`make bench`: the course's speed against its peers, measured in one run, as one table.

Usage (from the course root):

    .venv/bin/python benchmarks/run.py [--quick] [--output benchmarks/results.md]

Collects the rows of every benchmarks/bench_*.py module (each exposes
``rows(quick: bool) -> list[dict]`` with the keys of ``common.ROW_KEYS``),
prints one Markdown table and writes it to ``--output``. Ratios are ours /
peer's time measured in this run (< 1: we are faster); goals are judged on
them, absolute times are for information. ``--quick`` runs every module with
minimal repeats and tiny sizes (it proves the harness; its numbers mean little).

Exit status 1 if a module raised (its row says where); goals not met do not
change the exit status: this is a measurement, not a test.
"""

import argparse
import datetime
import importlib.util
import os
import platform
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "benchmarks"
# The table's order; any other bench_*.py follows in name order.
ORDER = ["bench_scalar", "bench_nets", "bench_explorers", "bench_autograde",
         "bench_execution"]
OPTIONAL = {"bench_explorers": "explorers"}  # written by another engineer

sys.path.insert(0, str(ROOT))
from benchmarks.common import ROW_KEYS, pin_one_thread, row  # noqa: E402

pin_one_thread()  # before any module imports NumPy or PyTorch


def modules():
    found = {p.stem for p in HERE.glob("bench_*.py")}
    return [m for m in ORDER if m in found or m in OPTIONAL] + sorted(found - set(ORDER))


def load(name):
    spec = importlib.util.spec_from_file_location(f"benchmarks.{name}", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def collect(name, quick):
    """(rows, crashed) of one module; a missing optional module or a crash is one row."""
    if not (HERE / f"{name}.py").is_file():
        return [row(OPTIONAL[name], f"{name}.py", None, goal="-",
                    note=f"skipped: benchmarks/{name}.py is not there yet")], False
    try:
        rows = load(name).rows(quick)
        for r in rows:
            missing = set(ROW_KEYS) - set(r)
            if missing:
                raise ValueError(f"row {r.get('name')!r} lacks {sorted(missing)}")
        return rows, False
    except Exception as err:
        last = traceback.extract_tb(err.__traceback__)[-1]
        where = f"{Path(last.filename).name}:{last.lineno}"
        return [row(name.removeprefix("bench_"), f"{name}.py", None, goal="-",
                    note=f"ERROR {type(err).__name__} at {where}: {err}"[:300])], True


def seconds(t):
    if t is None:
        return "-"
    if t < 1e-3:
        return f"{t * 1e6:.0f} us"
    if t < 1:
        return f"{t * 1e3:.1f} ms"
    return f"{t:.2f} s"


def met_text(met):
    return "-" if met is None else ("yes" if met else "**no**")


def cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(rows):
    lines = ["| group | benchmark | ours | peer | peer's time | ratio | goal | met | note |",
             "|---|---|---:|---|---:|---:|---|---|---|"]
    for r in rows:
        ratio = "-" if r["ratio"] is None else f"{r['ratio']:.2f}x"
        lines.append("| " + " | ".join(cell(c) for c in (
            r["group"], r["name"], seconds(r["ours"]), r["peer"] or "-",
            seconds(r["peer_time"]), ratio, r["goal"], met_text(r["met"]), r["note"])) + " |")
    return "\n".join(lines)


def header(quick, elapsed, timings):
    import numpy

    versions = [f"Python {platform.python_version()}", f"NumPy {numpy.__version__}"]
    if "torch" in sys.modules:
        versions.append(f"PyTorch {sys.modules['torch'].__version__}")
    when = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    mode = "quick mode (`make bench QUICK=1`): harness check, numbers mean little" if quick \
        else "`make bench`"
    took = ", ".join(f"{name.removeprefix('bench_')} {t:.0f} s" for name, t in timings)
    return (f"# Benchmarks\n\n{mode}, {when}; {', '.join(versions)}; {os.cpu_count()} cores "
            f"(shared), load {os.getloadavg()[0]:.1f} at the end; one BLAS thread.\n"
            f"Took {elapsed:.0f} s ({took}).\n\n"
            "ratio = ours / peer's time, both measured in this run (< 1: we are faster); "
            "goals are judged on it. In-process rows: CPU time, minimum over alternating "
            "batches; subprocess rows (autograding, execution): wall time.\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="minimal repeats and tiny sizes (checks the harness)")
    parser.add_argument("--output", type=Path, default=HERE / "results.md")
    parser.add_argument("--only", nargs="*", default=None,
                        help="run only these modules (e.g. bench_scalar)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    rows, timings, crashed = [], [], []
    for name in modules():
        if args.only is not None and name not in args.only:
            continue
        print(f"running {name} ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        got, failed = collect(name, args.quick)
        timings.append((name, time.perf_counter() - t0))
        rows.extend(got)
        if failed:
            crashed.append(name)
    text = header(args.quick, time.perf_counter() - start, timings) + "\n" + table(rows) + "\n"
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(f"wrote {args.output}", file=sys.stderr)
    if crashed:
        print(f"these benchmark modules raised: {', '.join(crashed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
