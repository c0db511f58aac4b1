"""Mistakes students make in ps2_computational_graphs; each must make the listed test cells fail.

Each entry replaces the exact substring ``find`` of the solution cell ``cell`` (a grade_id
of source/ps2_computational_graphs/ps2_computational_graphs.ipynb) with ``replace``;
grading the mutated notebook must give 0 points on every test cell named in ``rejected_by``.
"""

RECURSIVE_SORT = '''    order, seen = [], set()

    def visit(node):
        if id(node) in seen:
            return
        seen.add(id(node))
        for parent in node.parents:
            visit(parent)
        order.append(node)

    visit(self)'''

ITERATIVE_SORT = '''    order, seen = [], {id(self)}
    stack = [(self, iter(self.parents))]
    while stack:
        node, pending = stack[-1]
        for parent in pending:
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append((parent, iter(parent.parents)))
                break
        else:
            stack.pop()
            order.append(node)'''

BREADTH_FIRST = '''    order, seen = [self], {id(self)}
    for node in order:
        for parent in node.parents:
            if id(parent) not in seen:
                seen.add(id(parent))
                order.append(parent)
    order.reverse()'''

MISTAKES = [
    # Part 1: local steps
    dict(name="a + b: `=` instead of `+=`, so a + a keeps one of its two contributions",
         cell="ps2_scalar",
         find="            self.grad += out.grad\n            other.grad += out.grad",
         replace="            self.grad = out.grad\n            other.grad = out.grad",
         rejected_by=["ps2_test_arith"]),
    dict(name="a * b: `=` instead of `+=`, so a * a keeps one of its two contributions",
         cell="ps2_scalar",
         find="            self.grad += other.data * out.grad\n"
              "            other.grad += self.data * out.grad",
         replace="            self.grad = other.data * out.grad\n"
                 "            other.grad = self.data * out.grad",
         rejected_by=["ps2_test_arith"]),
    dict(name="a * b: each factor gets its own value as local derivative instead of the other's",
         cell="ps2_scalar",
         find="            self.grad += other.data * out.grad\n"
              "            other.grad += self.data * out.grad",
         replace="            self.grad += self.data * out.grad\n"
                 "            other.grad += other.data * out.grad",
         rejected_by=["ps2_test_arith"]),
    dict(name="a ** p: power rule off by one, p * a ** p",
         cell="ps2_scalar",
         find="self.grad += p * self.data ** (p - 1) * out.grad",
         replace="self.grad += p * self.data ** p * out.grad",
         rejected_by=["ps2_test_arith"]),
    dict(name="a ** p: the upstream gradient out.grad is not multiplied in",
         cell="ps2_scalar",
         find="self.grad += p * self.data ** (p - 1) * out.grad",
         replace="self.grad += p * self.data ** (p - 1)",
         rejected_by=["ps2_test_arith"]),
    dict(name="exp: local derivative taken from the input instead of the output",
         cell="ps2_scalar",
         find="            self.grad += out.data * out.grad\n",
         replace="            self.grad += self.data * out.grad\n",
         rejected_by=["ps2_test_unary"]),
    dict(name="tanh: 1 - a ** 2 from the input instead of 1 - t ** 2 from the output",
         cell="ps2_scalar",
         find="self.grad += (1.0 - out.data ** 2) * out.grad",
         replace="self.grad += (1.0 - self.data ** 2) * out.grad",
         rejected_by=["ps2_test_unary"]),
    dict(name="relu: gradient passed on the wrong side (where the input is negative)",
         cell="ps2_scalar",
         find="            if positive:\n                self.grad += out.grad",
         replace="            if not positive:\n                self.grad += out.grad",
         rejected_by=["ps2_test_unary"]),
    dict(name="relu: gradient passed at an input of exactly 0",
         cell="ps2_scalar",
         find="            if positive:\n                self.grad += out.grad",
         replace="            if self.data >= 0.0:\n                self.grad += out.grad",
         rejected_by=["ps2_test_unary"]),
    # Part 2: backward()
    dict(name="backward: out.grad is never seeded with 1, so every gradient stays 0",
         cell="ps2_backward",
         find="    self.grad = 1.0\n",
         replace="",
         rejected_by=["ps2_test_backward_forks", "ps2_test_backward_deep"]),
    dict(name="backward: the topological order is walked forwards, inputs first",
         cell="ps2_backward",
         find="for node in reversed(order):",
         replace="for node in order:",
         rejected_by=["ps2_test_backward_forks", "ps2_test_backward_deep"]),
    dict(name="backward: no visited set, so a shared node runs its _backward() several times",
         cell="ps2_backward",
         find="            if id(parent) not in seen:\n                seen.add(id(parent))\n"
              "                stack.append",
         replace="            if True:\n                seen.add(id(parent))\n"
                 "                stack.append",
         rejected_by=["ps2_test_backward_forks"]),
    dict(name="backward: nodes ordered breadth-first from the output, not topologically",
         cell="ps2_backward",
         find=ITERATIVE_SORT,
         replace=BREADTH_FIRST,
         rejected_by=["ps2_test_backward_forks"]),
    dict(name="backward: a recursive depth-first sort, which fails on the 10,000-node chain",
         cell="ps2_backward",
         find=ITERATIVE_SORT,
         replace=RECURSIVE_SORT,
         rejected_by=["ps2_test_backward_deep"]),
    dict(name="backward: every grad is reset to 0 first, so gradients do not accumulate",
         cell="ps2_backward",
         find="    self.grad = 1.0\n",
         replace="    for node in order:\n        node.grad = 0.0\n    self.grad = 1.0\n",
         rejected_by=["ps2_test_backward_forks"]),
    # Part 3: the remaining operators
    dict(name="1 - a computed as a - 1 (reflected subtraction in the wrong order)",
         cell="ps2_derived",
         find="    return as_scalar(other) - self\n",
         replace="    return self - other\n",
         rejected_by=["ps2_test_derived"]),
    dict(name="a / b: the divisor's gradient has the wrong sign",
         cell="ps2_derived",
         find="other.grad -= self.data / other.data ** 2 * out.grad",
         replace="other.grad += self.data / other.data ** 2 * out.grad",
         rejected_by=["ps2_test_derived"]),
    dict(name="a / b: the divisor's gradient divides by b instead of b ** 2",
         cell="ps2_derived",
         find="other.grad -= self.data / other.data ** 2 * out.grad",
         replace="other.grad -= self.data / other.data * out.grad",
         rejected_by=["ps2_test_derived"]),
    dict(name="3 / a computed as a / 3 (reflected division in the wrong order)",
         cell="ps2_derived",
         find="return as_scalar(other) / self",
         replace="return self / other",
         rejected_by=["ps2_test_derived"]),
    dict(name="-a: negation builds a + (-1) instead of a * (-1)",
         cell="ps2_derived",
         find="    return self * -1.0\n",
         replace="    return self + -1.0\n",
         rejected_by=["ps2_test_derived"]),
    # Part 4: the network
    dict(name="MLP: the output layer uses tanh too, so scores cannot leave (-1, 1)",
         cell="ps2_mlp",
         find='activation if k < last else "linear"',
         replace="activation",
         rejected_by=["ps2_test_mlp"]),
    dict(name="Neuron.parameters leaves out the bias",
         cell="ps2_mlp",
         find="        return self.w + [self.b]\n",
         replace="        return self.w\n",
         rejected_by=["ps2_test_mlp", "ps2_test_train"]),
    dict(name="Neuron: the bias is left out of the weighted sum",
         cell="ps2_mlp",
         find="        z = self.b\n",
         replace="        z = Scalar(0.0)\n",
         rejected_by=["ps2_test_mlp"]),
    dict(name="Neuron: bias listed before the weights in parameters()",
         cell="ps2_mlp",
         find="        return self.w + [self.b]\n",
         replace="        return [self.b] + self.w\n",
         rejected_by=["ps2_test_mlp"]),
    # Part 5: loss and training
    dict(name="hinge_loss: the sum over the batch instead of the mean",
         cell="ps2_train",
         find="    return sum(terms) / len(terms)\n",
         replace="    return sum(terms)\n",
         rejected_by=["ps2_test_train"]),
    dict(name="hinge_loss: max(0, .) left out, so well-classified points push the loss below 0",
         cell="ps2_train",
         find="(1 - label * model(point)[0]).relu()",
         replace="(1 - label * model(point)[0])",
         rejected_by=["ps2_test_train"]),
    dict(name="train: gradients are not set to 0 between steps, so they pile up",
         cell="ps2_train",
         find="            for p in params:\n                p.grad = 0.0\n",
         replace="",
         rejected_by=["ps2_test_train"]),
    dict(name="train: the step goes up the gradient (+= lr * grad)",
         cell="ps2_train",
         find="p.data -= lr * p.grad",
         replace="p.data += lr * p.grad",
         rejected_by=["ps2_test_train"]),
]
