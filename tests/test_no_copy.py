"""No graded part can be completed by copying: the part of that rule a machine can check.

1. The values the grader expects (visible and hidden checks, computed by running the
   solution of source/psK_*) appear in no output of a lecture (course/*.ipynb): a student
   cannot read an answer off a lecture.
2. No solution region is a near-copy of a lecture code cell, of a function defined in a
   lecture, or of a function in utils/ or utils/checks/ (both ship to students): after
   renaming every identifier and dropping comments, docstrings and layout, the code of a
   graded part is not (nearly) a token sequence the student already has.

Both are generic over nbkit.assignments(); an assignment whose test cells the trusted
grader cannot read (the old utils.grading format) fails with a sentence saying so.
"""

import difflib
import re
import sys
import textwrap
from fractions import Fraction
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "nbgrader"))
import nbkit  # noqa: E402

import mutation  # noqa: E402

ROOT = nbkit.ROOT
ASSIGNMENTS = nbkit.assignments()
LECTURES = sorted((ROOT / "course").glob("*.ipynb"))
UTILS = sorted((ROOT / "utils").glob("*.py")) + sorted((ROOT / "utils" / "checks").glob("*.py"))


# ---------------------------------------------------------------------------
# 1. Expected values do not appear in lecture outputs
# ---------------------------------------------------------------------------

# A number "appears" in a lecture when a number printed there agrees with it at the
# precision the lecture shows, sign included: printed with 6 or more digits, at 6
# significant digits ("%.6g"); printed with fewer but 4 or more decimals, at 4 decimals
# ("%.4f"). An expected number is looked for only through keys with at least
# MIN_SIGNIFICANT significant digits (trailing zeros do not count: "2.5000" has 2) that
# are not the key of a simple fraction p/q, q <= 12 (integers, halves, 5/6 = 0.833333:
# no answer to copy).
#
# A check is given away when one of its numbers appears through a key of STRICT_SIGNIFICANT
# or more significant digits, or when at least half of its distinctive numbers appear (a
# check passes only if all of its numbers are right; a 4-digit agreement of one entry in
# six is chance, a 4-digit agreement of a check's only number is not).
#
# Measured with the solutions of ps1-ps5 (8,429 expected numbers of visible and hidden
# checks; 1,548 number tokens in the lectures' outputs and widgets):
#   * as above: one number appears, at 4 digits: an entry 0.393218 of ps1's visible
#     jacobian_f_of_g([1.5, 0.3]) (1 of its 6 numbers) and lecture 3's neuron gradient
#     "0.3932"; no check is given away. With "any number appears" as the rule it would be.
#   * comparing long printed numbers at 4 decimals too (what a substring search does): 67
#     numbers appear at 4 digits, mostly against lecture 5's loss curves printed in full
#     (0.9535367980963982 vs an expected 0.953488...: they differ in the 5th digit).
#   * sign-blind: 27 numbers appear, 10 at 5 digits (ps4's hidden batch-norm checks expect
#     -1.59219; lecture 3 prints dy = 1.5922): chance, and the sign is part of the answer.
MIN_SIGNIFICANT = 4
STRICT_SIGNIFICANT = 5
# A check whose expected data holds more numbers than this is left out: the only one is
# ps2's 10,000-node chain (20,003 gradients spread from 1 to e in steps of ~1e-4), whose
# numbers fill nearly every 4-decimal key of that range, so any lecture number there
# "appears" (1.6043, lecture 2's first loss, did); and no printed output hands a student
# thousands of numbers. Every other check holds at most 114 numbers.
MAX_NUMBERS_PER_CHECK = 1000
FORMATS = ("%.6g", "%.4f")
NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def _digits(text):
    """The digits of a number's mantissa, leading zeros dropped."""
    mantissa = re.split("[eE]", text)[0]
    return re.sub(r"\D", "", mantissa).lstrip("0")


def significant(key):
    """Significant digits of a formatted number, trailing zeros not counted."""
    return len(_digits(key).rstrip("0"))


def _simple_fraction(key, fmt):
    x = float(key)
    return any(fmt % float(Fraction(round(x * q), q)) == key for q in range(1, 13))


def distinctive_keys(value):
    """[(format, key)] of an expected number that a copy would reproduce."""
    keys = []
    for fmt in FORMATS:
        key = fmt % value
        if significant(key) >= MIN_SIGNIFICANT and not _simple_fraction(key, fmt):
            keys.append((fmt, key.lstrip("+")))
    return keys


