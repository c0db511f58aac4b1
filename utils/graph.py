"""Gate-level circuits and the left-to-right layout used to draw graphs.

``Circuit`` wires ``utils.gates`` objects into a scalar circuit and runs the
real gates forward and backward, so every gradient it reports comes from the
gates' own ``backward``. ``graph_layout`` turns a ``Circuit`` or the
expression behind a ``utils.autodiff.Value`` into positioned nodes and edges;
``utils.plotting.draw_graph`` draws that layout. Nothing here imports
matplotlib.

Node ids (used by ``draw_graph(reveal=...)`` and ``utils.widgets.graph_steps``):
for a Circuit the node's name; for a Value the node's position in
``graph_layout(root).nodes`` (0, 1, 2, ... inputs before outputs).
"""

import numbers
from dataclasses import dataclass, field

from utils import gates as g
from utils.autodiff import Value, postorder
from utils.validation import check_number, describe

_GATE_SYMBOLS = {
    g.AddGate: "+", g.MultiplyGate: "×", g.MaxGate: "max", g.SigmoidGate: "σ",
    g.TanhGate: "tanh", g.ReLUGate: "ReLU", g.LeakyReLUGate: "LReLU",
    g.ExpGate: "exp", g.ReciprocalGate: "1/x", g.MatMulGate: "@",
}
_VALUE_SYMBOLS = {"+": "+", "*": "×", "exp": "exp", "log": "log", "tanh": "tanh",
                  "sigmoid": "σ", "relu": "ReLU"}
_FOLDABLE_GATES = {g.AddGate: "+", g.MultiplyGate: "*"}
COLUMN_SPACING = 2.0
ROW_SPACING = 1.3


def format_number(x):
    """A number with 3 significant digits for a figure: 0.19661 -> '0.197', -12.0 -> '-12'."""
    return "0" if x == 0 else f"{x:.3g}"


def gate_symbol(gate):
    """The symbol drawn inside a gate's circle, e.g. '×' for a MultiplyGate."""
    if isinstance(gate, g.PowerGate):
        return "1/x" if gate.p == -1 else f"$x^{{{gate.p:g}}}$"
    return _GATE_SYMBOLS.get(type(gate), type(gate).__name__)


def _value_symbol(op):
    if op.startswith("**"):
        p = float(op[2:])
        return "1/x" if p == -1 else f"$x^{{{p:g}}}$"
    return _VALUE_SYMBOLS.get(op, op)


