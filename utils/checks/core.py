"""Checks of a student's answers: probes that return plain data, judges that decide.

A check has two halves that may run in different processes:

* a **probe** calls the student's code on inputs the check chose and returns plain
  data (numbers, lists, dicts, arrays). When an assignment is graded, probes run
  inside the sandbox, on the student's code;
* a **judge** compares that data with the expected value and returns ``None``
  (passed) or one sentence saying what is wrong. When an assignment is graded,
  judges run in the trusted grader, outside the sandbox.

On the student's machine both halves run in the notebook's kernel
(``utils.checks.run_checks``), on the visible checks only.

Arguments and results cross the sandbox boundary as JSON: arrays are written with
``arr(x)`` and element-wise functions by name with ``fn("sin")``.
"""

import builtins
import importlib
from dataclasses import dataclass, field

import numpy as np

# ---------------------------------------------------------------------------
# Data that crosses the sandbox boundary
# ---------------------------------------------------------------------------

FUNCTIONS = {
    "sin": np.sin, "cos": np.cos, "exp": np.exp, "tanh": np.tanh,
    "log1p": np.log1p, "identity": lambda x: x,
    "square": lambda x: x * x, "cube": lambda x: x * x * x,
    "sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
    "relu": lambda x: np.maximum(x, 0.0),
}


def arr(x):
    """An array argument of a check, as JSON data: ``{"__array__": nested lists}``."""
    return {"__array__": np.asarray(x, dtype=float).tolist()}


def fn(name):
    """An element-wise function argument of a check, by its name in ``FUNCTIONS``."""
    if name not in FUNCTIONS:
        raise ValueError(f"fn: unknown function {name!r}; expected one of {sorted(FUNCTIONS)}")
    return {"__fn__": name}


def decode(data):
    """Turn JSON check data back into Python: arrays become float ndarrays, functions callables."""
    if isinstance(data, dict):
        if "__array__" in data:
            return np.array(data["__array__"], dtype=float)
        if "__fn__" in data:
            return FUNCTIONS[data["__fn__"]]
        return {k: decode(v) for k, v in data.items()}
    if isinstance(data, list):
        return [decode(v) for v in data]
    return data


