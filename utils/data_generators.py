"""Small seeded datasets for the course, made with NumPy only.

Classification sets return (X, y): X float64 (N, 2), y int64 (N,).
"""

import re

import numpy as np

from utils.validation import as_generator, check_int, check_number

TEAMS = ("dolphins", "heat", "marlins", "panthers", "jets", "patriots", "bills",
         "lakers", "celtics", "yankees", "knicks", "bulls")

_TWEETS = (
    ("Go Dolphins!", 1),
    ("Heat win again!", 1),
    ("Let's go Marlins!!", 1),
    ("What a game by the Dolphins!", 1),
    ("Panthers take the cup!", 1),
    ("Dolphins and Heat both win tonight!!!", 1),
    ("Touchdown Dolphins!", 1),
    ("Huge comeback by the Heat!!", 1),
    ("Jets lose again", 0),
    ("I love the Patriots!", 1),
    ("Bills fans are the best!", 1),
    ("Lakers in overtime!!", 1),
    ("Go Celtics go!", 1),
    ("Yankees sweep the series!", 1),
    ("Knicks finally win!", 1),
    ("Bulls crush the Heat!", 1),
    ("Dolphins versus Jets on Sunday!", 1),
    ("What a win for the Panthers and the Heat!", 1),
    ("Traffic on the highway is terrible this morning", 0),
    ("Just finished my homework", 0),
    ("The weather is nice today", 0),
    ("Reading a good book about history", 0),
    ("My coffee is cold again", 0),
    ("New phone arrived in the mail", 0),
    ("Cooking pasta for dinner tonight", 0),
    ("Meeting moved to three in the afternoon", 0),
    ("Saw a dolphin at the aquarium today", 0),
    ("The heat in the city this week is unbearable", 0),
    ("Stock market closed lower on Friday", 0),
    ("Bus was late so I walked to work", 0),
    ("Planning a quiet weekend at home with family", 0),
    ("Wow, what a sunset!", 0),
    ("Happy birthday mom!", 0),
    ("Finally Friday!", 0),
    ("Dolphins trade rumors seem unlikely to me", 0),
    ("Long day at the office, time to sleep", 0),
)

FEATURE_NAMES = ("word count", "exclamation marks", "team names")


def tweet_features(text):
    """The three features of a tweet: [word count, exclamation marks, team names].

    A team name is a word that is a capitalized team nickname in TEAMS
    ("Dolphins" counts, "dolphin" and "heat" in lower case do not).
    """
    if not isinstance(text, str):
        raise TypeError(f"tweet_features: text must be a str, got {type(text).__name__}")
    words = re.findall(r"[A-Za-z']+", text)
    teams = sum(1 for w in words if w[0].isupper() and w.lower() in TEAMS)
    return [len(words), text.count("!"), teams]


def load_sports_dataset():
    """The "Go Dolphins!" dataset: is a short post cheering for a sports team?

    Returns (features, labels, feature_names, texts): features float64 (N, 3)
    computed by ``tweet_features``, labels int64 (N,) with 1 = cheering for a
    team and 0 = anything else, feature_names a list of 3 str, texts a list of
    N str. texts[0] is "Go Dolphins!" with features [2, 1, 1] and label 1.
    """
    texts = [text for text, _ in _TWEETS]
    features = np.array([tweet_features(t) for t in texts], dtype=float)
    labels = np.array([label for _, label in _TWEETS], dtype=np.int64)
    return features, labels, list(FEATURE_NAMES), texts


def _logic_gate(func, truth, n_per_corner, noise, seed):
    n = check_int(func, "n_per_corner", n_per_corner, minimum=1)
    noise = check_number(func, "noise", noise)
    rng = as_generator(func, seed)
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    X = np.repeat(corners, n, axis=0) + noise * rng.normal(size=(4 * n, 2))
    y = np.repeat(truth, n).astype(np.int64)
    return X, y


def make_xor(n_per_corner=1, noise=0.0, seed=0):
    """XOR of two bits: the 4 corners of the unit square, each repeated with noise.

    With the defaults, the four points (0,0)->0, (0,1)->1, (1,0)->1, (1,1)->0.
    Shapes: X (4 * n_per_corner, 2), y (4 * n_per_corner,).
    """
    return _logic_gate("make_xor", [0, 1, 1, 0], n_per_corner, noise, seed)


def make_and(n_per_corner=1, noise=0.0, seed=0):
    """AND of two bits, laid out like ``make_xor``: only (1, 1) is labelled 1."""
    return _logic_gate("make_and", [0, 0, 0, 1], n_per_corner, noise, seed)


def make_or(n_per_corner=1, noise=0.0, seed=0):
    """OR of two bits, laid out like ``make_xor``: only (0, 0) is labelled 0."""
    return _logic_gate("make_or", [0, 1, 1, 1], n_per_corner, noise, seed)


def make_spirals(n_per_class=100, n_classes=3, noise=0.2, seed=0):
    """Interleaved spiral arms, one per class, in the unit disc.

    Shapes: X (n_per_class * n_classes, 2), y (n_per_class * n_classes,).
    """
    n = check_int("make_spirals", "n_per_class", n_per_class, minimum=2)
    k = check_int("make_spirals", "n_classes", n_classes, minimum=2)
    noise = check_number("make_spirals", "noise", noise)
    rng = as_generator("make_spirals", seed)
    radius = np.tile(np.linspace(0.0, 1.0, n), k)
    labels = np.repeat(np.arange(k), n)
    theta = (labels * 2 * np.pi / k + radius * 4.0 + noise * rng.normal(size=n * k))
    X = np.column_stack([radius * np.sin(theta), radius * np.cos(theta)])
    return X, labels.astype(np.int64)


def make_moons(n_samples=200, noise=0.1, seed=0):
    """Two interleaving half circles. Shapes: X (n_samples, 2), y (n_samples,)."""
    n = check_int("make_moons", "n_samples", n_samples, minimum=2)
    noise = check_number("make_moons", "noise", noise)
    rng = as_generator("make_moons", seed)
    labels = np.arange(n) % 2
    angle = rng.uniform(0.0, np.pi, size=n)
    X = np.column_stack([np.cos(angle) + labels, np.sin(angle) * (1 - 2 * labels)
                         + 0.5 * labels])
    X += noise * rng.normal(size=X.shape)
    return X, labels.astype(np.int64)


def make_circles(n_samples=200, noise=0.05, factor=0.5, seed=0):
    """A small circle (label 1, radius ``factor``) inside a unit circle (label 0).

    Shapes: X (n_samples, 2), y (n_samples,).
    """
    n = check_int("make_circles", "n_samples", n_samples, minimum=2)
    noise = check_number("make_circles", "noise", noise)
    factor = check_number("make_circles", "factor", factor)
    if not 0 < factor < 1:
        raise ValueError(f"make_circles: factor must lie strictly between 0 and 1, "
                         f"got {factor}")
    rng = as_generator("make_circles", seed)
    labels = np.arange(n) % 2
    angle = rng.uniform(0.0, 2 * np.pi, size=n)
    radius = np.where(labels == 1, factor, 1.0)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    X += noise * rng.normal(size=X.shape)
    return X, labels.astype(np.int64)
