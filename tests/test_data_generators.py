"""Datasets: the facts the course states about them, shapes, labels and determinism."""

import numpy as np
import pytest

from utils import data_generators as dg


def test_sports_dataset_facts():
    features, labels, names, texts = dg.load_sports_dataset()
    assert texts[0] == "Go Dolphins!"
    assert features[0].tolist() == [2, 1, 1] and labels[0] == 1
    assert names == ["word count", "exclamation marks", "team names"]
    assert 24 <= len(texts) <= 60
    assert features.shape == (len(texts), 3) and labels.shape == (len(texts),)
    assert set(labels.tolist()) == {0, 1}


def test_tweet_features_count_by_hand():
    assert dg.tweet_features("Dolphins and Heat both win tonight!!!") == [6, 3, 2]
    assert dg.tweet_features("The heat in the city is bad") == [7, 0, 0]


@pytest.mark.parametrize("make, truth", [(dg.make_xor, [0, 1, 1, 0]), (dg.make_and, [0, 0, 0, 1]),
                                         (dg.make_or, [0, 1, 1, 1])])
def test_logic_gates(make, truth):
    X, y = make()
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]] and y.tolist() == truth
    Xn, yn = make(n_per_corner=5, noise=0.1, seed=3)
    assert Xn.shape == (20, 2) and yn.shape == (20,)
    np.testing.assert_array_equal(Xn, make(n_per_corner=5, noise=0.1, seed=3)[0])


@pytest.mark.parametrize("make, n, classes", [
    (lambda: dg.make_spirals(50, 3, seed=1), 150, 3),
    (lambda: dg.make_moons(80, seed=1), 80, 2),
    (lambda: dg.make_circles(80, seed=1), 80, 2),
])
def test_shapes_labels_and_determinism(make, n, classes):
    X, y = make()
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.dtype == np.int64 and np.bincount(y).tolist() == [n // classes] * classes
    np.testing.assert_array_equal(X, make()[0])


def test_circles_radii():
    X, y = dg.make_circles(200, noise=0.0, factor=0.3)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[y == 0], 1.0)
    np.testing.assert_allclose(radius[y == 1], 0.3)


@pytest.mark.parametrize("call, message", [
    (lambda: dg.make_spirals(n_per_class=1), "make_spirals: n_per_class must be at least 2"),
    (lambda: dg.make_circles(factor=1.5), "make_circles: factor must lie strictly between 0 and 1"),
    (lambda: dg.make_xor(seed="a"), "make_xor: rng must be a numpy.random.Generator"),
    (lambda: dg.tweet_features(3), "tweet_features: text must be a str, got int"),
])
def test_generator_errors(call, message):
    with pytest.raises((TypeError, ValueError)) as info:
        call()
    assert message in str(info.value)
