"""Tests of the lecture notebooks' text and code (course/*.ipynb), without running them.

Budgets and structure (word counts, Predict lines, quizzes, a PyTorch section, further
reading), words that must not appear, and one test per corrected statement, each
recomputing the fact with utils so that the wrong claim cannot come back.
"""

import ast
import base64
import re
import struct
from pathlib import Path

import nbformat
import numpy as np
import pytest

from utils.data_generators import load_sports_dataset
from utils.derivatives import softplus
from utils.nets import MultiLayerNet
from utils.rnn import recurrent_matrix, rnn_backward, rnn_forward

COURSE = Path(__file__).resolve().parents[1] / "course"
ALL_LECTURES = sorted(COURSE.glob("*.ipynb"))
L4 = COURSE / "04_two_layer_net.ipynb"
L5 = COURSE / "05_vanishing_exploding_gradients.ipynb"
WORD_BUDGET = 2500


def _notebook(path):
    return nbformat.read(path, as_version=4)


def _markdown(path):
    return [c.source for c in _notebook(path).cells if c.cell_type == "markdown"]


def _code(path):
    return [c.source for c in _notebook(path).cells if c.cell_type == "code"]


def _prose(text):
    """Markdown without display math, fenced or inline code, and HTML tags."""
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    return re.sub(r"<[^>]+>", " ", text)


def markdown_words(path):
    """Words of prose in a notebook's markdown cells (display math and code excluded)."""
    return sum(len(re.findall(r"[A-Za-z0-9][\w'\-]*", _prose(m))) for m in _markdown(path))


def _flat(text):
    return " ".join(text.split())


# ---- budgets and structure of lectures 4 and 5 -------------------------------------------
@pytest.mark.parametrize("path", [L4, L5], ids=lambda p: p.stem)
def test_lecture_within_word_budget(path):
    words = markdown_words(path)
    assert words <= WORD_BUDGET, f"{path.name}: {words} words of prose, budget {WORD_BUDGET}"


@pytest.mark.parametrize("path", [L4, L5], ids=lambda p: p.stem)
def test_every_numbered_section_opens_with_a_prediction(path):
    sections = re.split(r"(?m)^## ", "\n".join(_markdown(path)))[1:]
    numbered = [s for s in sections if re.match(r"\d+\.", s)]
    assert len(numbered) >= 9
    missing = [s.splitlines()[0] for s in numbered if "**Predict:**" not in s]
    assert not missing, f"{path.name}: sections without a **Predict:** line: {missing}"


@pytest.mark.parametrize("path", [L4, L5], ids=lambda p: p.stem)
def test_quiz_is_auto_checked_and_answers_follow(path):
    cells = _notebook(path).cells
    quiz = [i for i, c in enumerate(cells) if c.cell_type == "code"
            and "multiple_choice(" in c.source and "numeric_question(" in c.source]
    assert quiz, f"{path.name}: no quiz cell with multiple_choice and numeric_question"
    after = cells[quiz[-1] + 1]
    assert after.cell_type == "markdown" and "<details>" in after.source \
        and "<summary>Answers</summary>" in after.source
    for source in (cells[i].source for i in quiz):
        tree = ast.parse(source)
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)
                     and getattr(n.func, "id", "") == "multiple_choice"):
            options = ast.literal_eval(call.args[1])
            answer = ast.literal_eval(next(k.value for k in call.keywords if k.arg == "answer"))
            assert options[answer] is None
            assert all(isinstance(v, str) and v for k, v in options.items() if k != answer), \
                "every wrong option names its misconception"


@pytest.mark.parametrize("path", [L4, L5], ids=lambda p: p.stem)
def test_pytorch_section_is_guarded_and_complete(path):
    text = "\n".join(_markdown(path))
    code = "\n".join(_code(path))
    assert "## Check against PyTorch" in text
    assert re.search(r"try:\n\s+import torch\nexcept ImportError:", code)
    assert 'PyTorch is not installed: pip install -e \\".[torch]\\" to run this section.' in code
    for needed in ("requires_grad=True", ".backward()", ".grad", "torch.autograd.gradcheck"):
        assert needed in code, f"{path.name}: the PyTorch section never uses {needed}"
    assert re.search(r"\.grad\.zero_\(\)|\.grad = None", code), "gradients are never reset"
    assert "accumulat" in text or "adds" in text.lower()