class Circuit:
    """A scalar circuit of named input leaves and gates from ``utils.gates``.

    >>> c = Circuit(x=-2.0, y=5.0, z=-4.0)
    >>> _ = c.add("q", g.AddGate(), ["x", "y"]).add("f", g.MultiplyGate(), ["q", "z"])
    >>> c.forward()
    -12.0
    >>> c.backward()["x"]
    -4.0

    ``add(name, gate, inputs)`` appends a gate whose inputs are names of
    earlier nodes, or plain numbers (constants, e.g. ``["s", -1.0]`` for
    "multiply by -1"; drawn folded into the gate's symbol). The last gate
    added is the output. ``forward(**new_inputs)`` runs every gate in the
    order added and fills ``values``; ``backward(dout=1.0)`` runs every
    gate's own ``backward`` in reverse order and fills ``grads``, adding the
    contributions where a node feeds several gates. Values are floats.
    """

    def __init__(self, **inputs):
        self.inputs = {name: check_number("Circuit", f"input {name!r}", v)
                       for name, v in inputs.items()}
        self.constants = {}
        self.gates = []  # (name, gate, input names, symbol) in the order added
        self.values, self.grads = {}, {}

    @property
    def names(self):
        """Every node name: inputs, constants, then gates in the order added."""
        return [*self.inputs, *self.constants, *(entry[0] for entry in self.gates)]

    @property
    def output(self):
        """The name of the output node (the last gate added)."""
        if not self.gates:
            raise ValueError("Circuit.output: the circuit has no gates; call add() first")
        return self.gates[-1][0]

    def add(self, name, gate, inputs, symbol=None):
        """Append gate ``name`` computing ``gate`` of ``inputs``; returns the circuit."""
        if not isinstance(name, str) or not name or name in self.names:
            raise ValueError(f"Circuit.add: name must be a new non-empty string, got {name!r} "
                             f"(taken: {self.names})")
        if not isinstance(gate, g.Gate):
            raise TypeError(f"Circuit.add: gate must be a utils.gates gate such as "
                            f"MultiplyGate(), got {describe(gate)}")
        if any(gate is entry[1] for entry in self.gates):
            raise ValueError(f"Circuit.add: this {gate.name} object is already used; "
                             f"create a new gate for each node (a gate caches one forward)")
        if not isinstance(inputs, (list, tuple)) or len(inputs) != gate.n_inputs:
            raise ValueError(f"Circuit.add: {gate.name} takes {gate.n_inputs} input(s), "
                             f"got inputs={inputs!r}")
        names = [self._input_name(name, i, x) for i, x in enumerate(inputs)]
        self.gates.append((name, gate, tuple(names), symbol or gate_symbol(gate)))
        return self

    def _input_name(self, gate_name, i, x):
        if isinstance(x, numbers.Real) and not isinstance(x, bool):
            const = f"{gate_name}:{i}"
            self.constants[const] = float(x)
            return const
        if x not in self.names:
            raise ValueError(f"Circuit.add: gate {gate_name!r} input {x!r} is not a node; "
                             f"known nodes: {self.names}")
        return x

    def forward(self, **new_inputs):
        """Run every gate in order (after updating any inputs given); return the output."""
        for name, v in new_inputs.items():
            if name not in self.inputs:
                raise ValueError(f"Circuit.forward: {name!r} is not an input; "
                                 f"inputs are {list(self.inputs)}")
            self.inputs[name] = check_number("Circuit.forward", name, v)
        self.values = {**self.inputs, **self.constants}
        self.grads = {}
        for name, gate, args, _ in self.gates:
            self.values[name] = gate.forward(*(self.values[a] for a in args))
        return self.values[self.output]

    def backward(self, dout=1.0):
        """Backpropagate ``dout`` = dL/d(output) through the gates; return ``grads``."""
        if self.output not in self.values:
            raise RuntimeError("Circuit.backward: call forward() first")
        grads = dict.fromkeys(self.values, 0.0)
        grads[self.output] = check_number("Circuit.backward", "dout", dout)
        for name, gate, args, _ in reversed(self.gates):
            local = gate.backward(grads[name])
            for arg, grad in zip(args, local if gate.n_inputs > 1 else (local,)):
                grads[arg] += grad
        self.grads = grads
        return grads


def sigmoid_neuron_circuit(w=(2.0, -3.0, -3.0), x=(-1.0, -2.0), fused=False):
    """The neuron f = sigmoid(w0*x0 + w1*x1 + w2) as a Circuit (forward and backward run).

    fused=False: primitive gates (×, +, ×-1, exp, +1, 1/x); fused=True: one SigmoidGate.
    """
    c = Circuit(w0=w[0], x0=x[0], w1=w[1], x1=x[1], w2=w[2])
    c.add("w0x0", g.MultiplyGate(), ["w0", "x0"]).add("w1x1", g.MultiplyGate(), ["w1", "x1"])
    c.add("dot", g.AddGate(), ["w0x0", "w1x1"]).add("z", g.AddGate(), ["dot", "w2"])
    if fused:
        c.add("f", g.SigmoidGate(), ["z"])
    else:
        c.add("-z", g.MultiplyGate(), ["z", -1.0]).add("exp", g.ExpGate(), ["-z"])
        c.add("1+exp", g.AddGate(), ["exp", 1.0]).add("f", g.ReciprocalGate(), ["1+exp"])
    c.forward()
    c.backward()
    return c


@dataclass
class LayoutNode:
    """One drawn node: ``kind`` is "leaf" or "op", ``text`` its label or symbol.

    A labelled operation node shows its label above its symbol ("q" over "+").

    ``value``/``grad`` are floats or None when not computed yet; ``inputs``
    are the ids of the drawn nodes feeding it and ``local_grads`` the local
    derivatives d(this node)/d(each input), aligned with ``inputs`` (None
    where unknown); (x, y) its centre.
    """

    id: object
    kind: str
    text: str
    value: object
    grad: object
    inputs: tuple = ()
    x: float = 0.0
    y: float = 0.0
    local_grads: tuple = ()


