"""The textbook per-example epochs of logistic regression and the MLP, as the homework's skeleton
loops them.

One example at a time, each a full product with the weights and a full rank-one update: the
reference that the tests compare the blocked epochs of :mod:`.numpy_models` with (equal up to
rounding), and that ``benchmarks/ist_numpy.py`` times them against. The experiments never use
it. (The perceptron's epoch in :mod:`.numpy_models` is this kind of loop already.) Arrays are
updated in place.
"""

from __future__ import annotations

import numpy as np


def _softmax(scores: np.ndarray) -> np.ndarray:
    exp = np.exp(scores - scores.max())
    return exp / exp.sum()


def logistic_epoch(W, b, X, y, order, lr: float, l2: float) -> None:
    for i in order:
        x, gold = X[i], y[i]
        p = _softmax(W @ x + b)
        p[gold] -= 1
        W *= 1 - lr * l2
        W -= lr * np.outer(p, x)
        b *= 1 - lr * l2
        b -= lr * p


def mlp_epoch(W1, b1, W2, b2, X, y, order, lr: float) -> None:
    for i in order:
        x, gold = X[i], y[i]
        pre = W1 @ x + b1
        hidden = np.maximum(pre, 0)
        p = _softmax(W2 @ hidden + b2)
        p[gold] -= 1
        delta = (W2.T @ p) * (pre > 0)
        W2 -= lr * np.outer(p, hidden)
        b2 -= lr * p
        W1 -= lr * np.outer(delta, x)
        b1 -= lr * delta