@pytest.mark.parametrize("path", [L4, L5], ids=lambda p: p.stem)
def test_further_reading_cites_author_year_and_url(path):
    text = "\n".join(_markdown(path))
    assert "## Further reading" in text
    entries = [line for line in text.split("## Further reading", 1)[1].split("\n* ")[1:]]
    assert len(entries) >= 4
    for entry in entries:
        assert re.search(r"(19|20)\d\d", entry) and "https://" in entry, entry


@pytest.mark.parametrize("path", [L4, L5], ids=lambda p: p.stem)
def test_figures_go_through_show_with_alt_text(path):
    for source in _code(path):
        assert "plt.show()" not in source, "figures are shown with utils.plotting.show"
        if "plt.subplots(" in source:
            assert "show(fig," in source, source.splitlines()[0]


def _png_size(data):
    raw = base64.b64decode(data)
    return struct.unpack(">II", raw[16:24])


@pytest.mark.parametrize("path", [L4, L5], ids=lambda p: p.stem)
def test_figures_readable_at_laptop_width(path):
    # 10 pt text stays >= 10 pt on screen only if a figure is not shrunk much: no stored
    # image wider than 1200 px, and no font size below 10 in the code
    for cell in _notebook(path).cells:
        if cell.cell_type != "code":
            continue
        assert not re.search(r"fontsize\s*=\s*[1-9](?!\d)", cell.source), cell.source[:60]
        for out in cell.get("outputs", []):
            png = out.get("data", {}).get("image/png")
            if png:
                width, _ = _png_size(png)
                assert width <= 1200, f"{path.name}: a {width} px wide figure"


# ---- words and comments that must not appear in any lecture -------------------------------
FORBIDDEN = [r"\bsources?\b", r"\bseed(s|ed)?\b", r"\bthe notes\b", r"\bclassic presentation\b",
             r"\bthe original\b"]


@pytest.mark.parametrize("path", ALL_LECTURES, ids=lambda p: p.stem)
def test_no_reference_to_the_material_behind_the_course(path):
    for text in _markdown(path):
        prose = _prose(text)
        for pattern in FORBIDDEN:
            hit = re.search(pattern, prose, flags=re.I)
            assert not hit, f"{path.name}: '{hit.group(0)}' in: {_flat(prose)[:120]}"


@pytest.mark.parametrize("path", ALL_LECTURES, ids=lambda p: p.stem)
def test_checked_outputs_use_the_cell_tag_not_a_comment(path):
    for source in _code(path):
        assert "NBVAL_CHECK_OUTPUT" not in source


@pytest.mark.parametrize("path", ALL_LECTURES, ids=lambda p: p.stem)
def test_weight_scale_only_where_the_scheme_reads_it(path):
    # a network's weight_scale is the std of init="normal" and a factor only with
    # scale_after_init=True; passed with any other scheme it is silently ignored
    for source in _code(path):
        tree = ast.parse("\n".join(l for l in source.splitlines() if not l.startswith("%")))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call)
                    and getattr(node.func, "id", "") in ("MultiLayerNet", "TwoLayerNet")):
                continue
            kw = {k.arg: k.value for k in node.keywords if k.arg}
            init = kw.get("init")
            if "weight_scale" in kw and isinstance(init, ast.Constant) and init.value != "normal":
                after = kw.get("scale_after_init")
                assert isinstance(after, ast.Constant) and after.value is True, \
                    f"{path.name}: weight_scale passed with init={init.value!r}: {ast.unparse(node)}"


# ---- lecture 4: corrected statements ------------------------------------------------------
def _l4_walkthrough():
    from utils import layers
    x, y = np.array([[1.0, 2.0]]), np.array([[1.0]])
    W1, b1 = np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]), np.full(3, 0.1)
    W2, b2 = np.array([[0.7], [0.8], [0.9]]), np.array([0.1])
    z1, c1 = layers.affine_forward(x, W1, b1)
    a1, r1 = layers.relu_forward(z1)
    z2, c2 = layers.affine_forward(a1, W2, b2)
    loss, dz2 = layers.bce_with_logits(z2, y)
    return z1, z2, loss, dz2


