"""One SGD step of utils.nets.TwoLayerNet against the same step in PyTorch (CPU).

Course sizes: N=256 rows, 2 inputs, 64 ReLU hidden units, 2 classes, softmax
cross-entropy, float64 in both (the course's NumPy dtype). The step is: loss
and gradients, then p -= lr * grad for W1, b1, W2, b2. PyTorch is written the
leanest way (plain tensors, autograd, an in-place update), one thread.
"""

from benchmarks.common import at_most, compare, row

GROUP = "network step"
LR = 0.1


def course_data(n, seed=0):
    import numpy as np

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    return X, y


def ours_step(X, y, hidden):
    from utils import optim
    from utils.nets import TwoLayerNet

    net = TwoLayerNet(2, hidden, 2, seed=0)

    def step():
        loss, grads = net.loss(X, y)
        optim.sgd_step(net.params, grads, LR)
        return loss
    return net, step


def torch_step(X, y, net):
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(1)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    params = [torch.tensor(net.params[k], dtype=torch.float64, requires_grad=True)
              for k in ("W1", "b1", "W2", "b2")]
    W1, b1, W2, b2 = params

    def step():
        scores = torch.relu(Xt @ W1 + b1) @ W2 + b2
        loss = F.cross_entropy(scores, yt)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= LR * p.grad
                p.grad = None
        return loss.item()
    return step


def rows(quick=False):
    n, hidden = (32, 8) if quick else (256, 64)
    name = f"TwoLayerNet SGD step, N={n}, 2-{hidden}-2, float64"
    goal = "<= 1.0x"
    X, y = course_data(n)
    net, ours = ours_step(X, y, hidden)
    try:
        import torch
    except ImportError:
        return [row(GROUP, name, compare(ours, ours, 3)[0], goal=goal,
                    note="torch missing: pip install -e '.[torch]'")]
    peer = torch_step(X, y, net)
    # Same start, same first loss: the two steps compute the same thing.
    first_ours, first_peer = ours(), peer()
    assert abs(first_ours - first_peer) < 1e-9, (first_ours, first_peer)
    t_ours, t_peer = compare(ours, peer, 3 if quick else 30)
    r = row(GROUP, name, t_ours, f"PyTorch {torch.__version__.split('+')[0]}, 1 thread",
            t_peer, goal=goal)
    return [{**r, "met": at_most(r["ratio"], 1.0)}]