def numbers_in(data):
    """Every number in a check's JSON data (arrays, lists, dicts), booleans and text left out."""
    if isinstance(data, bool) or data is None or isinstance(data, str):
        return []
    if isinstance(data, (int, float)):
        return [float(data)]
    if isinstance(data, dict):
        return [x for v in data.values() for x in numbers_in(v)]
    if isinstance(data, list):
        return [x for v in data for x in numbers_in(v)]
    return []


def lecture_texts():
    """[(lecture, text)]: stream and text/* outputs of every code cell, and the text of
    every widget in the saved widget state (labels, HTML)."""
    texts = []
    for path in LECTURES:
        nb = nbformat.read(str(path), as_version=4)
        for index, cell in enumerate(nb.cells):
            for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
                where = f"{path.name} cell {index}"
                if out.output_type == "stream":
                    texts.append((where, out.text))
                for mime, value in out.get("data", {}).items():
                    if mime.startswith("text/"):
                        texts.append((where, value if isinstance(value, str) else "".join(value)))
        state = nb.metadata.get("widgets", {}).get(
            "application/vnd.jupyter.widget-state+json", {}).get("state", {})
        for model in state.values():
            for field in ("value", "description", "placeholder"):
                value = model.get("state", {}).get(field)
                if isinstance(value, str):
                    texts.append((f"{path.name} widget", value))
    return texts


def output_keys(texts):
    """{(format, key): [(where, printed token)]} of every number printed in ``texts`` with
    at least the precision of the format."""
    found = {}
    for where, text in texts:
        for match in NUMBER.finditer(text):
            token = match.group()
            mantissa, _, exponent = token.lower().partition("e")
            x = float(token)
            shown = len(_digits(mantissa))
            decimals = len(mantissa.partition(".")[2])
            if shown >= 6:  # compared at 6 significant digits only: what it shows
                found.setdefault(("%.6g", "%.6g" % x), []).append((where, token))
            elif not exponent and decimals >= 4:
                found.setdefault(("%.4f", "%.4f" % x), []).append((where, token))
    return found


@pytest.fixture(scope="module")
def printed():
    texts = lecture_texts()
    assert texts, "the lectures hold no outputs: run them first (make lectures)"
    return output_keys(texts)


def expected_numbers(name):
    """({(grade_id, label, hidden): [numbers]} of every check of ``name`` (expected data from
    the solution), [(label, size)] of the checks left out as too dense)."""
    from grader import AssignmentGrader
    grader = AssignmentGrader(ROOT, name)
    try:
        wants = grader.expected(name)
        checks, dense = {}, []
        for (grade_id, k), data in sorted(wants.items()):
            check, hidden = grader.checks_of(grade_id)[k]
            values = numbers_in(data)
            if len(values) > MAX_NUMBERS_PER_CHECK:
                dense.append((check.label, len(values)))
            elif values:
                checks.setdefault((grade_id, check.label, hidden), []).extend(values)
    finally:
        grader.close()
    return checks, dense


def given_away(checks, printed):
    """Sentences for the checks of ``checks`` ({(grade_id, label, hidden): [numbers]}) that
    can be answered from the printed keys: a number of 5 or more significant digits appears,
    or at least half of the check's distinctive numbers do (see the rule above)."""
    found = []
    for (grade_id, label, hidden), values in checks.items():
        distinctive = {value: distinctive_keys(value) for value in values}
        distinctive = {value: keys for value, keys in distinctive.items() if keys}
        seen = {value: [key for key in keys if key in printed]
                for value, keys in distinctive.items()}
        seen = {value: keys for value, keys in seen.items() if keys}
        strict = [(value, key) for value, keys in seen.items() for key in keys
                  if significant(key[1]) >= STRICT_SIGNIFICANT]
        if strict or (seen and 2 * len(seen) >= len(distinctive)):
            value, key = (strict or [(v, k[0]) for v, k in seen.items()])[0]
            where, token = printed[key][0]
            found.append(f"{grade_id} ({'hidden' if hidden else 'visible'}) {label!r} expects "
                         f"{value!r}; {where} prints {token} ({key[0]}: {key[1]}); "
                         f"{len(seen)} of its {len(distinctive)} distinctive numbers appear")
    return found


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_expected_values_appear_in_no_lecture_output(printed, name):
    mutation.source_notebook(name)
    checks, dense = expected_numbers(name)
    assert checks, f"{name}: the grader expects no numbers at all"
    assert len(dense) <= 1, f"{name}: more than one check is left out as too dense: {dense}"
    found = given_away(checks, printed)
    assert not found, (f"{name}: {len(found)} check(s) can be answered from a lecture's "
                       f"output:\n" + "\n".join(found[:20]))


