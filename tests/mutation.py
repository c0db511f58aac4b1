"""Helpers for tests/test_no_copy.py and tests/test_mutations.py.

* ``regions``: the solution regions of a cell; ``old_format_problem``: whether an
  assignment's test cells are in the format the trusted grader reads;
  ``graded_solution_cells``: which solution cells are graded parts.
* ``normalize``: Python code as a token list that ignores naming and layout.
* ``mutants``: every single small mutation of the solution regions of a notebook.
"""

import ast
import builtins
import copy
import io
import keyword
import random
import textwrap
import tokenize
from dataclasses import dataclass

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def is_solution_code(cell):
    return cell.cell_type == "code" and bool(nbgrader_meta(cell).get("solution"))


def is_test_cell(cell):
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def old_format_problem(nb):
    """None if every test cell of ``nb`` hands its checks to the trusted grader
    (``run_checks("<grade_id>", globals())``), else a sentence naming the cells that do not
    (the old format called ``utils.grading`` or asserted in the cell itself)."""
    old = [nbgrader_meta(c).get("grade_id") for c in nb.cells if is_test_cell(c)
           and ("utils.grading" in c.source or "run_checks(" not in c.source)]
    if not old:
        return None
    return (f"test cells {old} do not call utils.checks.run_checks (old format: utils.grading "
            f"or asserts in the cell); the trusted grader cannot grade them")


def graded_solution_cells(nb):
    """grade_ids of the solution code cells that are graded parts: the first cell after
    each that calls run_checks is a test cell. A solution cell followed first by a
    checked-but-not-graded cell (ps4's stated forward pass and loss: ``ps4_check_*``, no
    points), or by no check at all, is not a graded part."""
    graded, waiting = set(), []
    for cell in nb.cells:
        if is_solution_code(cell):
            waiting.append(nbgrader_meta(cell)["grade_id"])
        elif cell.cell_type == "code" and "run_checks(" in cell.source:
            if is_test_cell(cell):
                graded.update(waiting)
            waiting = []
    return graded


def python_source(code):
    """A cell as plain Python: IPython syntax (%magic, !shell) turned into calls."""
    if not any(line.lstrip().startswith(("%", "!")) for line in code.splitlines()):
        return code
    from IPython.core.inputtransformer2 import TransformerManager
    return TransformerManager().transform_cell(code)


def region_spans(source):
    """[(first, last)] 1-based line numbers of the lines between each pair of markers."""
    spans, start = [], None
    for number, line in enumerate(source.split("\n"), 1):
        if BEGIN in line:
            start = number + 1
        elif END in line and start is not None:
            if number - 1 >= start:
                spans.append((start, number - 1))
            start = None
    return spans


def regions(source):
    """The text of each solution region of a cell, dedented."""
    lines = source.split("\n")
    return [textwrap.dedent("\n".join(lines[a - 1:b])) for a, b in region_spans(source)]


# ---------------------------------------------------------------------------
# Normalized token sequences (test_no_copy)
# ---------------------------------------------------------------------------

# Names that renaming would not touch: the numpy and math modules, self, and builtins.
KEPT_NAMES = {"np", "numpy", "math", "self"} | set(dir(builtins))
_LAYOUT = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
           tokenize.DEDENT, tokenize.ENCODING, tokenize.ENDMARKER}


def normalize(code):
    """(tokens, logical lines) of ``code``: comments, docstrings (any string that is a whole
    statement) and layout dropped; every identifier is ``ID`` except keywords, attribute
    names after a dot (``.T``, ``.sum``, ``np.tanh``), ``np``/``math``/``self`` and
    builtins; every string literal is ``STR``; numbers and operators are kept."""
    tokens = list(tokenize.generate_tokens(io.StringIO(textwrap.dedent(code)).readline))
    out, lines, statement_start = [], 0, True
    for i, tok in enumerate(tokens):
        if tok.type in _LAYOUT:
            if tok.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
                statement_start = True
            continue
        if tok.type == tokenize.STRING and statement_start:
            j = i + 1
            while tokens[j].type in (tokenize.COMMENT, tokenize.NL, tokenize.STRING):
                j += 1
            if tokens[j].type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                continue  # a docstring or a bare string statement
        if statement_start:
            lines += 1
        statement_start = False
        if tok.type == tokenize.NAME:
            keep = (keyword.iskeyword(tok.string) or tok.string in KEPT_NAMES
                    or (out and out[-1] == "."))
            out.append(tok.string if keep else "ID")
        elif tok.type == tokenize.STRING:
            out.append("STR")
        else:
            out.append(tok.string)
    return out, lines