@dataclass
class GraphLayout:
    """Nodes (inputs before outputs), edges (source id, target id) and the root id."""

    nodes: list
    edges: list = field(default_factory=list)
    root: object = None

    def node(self, node_id):
        """The LayoutNode with this id."""
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(f"GraphLayout.node: no node with id {node_id!r}")

    @property
    def ids(self):
        """Node ids in order, inputs first."""
        return [n.id for n in self.nodes]


def _value_nodes(root):
    """Raw node records of the expression behind a Value."""
    order = postorder(root, lambda v: v.inputs)
    grads_known = root.grad != 0.0
    key = {id(v): i for i, v in enumerate(order)}
    records = []
    for v in order:
        text = _value_symbol(v.op) if v.op else (v.label or format_number(v.data))
        records.append(dict(key=key[id(v)], kind="op" if v.op else "leaf", text=text,
                            name=v.label if v.op else "",
                            value=v.data, grad=v.grad if grads_known else None,
                            inputs=[key[id(c)] for c in v.inputs],
                            locals=list(v.local_grads),
                            constant=not v.op and not v.label, const_value=v.data,
                            op=v.op))
    return records


def _circuit_nodes(circuit):
    """Raw node records of a Circuit, reachable from its output."""
    gate_of = {entry[0]: entry for entry in circuit.gates}
    order = postorder(circuit.output, lambda n: gate_of[n][2] if n in gate_of else (), str)
    records = []
    for name in order:
        entry = gate_of.get(name)
        local = _gate_local_grads(entry[1]) if entry and name in circuit.values else None
        leaf_text = (name if name in circuit.inputs
                     else format_number(circuit.constants.get(name, 0)))
        records.append(dict(key=name, kind="op" if entry else "leaf",
                            text=entry[3] if entry else leaf_text, name="",
                            value=circuit.values.get(name), grad=circuit.grads.get(name),
                            inputs=list(entry[2]) if entry else [],
                            locals=local if local is not None else [None] * len(
                                entry[2] if entry else ()),
                            constant=name in circuit.constants,
                            const_value=circuit.constants.get(name),
                            op=_FOLDABLE_GATES.get(type(entry[1]), "") if entry else ""))
    return records


def _gate_local_grads(gate):
    """d out / d input of a scalar gate after its forward: its backward of dout = 1."""
    try:
        local = gate.backward(1.0)
    except (RuntimeError, ValueError, TypeError):
        return None
    return [float(v) for v in (local if gate.n_inputs > 1 else (local,))]


def _fold_constants(records):
    """Merge a constant feeding one + or × (whose other input is not constant) into its symbol."""
    by_key = {r["key"]: r for r in records}
    uses = {}
    for r in records:
        for k in r["inputs"]:
            uses[k] = uses.get(k, 0) + 1
    folded = set()
    for r in records:
        consts = [k for k in r["inputs"] if by_key[k]["constant"] and uses[k] == 1]
        if r["op"] in ("+", "*") and len(consts) == 1 and len(r["inputs"]) == 2:
            c = by_key[consts[0]]["const_value"]
            r["text"] = r["text"] + format_number(c)
            keep = [i for i, k in enumerate(r["inputs"]) if k != consts[0]]
            r["locals"] = [r["locals"][i] for i in keep]
            r["inputs"] = [r["inputs"][i] for i in keep]
            folded.add(consts[0])
    return [r for r in records if r["key"] not in folded]


def _columns(nodes, consumers):
    """Column of each node: 1 + its deepest input's (leaves 0).

    Then, outputs first, a node with more outgoing than incoming wires (every
    leaf) moves right to one column before its nearest consumer: that
    shortens the total wire length.
    """
    col = {}
    for n in nodes:
        col[n.id] = 1 + max((col[i] for i in n.inputs), default=-1)
    for n in reversed(nodes):
        if len(consumers[n.id]) > len(n.inputs):
            col[n.id] = min(col[c] for c in consumers[n.id]) - 1
    return col


