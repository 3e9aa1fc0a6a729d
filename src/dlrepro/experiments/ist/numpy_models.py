"""The from-scratch classifiers of IST DL HW1 Q1, in numpy: perceptron, logistic regression, MLP.

As the homework's skeleton (``hw1-q1.py``) has them, all three learn one example at a time in a
fresh random order every epoch (``train_epoch(X, y, order)``). Logistic regression and the MLP
update a whole weight matrix per example; :mod:`.per_example` does the input-side products of a
block of examples together without changing what is computed (about 1.5–2× and 7–10× faster
per epoch on data of the course's size, ``benchmarks/ist_numpy.py``). The perceptron's epoch is
the textbook loop itself: a product W x per example and, on a mistake, two row updates, which
no blocked form beats at 6 classes (measured: the block's Gram matrix and copies cost more than
they save).

- :class:`Perceptron`: zero weights; on a mistake (ŷ = argmax of the scores ≠ y) the gold
  class's row gains x and the predicted class's row loses it. No learning rate.
- :class:`LogisticRegression`: multinomial, zero weights, SGD on the cross-entropy
  −log softmax(Wx + b)_y plus (λ/2)‖[W b]‖²: W ← (1 − lr·λ)W − lr (p − e_y) xᵀ, and the same
  for b. The course appends a constant-1 feature for the bias, so its W includes b: the penalty
  applies to b, and the reported ‖W‖ is the Frobenius norm of [W b] (:meth:`weight_norm`).
- :class:`MLP`: one hidden layer of ReLU units, softmax output, cross-entropy, SGD per example;
  weights drawn from N(mean, std²) (the homework's N(0.1, 0.1²)), biases zero.

Every model computes in the dtype of the X it is given (the experiments use float32; the tests
float64). Scoring many examples (accuracy, loss) is one matrix product.
"""

from __future__ import annotations

import numpy as np

from dlrepro.experiments.ist.per_example import per_example_pass

#: Examples per block in :func:`.per_example.per_example_pass`. The Gram matrix of a block costs
#: block·d per example against r·d for the direct product, so logistic regression (r = classes)
#: takes small blocks and the MLP (r = hidden units) larger ones (the fastest measured).
LOGISTIC_BLOCK = 8
MLP_BLOCK = 64


def softmax_cross_entropy(scores: np.ndarray, label: int) -> tuple[np.ndarray, float]:
    """softmax(scores) and −log softmax(scores)[label] for one example, without overflow."""
    shifted = scores - scores.max()
    exp = np.exp(shifted)
    total = exp.sum()
    return exp / total, float(np.log(total) - shifted[label])


def mean_cross_entropy(scores: np.ndarray, labels: np.ndarray) -> float:
    """Mean over rows of −log softmax(scores)[label], in float64."""
    scores = scores.astype(np.float64)
    top = scores.max(axis=1, keepdims=True)
    log_total = np.log(np.exp(scores - top).sum(axis=1)) + top[:, 0]
    return float(np.mean(log_total - scores[np.arange(len(labels)), labels]))