def test_l4_walkthrough_has_a_relu_hidden_layer_in_text_and_code():
    text = _flat("\n".join(_markdown(L4)))
    code = "\n".join(_code(L4))
    assert "three ReLU hidden units, one sigmoid output" in text
    assert "sigmoid units in both layers" not in text
    assert "layers.relu_forward(s[\"z1\"])" in code and "layers.relu_backward(" in code
    z1, z2, loss, dz2 = _l4_walkthrough()
    assert np.allclose(z1, [[0.6, 1.2, 1.8]])
    for claim, value in (("= 3.1", z2[0, 0]), ("= 0.957", 1 / (1 + np.exp(-z2[0, 0]))),
                         ("= 0.044", loss), ("= -0.043", dz2[0, 0])):
        assert claim in text
        assert f"= {value:.{len(claim.split('.')[-1])}f}" == claim


def test_l4_go_dolphins_text_says_what_the_table_shows():
    text = _flat("\n".join(_markdown(L4)))
    assert "depth shows in the speed" not in text.lower()
    features, labels, _, _ = load_sports_dataset()
    X = (features - features.mean(axis=0)) / features.std(axis=0)
    first = {}
    for sizes in ([3, 1], [3, 4, 1]):
        net = MultiLayerNet(sizes, activation="sigmoid", init="xavier", output="sigmoid", seed=0)
        history = net.train(X, labels, lr=1.0, epochs=300)
        first[len(sizes) - 1] = 1 + history["accuracy"].index(1.0)
    assert first[2] < first[1], "the two-layer network reaches 100 % first"
    assert (f"two-layer network reaches 100 % at epoch {first[2]} against the neuron's "
            f"{first[1]}") in text


def test_l4_b3_descent_numbers_in_the_text():
    w1, b1, w2, b2, w3, w4 = 3.34, -1.43, -3.53, 0.57, -1.22, -2.30
    dose, observed = np.array([0.0, 0.5, 1.0]), np.array([0.0, 1.0, 0.0])

    def slope(b3):
        pred = w3 * softplus(w1 * dose + b1) + w4 * softplus(w2 * dose + b2) + b3
        return np.sum(-2.0 * (observed - pred))

    path = [0.0]
    while len(path) < 100:
        step = 0.1 * slope(path[-1])
        path.append(path[-1] - step)
        if abs(step) < 1e-4:
            break
    text = _flat("\n".join(_markdown(L4)))
    claimed = "0 \\to " + " \\to ".join(f"{b:.2f}" for b in path[1:4]) + " \\to \\dots \\to " \
        + f"{path[-1]:.2f}"
    assert claimed in text
    assert np.all(np.diff(path) > 0), "b3 approaches the optimum from one side"


# ---- lecture 5: corrected statements ------------------------------------------------------
def _nilpotent_bptt(activation, hidden=16, c=8.0, n=16, steps=50, dim=8):
    U = np.triu(np.random.default_rng(2).standard_normal((hidden, hidden)), 1) / np.sqrt(hidden)
    Q = recurrent_matrix(hidden, 1.0, 12)
    W_hh = c * Q @ U @ Q.T
    rng = np.random.default_rng(8)
    x = rng.standard_normal((n, steps, dim))
    W_xh = rng.standard_normal((dim, hidden)) * 0.5 / np.sqrt(dim)
    upstream = np.zeros((n, steps, hidden))
    upstream[:, -1] = rng.standard_normal((n, hidden))
    _, cache = rnn_forward(x, np.zeros((n, hidden)), W_xh, W_hh, np.zeros(hidden), activation)
    return U, W_hh, rnn_backward(upstream, cache)[1]


def test_l5_spectral_radius_zero_rnn_still_explodes():
    U, W_hh, linear = _nilpotent_bptt("linear")
    assert np.all(np.diag(U) == 0) and np.allclose(np.tril(U), 0)   # nilpotent: rho = 0
    assert np.linalg.norm(np.linalg.matrix_power(W_hh, 16), 2) < 1e-20 * np.linalg.norm(W_hh, 2) ** 16
    assert linear[-17] / linear[-1] < 1e-8, "the linear RNN's gradient dies after 16 steps"
    for activation in ("tanh", "relu"):
        norms = _nilpotent_bptt(activation)[2]
        assert (norms[0] / norms[-1]) ** (1 / 49) > 1.5, f"{activation} RNN grows per step"


