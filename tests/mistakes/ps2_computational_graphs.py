"""Mistakes students make in ps2_computational_graphs; each must make the listed test cell fail.

Each entry replaces the exact substring ``find`` of the solution cell ``cell`` (a grade_id
of source/ps2_computational_graphs/ps2_computational_graphs.ipynb) with ``replace``;
executing the mutated notebook must raise in every test cell named in ``rejected_by``.
"""

MISTAKES = [
    dict(name="fork (a + b)(b + c): `=` instead of `+=`, db keeps only the path through b + c",
         cell="ps2_fork",
         find="db += dq",
         replace="db = dq",
         rejected_by=["ps2_test_fork"]),
    dict(name="staged f: `=` instead of `+=` where x is reached again through sigma(x)",
         cell="ps2_staged",
         find="dx += sx * (1.0 - sx) * d_sx",
         replace="dx = sx * (1.0 - sx) * d_sx",
         rejected_by=["ps2_test_staged"]),
    dict(name="staged f: wrong sign in the quotient rule, d(1/b)/db taken as +1/b^2",
         cell="ps2_staged",
         find="d_bottom = -d_r / bottom ** 2",
         replace="d_bottom = d_r / bottom ** 2",
         rejected_by=["ps2_test_staged"]),
    dict(name="staged f: sigma'(y) computed as sigma(y) * (1 - y) instead of from the output",
         cell="ps2_staged",
         find="dy += sy * (1.0 - sy) * d_sy",
         replace="dy += sy * (1.0 - y) * d_sy",
         rejected_by=["ps2_test_staged"]),
    dict(name="topological sort appends a node before its inputs (pre-order)",
         cell="ps2_topo",
         find="        for child in node.inputs:\n            visit(child)\n        order.append(node)",
         replace="        order.append(node)\n        for child in node.inputs:\n            visit(child)",
         rejected_by=["ps2_test_topo_order", "ps2_test_topo_shared"]),
    dict(name="topological sort without a visited set: shared nodes are listed repeatedly",
         cell="ps2_topo",
         find="        if id(node) in visited:\n            return\n",
         replace="",
         rejected_by=["ps2_test_topo_shared"]),
    dict(name="topological sort keyed by node.data: distinct nodes with equal values are missed",
         cell="ps2_topo",
         find="        if id(node) in visited:\n            return\n        visited.add(id(node))",
         replace="        if node.data in visited:\n            return\n        visited.add(node.data)",
         rejected_by=["ps2_test_topo_shared"]),
    dict(name="softplus: local derivative taken as softplus(v) itself instead of sigmoid(v)",
         cell="ps2_softplus",
         find="local = float(sigmoid(v.data))",
         replace="local = out",
         rejected_by=["ps2_test_softplus"]),
]