def function_sources(code):
    """[(name, source of the body)] of every function and method defined in ``code``."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    lines = code.split("\n")
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first, last = node.body[0].lineno, node.end_lineno
            found.append((node.name, textwrap.dedent("\n".join(lines[first - 1:last]))))
    return found


# ---------------------------------------------------------------------------
# Mutants (test_mutations)
# ---------------------------------------------------------------------------

_SWAP = {"+": "-", "-": "+", "*": "/", "/": "*"}
_AUGMENTED = {"+=", "-=", "*=", "/=", "@="}


@dataclass(frozen=True)
class Mutant:
    """One small change inside a solution region of one cell."""
    cell: str      # grade_id of the solution cell
    line: int      # 1-based line in the cell
    kind: str      # sign, mul/div, augmented, transpose, integer, factor
    before: str    # the changed line before
    after: str     # and after
    source: str    # the whole mutated cell source

    def describe(self):
        return (f"{self.cell} line {self.line} ({self.kind}): "
                f"{self.before.strip()!r} -> {self.after.strip()!r}")


def _number_changes(text):
    """[(kind, replacement)] for a number literal: 0<->1, 2->1, n->2n; floats times 2."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return []
    if isinstance(value, bool) or isinstance(value, complex):
        return []
    if isinstance(value, int):
        return [("integer", {0: "1", 1: "0", 2: "1"}.get(value, str(2 * value)))]
    return [("factor", "1.0" if value == 0 else repr(2 * value))]


def _edits(source):
    """[(kind, (row, col) start, (row, col) end, replacement)] inside the solution regions."""
    rows = {row for a, b in region_spans(source) for row in range(a, b + 1)}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return []
    edits, in_fstring = [], 0
    for i, tok in enumerate(tokens):
        # Python >= 3.12 tokenizes f-strings; their text (messages) is not mutated
        if tok.type == getattr(tokenize, "FSTRING_START", None):
            in_fstring += 1
        elif tok.type == getattr(tokenize, "FSTRING_END", None):
            in_fstring -= 1
        if tok.start[0] not in rows or in_fstring:
            continue
        if tok.type == tokenize.OP and tok.string in _SWAP:
            kind = "sign" if tok.string in "+-" else "mul/div"
            edits.append((kind, tok.start, tok.end, _SWAP[tok.string]))
        elif tok.type == tokenize.OP and tok.string in _AUGMENTED:
            edits.append(("augmented", tok.start, tok.end, "="))
        elif (tok.type == tokenize.OP and tok.string == "." and i + 1 < len(tokens)
              and tokens[i + 1].type == tokenize.NAME and tokens[i + 1].string == "T"):
            edits.append(("transpose", tok.start, tokens[i + 1].end, ""))
        elif tok.type == tokenize.NUMBER:
            for kind, text in _number_changes(tok.string):
                edits.append((kind, tok.start, tok.end, text))
    return edits


def _apply(source, start, end, text):
    lines = source.split("\n")
    (r0, c0), (r1, c1) = start, end
    assert r0 == r1, "edits stay on one line"
    line = lines[r0 - 1]
    lines[r0 - 1] = line[:c0] + text + line[c1:]
    return "\n".join(lines)


def _tree(source):
    """ast.dump of a cell, or None if it does not compile."""
    try:
        code = python_source(source)
        compile(code, "<cell>", "exec")
        return ast.dump(ast.parse(code))
    except (SyntaxError, ValueError):
        return None


def mutants(nb, cells=None):
    """Every mutant of ``nb``'s solution regions (of the solution cells whose grade_id is in
    ``cells``, default all) that compiles and changes the program, in notebook order
    (cells, then lines, then columns)."""
    found = []
    for cell in nb.cells:
        if not is_solution_code(cell):
            continue
        if cells is not None and nbgrader_meta(cell).get("grade_id") not in cells:
            continue
        original = _tree(cell.source)
        lines = cell.source.split("\n")
        for kind, start, end, text in _edits(cell.source):
            source = _apply(cell.source, start, end, text)
            tree = _tree(source)
            if tree is None or tree == original:
                continue
            found.append(Mutant(nbgrader_meta(cell)["grade_id"], start[0], kind,
                                lines[start[0] - 1], source.split("\n")[start[0] - 1], source))
    return found


def sample(items, k, seed=0):
    """At most ``k`` of ``items``, chosen with random.Random(seed), in their original order."""
    if len(items) <= k:
        return list(items)
    chosen = sorted(random.Random(seed).sample(range(len(items)), k))
    return [items[i] for i in chosen]


def mutated_notebook(nb, mutant):
    """A copy of ``nb`` whose solution cell ``mutant.cell`` holds the mutant's source."""
    out = copy.deepcopy(nb)
    for cell in out.cells:
        if nbgrader_meta(cell).get("grade_id") == mutant.cell:
            cell.source = mutant.source
            return out
    raise KeyError(mutant.cell)


def source_notebook(name):
    """The source notebook of assignment ``name``; the calling test fails if its test cells
    are not in the run_checks format."""
    import nbkit  # tests/nbgrader, put on sys.path by the test files that use this module
    import pytest
    nb = nbkit.read(nbkit.source_notebook(name))
    problem = old_format_problem(nb)
    if problem:
        pytest.fail(f"{name}: {problem}")
    return nb