def test_l5_explosion_condition_is_on_the_largest_singular_value():
    text = _flat("\n".join(_markdown(L5)))
    assert not re.search(r"spectral radius[^.]*\bnecessary\b", text, flags=re.I)
    assert re.search(r"largest singular value\*\* of \$W_\{hh\}\$", text)
    assert re.search(r"s_\{\\max\} > 1/\\gamma\$ is \*necessary\*", text)


def test_l5_sigma_prime_bound_is_referenced_to_lecture_3():
    text = _flat("\n".join(_markdown(L5)))
    assert "lecture 3, section 5" in text
    assert "\\tfrac12\\cdot\\tfrac12" not in text, "the 1/4 bound is derived in lecture 3 only"


def test_l5_go_dolphins_is_analysed_layer_by_layer():
    code = "\n".join(_code(L5))
    assert "load_sports_dataset()" in code and "upstream_grads" in code
    features, labels, _, _ = load_sports_dataset()
    X = (features - features.mean(axis=0)) / features.std(axis=0)
    net = MultiLayerNet([3] + [6] * 8 + [1], activation="sigmoid", init="xavier",
                        output="sigmoid", seed=0)
    net.loss(X, labels)
    deltas = [np.linalg.norm(g) for g in net.upstream_grads]
    per_layer = (deltas[0] / deltas[-1]) ** (1 / 8)
    assert 0.15 < per_layer < 0.3
    ratio = deltas[0] / deltas[-1]
    exponent = int(np.floor(np.log10(ratio)))
    claim = f"{round(ratio / 10 ** exponent)}\\times10^{{{exponent}}}"   # e.g. 7\times10^{-6}
    assert claim in _flat("\n".join(_markdown(L5)))


def test_l5_remedies_table_lists_learning_rate_schedules():
    text = "\n".join(_markdown(L5))
    assert re.search(r"(?m)^\| learning-rate schedules", text)


@pytest.mark.parametrize("path", [L4, L5], ids=lambda p: p.stem)
def test_cross_references_point_to_existing_sections(path):
    headings = {}
    for lecture in ALL_LECTURES:
        number = int(lecture.name[:2])
        text = "\n".join(_markdown(lecture))
        headings[number] = set(re.findall(r"(?m)^##+ (\d+(?:\.\d+)?)\.?\s", text))
    own = int(path.name[:2])
    text = _flat("\n".join(_markdown(path)))
    refs = re.findall(r"(?i)lecture (\d), section (\d+(?:\.\d+)?)", text)
    refs += [(str(own), s) for s in re.findall(r"(?<!, )\bsection (\d+(?:\.\d+)?)", text)]
    assert refs
    for lecture, section in refs:
        assert section in headings[int(lecture)], \
            f"{path.name}: lecture {lecture} has no section {section}"


# ---- lectures 1 to 3: the structure checks above, applied to them --------------------------
L1 = COURSE / "01_chain_rule.ipynb"
L2 = COURSE / "02_computational_graphs.ipynb"
L3 = COURSE / "03_gate_backprop.ipynb"
FIRST_THREE = [L1, L2, L3]


@pytest.mark.parametrize("path", FIRST_THREE, ids=lambda p: p.stem)
def test_first_three_lectures_structure(path):
    test_lecture_within_word_budget(path)
    test_quiz_is_auto_checked_and_answers_follow(path)
    test_pytorch_section_is_guarded_and_complete(path)
    test_further_reading_cites_author_year_and_url(path)
    test_figures_go_through_show_with_alt_text(path)
    test_figures_readable_at_laptop_width(path)
    test_cross_references_point_to_existing_sections(path)


@pytest.mark.parametrize("path", FIRST_THREE, ids=lambda p: p.stem)
def test_first_three_lectures_open_every_section_with_a_prediction(path):
    sections = re.split(r"(?m)^## ", "\n".join(_markdown(path)))[1:]
    numbered = [s for s in sections if re.match(r"\d+\.", s)]
    assert len(numbered) >= 7
    missing = [s.splitlines()[0] for s in numbered if "**Predict:**" not in s]
    assert not missing, f"{path.name}: sections without a **Predict:** line: {missing}"