def accuracy(scores: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of rows whose highest score is the label's (ties go to the lower class)."""
    return float(np.mean(scores.argmax(axis=1) == labels))


class LinearModel:
    """Class scores Wx + b; W (classes × features) and b start at zero."""

    def __init__(self, classes: int, features: int, dtype=np.float32):
        self.W = np.zeros((classes, features), dtype=dtype)
        self.b = np.zeros(classes, dtype=dtype)

    def scores(self, X: np.ndarray) -> np.ndarray:
        return X @ self.W.T + self.b

    def accuracy(self, X: np.ndarray, y: np.ndarray) -> float:
        return accuracy(self.scores(X), y)

    def weight_norm(self) -> float:
        """‖[W b]‖ (Frobenius): the course's ‖W‖, whose W holds the bias as a last column."""
        return float(np.sqrt(np.sum(self.W.astype(np.float64) ** 2)
                             + np.sum(self.b.astype(np.float64) ** 2)))


class Perceptron(LinearModel):
    def train_epoch(self, X: np.ndarray, y: np.ndarray, order: np.ndarray) -> dict[str, int]:
        """One pass in ``order``; returns the number of mistakes (= updates) it made."""
        mistakes = 0
        for i in order:
            x, gold = X[i], y[i]
            predicted = np.argmax(self.W @ x + self.b)
            if predicted != gold:
                mistakes += 1
                self.W[gold] += x
                self.W[predicted] -= x
                self.b[gold] += 1
                self.b[predicted] -= 1
        return {"mistakes": mistakes}


class LogisticRegression(LinearModel):
    def __init__(self, classes: int, features: int, lr: float, l2: float = 0.0,
                 dtype=np.float32):
        super().__init__(classes, features, dtype)
        if not lr > 0 or not l2 >= 0:
            raise ValueError(f"logistic regression needs lr > 0 and l2 >= 0, got lr={lr}, l2={l2}")
        self.lr, self.l2 = float(lr), float(l2)

    def loss(self, X: np.ndarray, y: np.ndarray) -> float:
        """Mean cross-entropy (without the penalty)."""
        return mean_cross_entropy(self.scores(X), y)

    def train_epoch(self, X: np.ndarray, y: np.ndarray, order: np.ndarray,
                    block: int = LOGISTIC_BLOCK) -> dict[str, float]:
        """One pass of per-example SGD in ``order``; returns ``train_loss``, the mean
        cross-entropy of the examples as each was trained on (before its own update)."""
        labels = y[order]
        losses = np.empty(len(order))
        decay = 1.0 - self.lr * self.l2

        def step(position: int, z: np.ndarray) -> np.ndarray:
            p, losses[position] = softmax_cross_entropy(z + self.b, labels[position])
            p[labels[position]] -= 1.0  # ∂loss/∂scores = p − e_y
            u = -self.lr * p
            self.b *= decay
            self.b += u
            return u

        per_example_pass(X, order, self.W, step, block, decay)
        return {"train_loss": float(losses.mean())}


class MLP:
    """x → ReLU(W1 x + b1) → W2 h + b2 → softmax."""

    def __init__(self, classes: int, features: int, hidden: int, lr: float,
                 rng: np.random.Generator, init_mean: float = 0.1, init_std: float = 0.1,
                 dtype=np.float32):
        if not lr > 0 or hidden < 1:
            raise ValueError(f"the MLP needs lr > 0 and hidden >= 1, got lr={lr}, hidden={hidden}")
        self.lr = float(lr)
        self.W1 = rng.normal(init_mean, init_std, size=(hidden, features)).astype(dtype)
        self.b1 = np.zeros(hidden, dtype=dtype)
        self.W2 = rng.normal(init_mean, init_std, size=(classes, hidden)).astype(dtype)
        self.b2 = np.zeros(classes, dtype=dtype)

    def scores(self, X: np.ndarray) -> np.ndarray:
        return np.maximum(X @ self.W1.T + self.b1, 0) @ self.W2.T + self.b2

    def accuracy(self, X: np.ndarray, y: np.ndarray) -> float:
        return accuracy(self.scores(X), y)

    def loss(self, X: np.ndarray, y: np.ndarray) -> float:
        return mean_cross_entropy(self.scores(X), y)

    def train_epoch(self, X: np.ndarray, y: np.ndarray, order: np.ndarray,
                    block: int = MLP_BLOCK) -> dict[str, float]:
        """One pass of per-example SGD (backpropagation through both layers) in ``order``;
        returns ``train_loss``, the mean cross-entropy of the examples as trained on."""
        labels = y[order]
        losses = np.empty(len(order))

        def step(position: int, z: np.ndarray) -> np.ndarray:
            pre = z + self.b1
            hidden = np.maximum(pre, 0)
            p, losses[position] = softmax_cross_entropy(self.W2 @ hidden + self.b2,
                                                        labels[position])
            p[labels[position]] -= 1.0  # ∂loss/∂output scores
            delta = (self.W2.T @ p) * (pre > 0)  # ∂loss/∂pre, with W2 before its update
            self.W2 -= self.lr * np.outer(p, hidden)
            self.b2 -= self.lr * p
            u = -self.lr * delta
            self.b1 += u
            return u

        per_example_pass(X, order, self.W1, step, block)
        return {"train_loss": float(losses.mean())}