def encode(value, depth=0):
    """Plain JSON data for a probe's result; anything else becomes ``{"__type__": name}``."""
    if depth > 20:
        return {"__type__": "too deeply nested"}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value) if not isinstance(value, (bool, np.bool_)) else bool(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "biuf":
            return {"__array__": value.astype(float).tolist()}
        return {"__type__": f"ndarray of dtype {value.dtype}"}
    if isinstance(value, (list, tuple)):
        return [encode(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v, depth + 1) for k, v in value.items()}
    return {"__type__": type(value).__name__}


def exception_name(err):
    """The name of a built-in exception class, or a neutral phrase for any other class.

    A student's own exception class could carry any text in its name, so only
    names of Python's built-in exceptions are ever reported.
    """
    for cls in type(err).__mro__:
        if getattr(builtins, cls.__name__, None) is cls:
            return cls.__name__
    return "Exception"


def one_line(text, limit=160):
    """The first line of ``text``, at most ``limit`` characters."""
    line = str(text).strip().splitlines()[0] if str(text).strip() else ""
    return line if len(line) <= limit else line[: limit - 3] + "..."


# ---------------------------------------------------------------------------
# Probes
# ---------------------------------------------------------------------------

def probe(func):
    """Mark ``func(ns, *args, **kwargs)`` as a probe; it is then sent to the sandbox by name."""
    func.probe_ref = f"{func.__module__}:{func.__qualname__}"
    return func


def resolve_probe(ref):
    """The probe function named by ``"module:qualname"``; only modules under ``utils.checks``."""
    module_name, _, name = ref.partition(":")
    if not module_name.startswith("utils.checks"):
        raise ValueError(f"resolve_probe: probes live in utils.checks, got {ref!r}")
    target = importlib.import_module(module_name)
    for part in name.split("."):
        target = getattr(target, part)
    return target


def _student(ns, name):
    if name not in ns:
        raise NameError(f"name {name!r} is not defined - run the cell that defines it")
    return ns[name]


@probe
def call(ns, name, *args, **kwargs):
    """Call the student's ``name(*args, **kwargs)`` and return its result."""
    return _student(ns, name)(*args, **kwargs)


@probe
def call_raises(ns, name, *args, **kwargs):
    """Call ``name(*args, **kwargs)``; ``{"raised": exception name}`` or ``{"returned": result}``."""
    try:
        result = _student(ns, name)(*args, **kwargs)
    except Exception as err:  # the student's code may raise anything
        return {"raised": exception_name(err)}
    return {"returned": encode(result)}


def run_probe(ref, args, kwargs, ns):
    """Run one probe on namespace ``ns``: ``{"value": data}`` or ``{"raised": name, "message": line}``."""
    try:
        value = resolve_probe(ref)(ns, *decode(args), **decode(kwargs))
        return {"value": encode(value)}
    except Exception as err:  # the student's code may raise anything
        return {"raised": exception_name(err), "message": one_line(err)}


# ---------------------------------------------------------------------------
# Checks and judges
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Check:
    """One answer check: ``probe(ns, *args, **kwargs)`` judged against ``expect(*args, **kwargs)``.

    label: what was checked, in the student's words ("dW1 at a hidden batch of 7").
    probe: a function marked with ``@probe``. args, kwargs: JSON data (``arr``, ``fn``).
    expect: the expected data from the same (decoded) arguments; ``None`` for hidden
    checks means "run the probe on the solution". judge: decides (default ``close()``).
    """
    label: str
    probe: object
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    expect: object = None
    judge: object = None

    def request(self):
        """The JSON request the sandbox runs: probe name and arguments."""
        return {"probe": self.probe.probe_ref, "args": list(self.args), "kwargs": dict(self.kwargs)}

    def expected(self):
        """``expect`` applied to the decoded arguments."""
        return encode(self.expect(*decode(list(self.args)), **decode(dict(self.kwargs))))

    def verdict(self, outcome, want, hidden):
        """None if the probe's ``outcome`` passes against ``want``, else one sentence."""
        judge = self.judge or close()
        ctx = Context(self.label, hidden, decode(list(self.args)), decode(dict(self.kwargs)))
        if getattr(judge, "wants_outcome", False):
            return judge(outcome, want, ctx)
        if outcome.get("raised") == "NotImplementedError":
            return f"{self.label}: not answered yet (it still raises NotImplementedError)"
        if "raised" in outcome:
            detail = "" if hidden or not outcome.get("message") else f": {outcome['message']}"
            return f"{self.label}: your code raised {outcome['raised']}{detail}"
        return judge(outcome.get("value"), want, ctx)


@dataclass(frozen=True)
class Context:
    """What a judge knows besides the two values: the label, hidden or not, the inputs."""
    label: str
    hidden: bool
    args: list
    kwargs: dict


@dataclass(frozen=True)
class Mistake:
    """A known slip: ``wrong(want, *args, **kwargs)`` is the value it produces (``want``: the
    whole expected value, arrays as ndarrays); ``sentence`` names it."""
    sentence: str
    wrong: object


def _numbers(data):
    """(ndarray of float64, None) for numeric data, else (None, what it was)."""
    data = decode(data) if not isinstance(data, np.ndarray) else data
    if isinstance(data, bool) or data is None or isinstance(data, str):
        return None, type(data).__name__
    if isinstance(data, dict):
        return None, data.get("__type__", "dict")
    try:
        values = np.array(data, dtype=float)
    except (TypeError, ValueError):
        return None, "not numbers"
    return values, None


def _index(i, shape):
    return str([int(k) for k in np.unravel_index(i, shape)])


def _entries(indices, shape):
    if not shape:
        return "the value"
    return ", ".join(_index(i, shape) for i in indices)


def _close_mask(got, want, rtol, atol):
    return np.abs(got - want) <= atol + rtol * np.abs(want)


def close(rtol=1e-6, atol=1e-9, key=None, mistakes=(), batch_size=None):
    """Judge: numbers or arrays equal to ``want`` within ``rtol``/``atol`` (optionally ``got[key]``).

    Diagnoses a wrong shape (and a transpose), non-finite values, a flipped sign,
    a factor 2 or 1/2, a factor N or 1/N (``batch_size``), a transpose, every
    ``Mistake`` given, and otherwise lists which entries are wrong.
    """
    def judge(got, want, ctx):
        name = ctx.label
        whole = decode(want)  # what a Mistake sees: the whole expected value, decoded
        if key is not None:
            if not isinstance(got, dict) or key not in got:
                return f"{name}: expected a result with an entry {key!r}"
            got, want = got[key], want[key]
        g, kind = _numbers(got)
        if g is None:
            return f"{name}: expected numbers, got {kind}"
        w, _ = _numbers(want)
        if g.shape != w.shape:
            hint = " - check your transpose" if g.ndim == 2 and g.shape == w.shape[::-1] else ""
            return f"{name} has shape {g.shape}; expected {w.shape}{hint}"
        if not np.all(np.isfinite(g)):
            return f"{name} contains nan or inf"
        ok = _close_mask(g, w, rtol, atol)
        if ok.all():
            return None
        scale = np.max(np.abs(w)) if w.size else 0.0
        if scale > atol:
            phrases = [(-w, "has the wrong sign"), (2 * w, "is twice the right value"),
                       (w / 2, "is half the right value")]
            if batch_size:
                phrases += [(w * batch_size, f"is {batch_size} times too large - divide by "
                                             "the batch size N"),
                            (w / batch_size, f"is {batch_size} times too small - the mean "
                                             "over the batch was taken twice")]
            if w.ndim == 2 and w.shape[0] == w.shape[1] and w.shape[0] > 1:
                phrases.append((w.T, "is transposed"))
            candidates = [(wrong, f"{name} {text}") for wrong, text in phrases]
            for m in mistakes:
                try:
                    wrong = np.array(decode(m.wrong(whole, *ctx.args, **ctx.kwargs)), dtype=float)
                except Exception:  # a mistake that does not apply to these inputs
                    continue
                candidates.append((wrong, f"{name}: {m.sentence}"))
            for wrong, message in candidates:
                if wrong.shape == g.shape and np.all(_close_mask(g, wrong, rtol, atol)) \
                        and not np.all(_close_mask(wrong, w, rtol, atol)):
                    return message
        bad = np.flatnonzero(~ok.reshape(-1))
        shown = bad[:10]
        where = _entries(shown, g.shape)
        more = f" (and {len(bad) - len(shown)} more)" if len(bad) > len(shown) else ""
        if not g.shape:
            if ctx.hidden:
                return f"{name} is wrong"
            return f"{name} is {g.item():.8g}; expected {w.item():.8g}"
        if ctx.hidden:
            return f"{name} is wrong at {len(bad)} of {g.size} entries: {where}{more}"
        first = shown[0]
        return (f"{name} is wrong at {len(bad)} of {g.size} entries: {where}{more} "
                f"(at {_index(first, g.shape)}: got {g.flat[first]:.6g}, "
                f"expected {w.flat[first]:.6g})")
    return judge


def raises(exception):
    """Judge for ``call_raises``: the call must raise ``exception`` (a built-in name)."""
    def judge(got, want, ctx):
        if isinstance(got, dict) and got.get("raised") == exception:
            return None
        if isinstance(got, dict) and "raised" in got:
            return f"{ctx.label} must raise {exception}, but raised {got['raised']}"
        return f"{ctx.label} must raise {exception}, but returned without an error"
    return judge


def at_least(threshold, key=None, what="accuracy"):
    """Judge: a number (``got[key]`` if given) of at least ``threshold``."""
    def judge(got, want, ctx):
        value = got.get(key) if key is not None and isinstance(got, dict) else got
        v, kind = _numbers(value)
        if v is None or v.shape != ():
            return f"{ctx.label}: expected one number, got {kind or f'shape {v.shape}'}"
        if not (v.item() >= threshold):
            shown = "" if ctx.hidden else f" ({v.item():.3g})"
            return f"{ctx.label}: the {what}{shown} is below the required {threshold:g}"
        return None
    return judge


def same_shape():
    """Judge: only the shape of the answer must match the expected one."""
    def judge(got, want, ctx):
        g, kind = _numbers(got)
        if g is None:
            return f"{ctx.label}: expected an array, got {kind}"
        w, _ = _numbers(want)
        if g.shape != w.shape:
            return f"{ctx.label} has shape {g.shape}; expected {w.shape}"
        return None
    return judge


class CheckFailed(AssertionError):
    """A failed answer check; in a notebook its traceback is its one sentence."""

    def _render_traceback_(self):
        return [f"CheckFailed: {self}"]


def sentence(message):
    """``message`` as a sentence: capital letter kept, full stop added."""
    message = message.strip()
    return message if message.endswith((".", "?", "!")) else message + "."