@pytest.mark.parametrize("path", FIRST_THREE, ids=lambda p: p.stem)
def test_first_three_lectures_tag_checked_cells(path):
    tagged = [c for c in _notebook(path).cells
              if "nbval-check-output" in c.metadata.get("tags", [])]
    assert len(tagged) >= 5, f"{path.name}: only {len(tagged)} cells are checked by nbval"
    for cell in tagged:      # checked outputs must not depend on timing or widget ids
        assert "perf_counter" not in cell.source and "explorer(" not in cell.source


@pytest.mark.parametrize("path", FIRST_THREE, ids=lambda p: p.stem)
def test_no_x_legends_on_axes_labelled_z(path):
    for source in _code(path):
        if re.search(r"set_xlabel\([^)]*\$z\$", source):
            assert "(x)" not in source, source.splitlines()[0]
    code = "\n".join(_code(path))
    assert "plot_function_and_derivative(" not in code, \
        "its legend names the variable x; the activations are plotted against z"


# ---- lecture 1: corrected statements and assignment boundaries ----------------------------
def test_l1_domain_edge_of_the_logarithm_is_not_called_a_pole():
    from utils.gradcheck import numerical_derivative

    text = _flat("\n".join(_markdown(L1)))
    assert not re.search(r"\bpoles?\b", text + "\n".join(_code(L1)), flags=re.I)
    assert "edge of the domain" in text and "edge of its domain" in text
    # ln(sin x^2) near sqrt(pi): the argument tends to 0 from above and ln to -infinity;
    # past sqrt(pi) the function is not defined at all (a pole would have values on both sides)
    with np.errstate(invalid="ignore"):
        inside = np.log(np.sin((np.sqrt(np.pi) - np.array([1e-3, 1e-6, 1e-9])) ** 2))
        outside = np.log(np.sin((np.sqrt(np.pi) + 1e-6) ** 2))
    assert np.all(np.diff(inside) < 0) and inside[-1] < -15 and np.isnan(outside)
    # the numbers claimed for ln x: 10 % off two steps from the edge, nan within one step
    off = numerical_derivative(np.log, 2e-5) / (1 / 2e-5) - 1
    assert round(100 * off) == 10 and "10% off" in text
    with np.errstate(invalid="ignore"):
        assert np.isnan(numerical_derivative(np.log, 5e-6))


def test_l1_does_not_compute_the_problem_set_1_derivatives():
    code = "\n".join(_code(L1))
    for pattern in (r"np\.log\(np\.sin\(", r"np\.sin\(np\.cos\(", r"log1p\(np\.exp\(3",
                    r"np\.log\(1 \+ np\.exp\(3"):
        assert not re.search(pattern, code), pattern
    text = _flat("\n".join(_markdown(L1)))
    assert "\\cot" not in text and "\\cos(\\cos x)" not in text


def test_l1_jacobian_claims():
    text = _flat("\n".join(_markdown(L1)))

    def jac_f(x, y):
        return np.array([[2 * x, 1.0], [y, x]])

    assert np.linalg.det(jac_f(2.0, 3.0)) == pytest.approx(5.0)
    assert "\\lvert\\det J\\rvert = 5" in text
    assert np.linalg.det(jac_f(1.0, 2.0)) == pytest.approx(0.0, abs=1e-12)
    assert "move the point to $(1, 2)$: there $\\det J = 2x^2 - y = 0$" in text


def test_l1_refers_to_the_sigmoid_derivation_where_it_is():
    assert "derived in Lecture 3, section 5" in _flat("\n".join(_markdown(L1)))
    headings = re.findall(r"(?m)^## 5\. (.*)$", "\n".join(_markdown(L3)))
    assert headings and "\\sigma' = \\sigma(1 - \\sigma)" in headings[0]


# ---- lecture 2: corrected statements and the widgets' text --------------------------------
def test_l2_speedup_is_described_by_its_measured_exponent():
    text = _flat("\n".join(_markdown(L2)))
    code = "\n".join(_code(L2))
    assert not re.search(r"at least (linearly|in proportion)", text, flags=re.I)
    assert not re.search(r"exponent[^.]*\b\d\.\d\d\b", text), "the exponent is measured, not typed"
    assert "np.polyfit(np.log(sizes), np.log(speedup), 1)" in code
    assert "fitted exponent" in text and "fitted exponent {slope:.2f}" in code
    # and what the text does claim: the numerical gradient needs 2n loss evaluations
    from utils.gradcheck import eval_numerical_gradient
    calls = []
    eval_numerical_gradient(lambda v: calls.append(1) or float(v @ v), np.ones(7))
    assert len(calls) == 2 * 7 and "$2n$ loss evaluations" in text