def test_distinctive_keys_leave_out_round_numbers():
    assert distinctive_keys(0.5403023058681398) == [("%.6g", "0.540302"), ("%.4f", "0.5403")]
    assert distinctive_keys(-1.5921864809101778) == [("%.6g", "-1.59219"), ("%.4f", "-1.5922")]
    assert distinctive_keys(2.5) == distinctive_keys(12.0) == distinctive_keys(0.0) == []
    assert distinctive_keys(-0.833333333449815) == []  # -5/6
    assert distinctive_keys(2.50000001) == []
    assert distinctive_keys(0.000123456) == [("%.6g", "0.000123456")]  # 4 decimals: 0.0001


def test_a_printed_answer_is_found():
    """The check can fail: an expected value that a lecture prints is caught."""
    printed = output_keys([("lecture 9 cell 1", "dx = [ 0.54030231 -0.98765432]\n"
                                                "f = 1.5922;  g = 1.59;  dw = [0.3932, 0.1966]")])
    assert {("%.6g", "0.540302"), ("%.6g", "-0.987654"), ("%.4f", "1.5922"),
            ("%.4f", "0.3932")} <= set(printed)
    assert not any(key[1].startswith("1.59") and key[1] != "1.5922" for key in printed)

    def caught(*values):
        return bool(given_away({("ps9_test", "a check", True): list(values)}, printed))

    assert caught(0.5403023058681398)                  # 6 digits
    assert caught(7.1234567, 1.5921864809101778)       # one 5-digit number is enough
    assert caught(0.39321775)                          # the only 4-digit number
    assert not caught(-0.5403023058681398)             # other sign
    assert not caught(0.39321775, 0.1234, 0.2345, 0.3456)  # 1 of 4 four-digit numbers
    assert not caught(1.59, 0.5, 12.0)                 # nothing distinctive


# ---------------------------------------------------------------------------
# 2. No solution region is a near-copy of lecture or utils code
# ---------------------------------------------------------------------------

# Similarity: difflib.SequenceMatcher ratio 2 M / (|a| + |b|) of the normalized token
# lists (mutation.normalize: identifiers -> ID, strings -> STR, comments, docstrings and
# layout dropped; keywords, operators, numbers, attribute names, np/math/builtins kept),
# between a solution region of at least MIN_LINES logical lines and MIN_TOKENS tokens and
# each unit: a lecture code cell, a function in a lecture cell, a function in utils/*.py or
# utils/checks/*.py (~690 units). Shorter regions (a formula, `out = x * y; cache = (x, y);
# return out, cache`, `for layer in self.layers: x = layer(x)`) have one right way to be
# written and match something at 0.63-0.74 by chance; they are left out (18 + 5 regions).
#
# Measured on ps1-ps5 (37 regions left), the highest ratios:
#   0.84  ps5_improvement vs utils/checks/ps5_vanishing_exploding.py _numeric_improvement
#         (the public checks compute the same two ratios and their quotient with the same
#         statements: a near-copy; this test fails on it)
#   0.71  ps2_backward vs utils/autodiff.py postorder (both iterative DFS; other code)
#   0.66  ps3_mul region 2 vs utils/layers.py leaky_relu_backward
#   0.63  ps1_central_difference vs utils/gradcheck.py numerical_derivative
#   below 0.61 for the other 33.
# A renamed copy (every identifier, comments, docstring, layout changed) scores 1.0, with a
# line added 0.97; replacing random 10 % of its tokens leaves 0.87-0.91, 15 % 0.67-0.85
# (eval_numerical_gradient, softmax_cross_entropy, 20 draws each). THRESHOLD = 0.8 sits
# above the honest maximum 0.71 and catches copies with up to about 1 token in 7 changed.
MIN_LINES = 3
MIN_TOKENS = 20
THRESHOLD = 0.8
REPORT_FLOOR = 0.6


def _units_of(where, code):
    units = []
    tokens, _ = mutation.normalize(code)
    units.append((where, tokens))
    for fname, body in mutation.function_sources(code):
        units.append((f"{where} def {fname}", mutation.normalize(body)[0]))
    return units