def _rows(nodes):
    """Row of each node: leaves in visiting order, ops at the mean row of their inputs."""
    row, next_slot = {}, 0
    for n in nodes:
        if n.inputs:
            row[n.id] = sum(row[i] for i in n.inputs) / len(n.inputs)
        else:
            row[n.id], next_slot = next_slot, next_slot + 1
    return row


def _separate(ids, col, row):
    """Push nodes sharing a column apart until neighbours are at least one row apart."""
    for c in set(col.values()):
        members = sorted((i for i in ids if col[i] == c), key=lambda i: row[i])
        for above, below in zip(members, members[1:]):
            row[below] = max(row[below], row[above] + 1)


def graph_layout(graph, fold_constants=True):
    """Positions of the nodes of a Value's expression or a Circuit, drawn left to right.

    Returns a GraphLayout: ``nodes`` (LayoutNode, inputs first; x = column *
    COLUMN_SPACING with column = depth from the inputs, y <= 0 going down)
    and ``edges``. Ids: a Circuit's node names, or 0..n-1 for a Value (its
    order in ``nodes``). Leaves (and nodes used more often than they have
    inputs) move right to sit one column left of their nearest consumer.
    Unlabelled Value leaves and Circuit constants feeding a single + or ×
    are folded into its symbol ("+1", "×-1") when ``fold_constants``.
    Grads are None for a Value whose ``backward`` has not been called.
    """
    if isinstance(graph, Value):
        records = _value_nodes(graph)
    elif isinstance(graph, Circuit):
        records = _circuit_nodes(graph)
    else:
        raise TypeError(f"graph_layout: graph must be a utils.autodiff.Value or a "
                        f"utils.graph.Circuit, got {describe(graph)}")
    if fold_constants:
        records = _fold_constants(records)
    renumber = ({r["key"]: i for i, r in enumerate(records)} if isinstance(graph, Value)
                else {r["key"]: r["key"] for r in records})
    nodes = [LayoutNode(renumber[r["key"]], r["kind"],
                        f"{r['name']}\n{r['text']}" if r["name"] else r["text"],
                        r["value"], r["grad"], tuple(renumber[k] for k in r["inputs"]),
                        local_grads=tuple(r["locals"]))
             for r in records]
    consumers = {n.id: [] for n in nodes}
    for n in nodes:
        for i in n.inputs:
            consumers[i].append(n.id)
    col, row = _columns(nodes, consumers), _rows(nodes)
    _separate([n.id for n in nodes], col, row)
    for n in nodes:
        n.x, n.y = col[n.id] * COLUMN_SPACING, -row[n.id] * ROW_SPACING
    edges = [(i, n.id) for n in nodes for i in n.inputs]
    return GraphLayout(nodes, edges, nodes[-1].id)


def forward_order(layout):
    """The ids of ``layout`` in the order a forward pass computes them, first input first.

    A depth-first walk from the output that visits a node's deeper input
    (longer chain of operations behind it) before its shallower ones, ties
    left to right: the order a person evaluates the expression by hand, so
    sigmoid(w2 * tanh(w1 * x + b1) + b2) starts at w1, not w2. Every node
    comes after its inputs.
    """
    by_id = {n.id: n for n in layout.nodes}
    depth = {}
    for n in layout.nodes:  # inputs before outputs
        depth[n.id] = 1 + max((depth[i] for i in n.inputs), default=-1)

    def inputs_of(node_id):
        ins = list(dict.fromkeys(by_id[node_id].inputs))
        return sorted(ins, key=lambda i: -depth[i])  # stable: ties keep left to right

    return postorder(layout.root, inputs_of, key=lambda i: i)


def contributions(layout, node_id):
    """How node ``node_id`` receives its gradient: one (consumer id, local, upstream) per use.

    local = d consumer / d node, upstream = dL/d consumer; local * upstream
    is the contribution, and the contributions add up to the node's grad.
    A node used twice by one consumer (x * x) gets one entry with the summed
    local derivative. Empty for the output node.
    """
    rows = {}
    for n in layout.nodes:
        for i, local in zip(n.inputs, n.local_grads or [None] * len(n.inputs)):
            if i == node_id:
                known = rows.get(n.id, (n.id, 0.0, n.grad))[1]
                rows[n.id] = (n.id, None if local is None or known is None else known + local,
                              n.grad)
    return list(rows.values())