def test_l2_graph_stepper_text_matches_the_walk():
    from utils.autodiff import Value
    from utils.graph import graph_layout
    from utils.widgets import evaluate_graph, graph_walk

    text = _flat("\n".join(_markdown(L2)))
    assert "local gradient times upstream gradient, for every use of the node" in text
    params = [Value(v, n) for v, n in zip((0.8, -0.5, -1.2, 0.3), ("w1", "b1", "w2", "b2"))]
    w1, b1, w2, b2 = params
    loss = ((w2 * (w1 * 1.5 + b1).tanh() + b2).sigmoid() - 1.0) ** 2
    root = evaluate_graph(lambda: loss)
    steps = graph_walk(root)
    phases = [s["phase"] for s in steps]
    assert phases[0] == "start" and phases.index("backward") > max(
        i for i, p in enumerate(phases) if p == "forward")
    layout = graph_layout(root)
    backward = [s["node"] for s in steps if s["phase"] == "backward"]
    assert backward[0] == layout.root
    position = {node: i for i, node in enumerate(backward)}
    for src, dst in layout.edges:        # a node's gradient comes after every node it feeds
        assert position[dst] < position[src]
    first_layer = {n.id for n in layout.nodes if n.text in ("w1", "b1")}
    assert min(position[i] for i in first_layer) >= len(backward) - 4


def test_l2_learning_rate_limits_of_the_bowl():
    from utils.figures import BOWL, descent_path

    text = _flat("\n".join(_markdown(L2)))
    assert "Below $\\eta = 0.1$ the path slides down smoothly; between 0.1 and 0.2" in text
    assert "above 0.2" in text

    def run(lr):
        return descent_path(BOWL["grad"], BOWL["start"], lr, 60, loss=BOWL["loss"])

    smooth, zigzag, diverge = run(0.09), run(0.15), run(0.21)
    assert np.all(np.sign(smooth["path"][:, 1]) == 1)
    assert np.all(np.diff(np.sign(zigzag["path"][:, 1])) != 0) and zigzag["losses"][-1] < 1e-3
    assert diverge["losses"][-1] > diverge["losses"][0]


def test_l2_teaches_reset_versus_accumulate_and_prints_no_engine_code():
    text = _flat("\n".join(_markdown(L2)))
    code = "\n".join(_code(L2))
    assert "`Value.backward()` **resets** all gradients first, while PyTorch **accumulates**" in text
    assert "getsource" not in code, "problem set 2 builds the engine: do not print its code"
    from utils.autodiff import Value
    a = Value(2.0)
    f = a * a
    f.backward()
    f.backward()
    assert a.grad == 4.0, "Value.backward resets before it accumulates"


# ---- lecture 3: corrected statements and required topics ----------------------------------
def test_l3_sigmoid_slope_is_at_most_a_quarter_at_z_zero():
    from utils.derivatives import sigmoid, sigmoid_grad

    z = np.linspace(-8, 8, 1601)
    slope = sigmoid_grad(sigmoid(z))
    assert slope.max() == pytest.approx(0.25) and z[np.argmax(slope)] == pytest.approx(0.0)
    text = _flat("\n".join(_markdown(L3)))
    assert "$\\sigma'(z) \\le 1/4$ for every $z$" in text and "at $z = 0$" in text
    assert not re.search(r"(0\.25|1/4)[^.]*z = 0\.5", text)


def test_l3_covers_leaks_input_gradients_and_loops_against_vectorized():
    text = _flat("\n".join(_markdown(L3)))
    code = "\n".join(_code(L3))
    assert "**leaky abstraction**" in text
    assert "## 8. Input gradients" in "\n".join(_markdown(L3))
    assert "def dW_loops(" in code and "X_big.T @ dout_big" in code and "perf_counter" in code
    rng = np.random.default_rng(0)
    X, dout = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    loops = sum(np.outer(X[n], dout[n]) for n in range(4))   # the sum over paths
    assert np.allclose(loops, X.T @ dout)