def lecture_and_utils_units():
    """[(where, normalized tokens)] of every unit a student could copy from."""
    units = []
    for path in LECTURES:
        nb = nbformat.read(str(path), as_version=4)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and cell.source.strip():
                units += _units_of(f"{path.name} cell {index}", mutation.python_source(cell.source))
    for path in UTILS:
        rel = path.relative_to(ROOT)
        for fname, body in mutation.function_sources(path.read_text()):
            units.append((f"{rel} def {fname}", mutation.normalize(body)[0]))
    return [(where, tokens) for where, tokens in units if tokens]


def solution_regions(nb):
    """[(where, normalized tokens)] of every solution region of >= MIN_LINES logical lines
    and >= MIN_TOKENS tokens."""
    found = []
    for cell in nb.cells:
        if not mutation.is_solution_code(cell):
            continue
        for k, text in enumerate(mutation.regions(cell.source)):
            tokens, lines = mutation.normalize(text)
            if lines >= MIN_LINES and len(tokens) >= MIN_TOKENS:
                found.append((f"{nbkit.grade_id(cell)} region {k + 1}", tokens))
    return found


def best_matches(region, units, floor=REPORT_FLOOR):
    """[(ratio, where)] of the units at least ``floor`` similar to ``region``, best first."""
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq1(region)
    found = []
    for where, tokens in units:
        matcher.set_seq2(tokens)
        if matcher.real_quick_ratio() >= floor and matcher.quick_ratio() >= floor:
            ratio = matcher.ratio()
            if ratio >= floor:
                found.append((ratio, where))
    return sorted(found, reverse=True)


@pytest.fixture(scope="module")
def units():
    found = lecture_and_utils_units()
    assert len(found) > 100, f"only {len(found)} lecture cells and utils functions found"
    return found


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_no_solution_is_a_near_copy(units, name):
    nb = mutation.source_notebook(name)
    regions = solution_regions(nb)
    assert regions, f"{name}: no solution region of {MIN_LINES} or more lines"
    copies = []
    for where, tokens in regions:
        matches = best_matches(tokens, units, floor=THRESHOLD)
        if matches:
            ratio, source = matches[0]
            copies.append(f"{where} is {ratio:.2f} similar to {source}")
    assert not copies, (f"{name}: solution code that is a near-copy (similarity >= {THRESHOLD}) "
                        f"of code the students have:\n" + "\n".join(copies))


def _renamed(code):
    """``code`` with every identifier renamed, its docstring and comments rewritten and
    its layout changed, as a student hiding a copy would."""
    import io
    import keyword
    import tokenize
    names, out = {}, []
    for tok in tokenize.generate_tokens(io.StringIO(code).readline):
        text = tok.string
        if (tok.type == tokenize.NAME and not keyword.iskeyword(text)
                and text not in mutation.KEPT_NAMES and not (out and out[-1][1] == ".")):
            text = names.setdefault(text, f"my_var_{len(names)}")
        elif tok.type == tokenize.COMMENT:
            text = "# my own idea"
        out.append((tok.type, text))
    return tokenize.untokenize(out)


def _copy_of(function):
    import inspect
    return textwrap.dedent(inspect.getsource(function))


def test_a_renamed_copy_of_a_utils_function_is_flagged(units):
    from utils.gradcheck import eval_numerical_gradient
    from utils.layers import softmax_cross_entropy
    for function in (eval_numerical_gradient, softmax_cross_entropy):
        copied = _renamed(_copy_of(function))
        body = mutation.function_sources(copied)[0][1]
        assert "my_var_" in body
        tokens, lines = mutation.normalize(body)
        assert lines >= MIN_LINES
        ratio, where = best_matches(tokens, units, floor=THRESHOLD)[0]
        assert ratio == 1.0 and where.endswith(f"def {function.__name__}"), (ratio, where)
        # one more line in the copy: still flagged
        edited = body + "\nprint('done')\n"
        ratio, where = best_matches(mutation.normalize(edited)[0], units, floor=THRESHOLD)[0]
        assert THRESHOLD <= ratio < 1.0 and where.endswith(f"def {function.__name__}")


def test_different_code_for_the_same_task_is_not_flagged(units):
    """A loop over entries written from scratch, for the task eval_numerical_gradient does."""
    own = textwrap.dedent("""
        grad = np.zeros_like(x)
        flat = x.reshape(-1)
        for i in range(flat.size):
            keep = flat[i]
            flat[i] = keep + h
            up = f(x)
            flat[i] = keep - h
            down = f(x)
            flat[i] = keep
            grad.reshape(-1)[i] = (up - down) / (2 * h)
        return grad
    """)
    tokens, lines = mutation.normalize(own)
    assert lines >= MIN_LINES
    assert not best_matches(tokens, units, floor=THRESHOLD)
