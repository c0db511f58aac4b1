"""Helpers shared by the benchmark modules: one BLAS thread, timing, table rows.

Every ``bench_*.py`` module exposes ``rows(quick: bool) -> list[dict]``; each
dict has the keys of ``ROW_KEYS``. ``row()`` builds one and computes the ratio
(ours / peer's time, so < 1 means we are faster).
"""

import gc
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROW_KEYS = ("group", "name", "ours", "peer", "peer_time", "ratio", "goal", "met", "note")
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def pin_one_thread():
    """One BLAS / OpenMP thread here and in every child process (set before NumPy loads)."""
    for var in THREAD_VARS:
        os.environ[var] = "1"
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)


def row(group, name, ours, peer=None, peer_time=None, goal="", met=None, note="",
        ratio=None):
    """One table row; ``ratio`` defaults to ours / peer_time when both are known."""
    if ratio is None and ours is not None and peer_time:
        ratio = ours / peer_time
    return dict(group=group, name=name, ours=ours, peer=peer, peer_time=peer_time,
                ratio=ratio, goal=goal, met=met, note=note)


def at_most(ratio, limit):
    """True / False for ratio <= limit, None if there is no ratio."""
    return None if ratio is None else ratio <= limit


def _one(func, number, collector=False):
    """Mean CPU time of one call over ``number`` calls, from a collected heap.

    CPU time of this process (all its threads), not wall time: the other
    engineers' jobs on the 2 shared cores then disturb it much less.

    collector=False pauses the garbage collector while timing, as timeit does,
    and keeps what each call returns alive until the batch is timed, so freeing
    it is timed for no one. collector=True times the calls as a program runs
    them: results are dropped at once and the collector runs when it decides.
    A graph whose nodes refer to each other (micrograd's closures) is freed only
    by the collector, and its passes over a large graph are then part of the cost.
    """
    gc.collect()
    enabled = gc.isenabled()
    kept = []
    keep = (lambda result: None) if collector else kept.append
    if not collector:
        gc.disable()
    try:
        start = time.process_time()
        for _ in range(number):
            keep(func())
        return (time.process_time() - start) / number
    finally:
        del kept[:]
        if enabled:
            gc.enable()


def calls_for(func, target=0.005):
    """How many calls of ``func`` make one timed batch of about ``target`` seconds."""
    once = _one(func, 1)
    return max(1, int(target / max(once, 1e-7)))


def compare(ours, peer, repeats, target=0.005, collector=False):
    """Time ``ours`` and ``peer`` in turns, ``repeats`` batches each; return their minima.

    Alternating spreads the machine's load over both; the minimum of a batch's
    mean time is the least disturbed measurement (2 cores shared with others).
    What is alive before (imported libraries) is frozen out of the collector's
    passes, so they cost what the graphs themselves make them cost.
    """
    gc.collect()
    gc.freeze()
    n_ours, n_peer = calls_for(ours, target), calls_for(peer, target)
    a, b = [], []
    for _ in range(repeats):
        a.append(_one(ours, n_ours, collector))
        b.append(_one(peer, n_peer, collector))
    return min(a), min(b)


def best_of(func, repeats, target=0.005):
    """Minimum over ``repeats`` batches of the mean time of one call of ``func``."""
    n = calls_for(func, target)
    return min(_one(func, n) for _ in range(repeats))


def wall(func, repeats=1):
    """(min, median) wall time of ``func()`` over ``repeats`` calls (for slow things)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)
