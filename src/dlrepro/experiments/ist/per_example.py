"""Per-example SGD with the work on the input done in matrix products.

The homework trains its from-scratch models one example at a time: example k is scored with the
weights every earlier example's update made, so the examples of an epoch cannot be processed
together as a minibatch without changing the algorithm. What can be batched is the part that
costs: the products with the input x (6912 numbers per image). In logistic regression and the
MLP the matrix that multiplies the input, W (r × d: the class weights, or the MLP's first
layer), changes by a rank-one step per example,

    W_{k+1} = a·W_k + u_k x_kᵀ        (a = 1 − lr·λ with an ℓ2 penalty λ, else 1),

and everything else a step needs is r-dimensional. So for a block of examples x_1 … x_m,
W_k x_k follows exactly from the block's start:

    W_k x_k = a^k W_0 x_k + Σ_{j<k} a^(k−1−j) (x_j · x_k) u_j,

from the products Z = X_b W_0ᵀ (m × r) and the Gram matrix G = X_b X_bᵀ (m × m), both matrix
products; after the block W_m = a^m W_0 + Σ_j a^(m−1−j) u_j x_jᵀ, one more. The Python loop
over the examples remains (it is the algorithm), but each of its steps handles r and m numbers
instead of r·d: for the MLP (r = 100) an epoch of the course's data takes about a tenth of the
time of the textbook loop. The result is the textbook loop's up to floating-point rounding
(``tests/unit/test_ist_numpy_models.py`` checks it against :mod:`.reference` to 1e-12 in
float64).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

#: step(position in the pass, W x of that example with every earlier update applied) -> u.
Step = Callable[[int, np.ndarray], np.ndarray]


def per_example_pass(
    X: np.ndarray,
    order: np.ndarray,
    W: np.ndarray,
    step: Step,
    block: int,
    decay: float = 1.0,
) -> None:
    """One pass over the rows ``X[order]`` in that order: for each example in turn,
    ``u = step(k, W x)`` and then ``W ← decay·W + u xᵀ``. Updates ``W`` (r × d) in place.

    ``block`` examples share one pair of matrix products (see the module docstring); it
    changes the speed, not the result (up to rounding).
    """
    if block < 1:
        raise ValueError(f"block must be at least 1, got {block}")
    # W_k = a^k (W_0 + Σ_{j<k} u_j x_jᵀ / a^(j+1)): the scores of the block are kept without the
    # common factor a^k, so a step rescales one row instead of every row still to come.
    powers = (decay ** np.arange(block + 1, dtype=np.float64)).astype(W.dtype)
    for start in range(0, len(order), block):
        rows = X[order[start:start + block]]
        m = len(rows)
        scores = rows @ W.T
        gram = rows @ rows.T
        updates = np.empty_like(scores)
        for k in range(m):
            updates[k] = step(start + k, scores[k] * powers[k])
            updates[k] /= powers[k + 1]
            scores[k + 1:] += gram[k + 1:, k, None] * updates[k]
        W += updates.T @ rows
        W *= powers[m]
