"""Seconds per epoch of the from-scratch models of ``ist_linear`` and ``ist_mlp_numpy`` at the
course's size, beside the write-up's times and the textbook per-example loop.

    python benchmarks/ist_numpy.py [--quick]

Data: generated, of the Intel landscapes training set's size: 12630 random 48×48×3 images
(pixels / 255, float32, as the experiments feed them) with random labels in 6 classes. One
epoch of each model from its initial weights, timed once, in one process:

- perceptron, logistic regression (lr 1e-3) without and with ℓ2 (0.01), the MLP (100 hidden
  units, lr 1e-3), each one example at a time as the homework demands (:mod:`dlrepro.experiments.
  ist.numpy_models`);
- the scoring the homework's loop does after every epoch (accuracy on the training and the
  validation parts), timed apart: the write-up's times include it;
- the textbook loop (:mod:`dlrepro.experiments.ist.reference`: one full product and one full
  rank-one update per example) of logistic regression and the MLP, on the first ``subset``
  examples of the same order, extrapolated to the epoch, and the largest difference between its
  weights and ours after that subset. Both are float32; in float64 they agree to 1e-8 or better
  (the tests check 1e-12 on small problems). The MLP's difference is larger because the
  homework's N(0.1, 0.1²) start saturates the softmax (scores in the thousands), which amplifies
  rounding: the textbook loop in float32 differs as much from itself in float64. The
  perceptron's epoch is such a loop already.

The write-up's times are for whole runs (the skeleton times the loop over all epochs, scoring
included): 42 s for the perceptron's 100 epochs, 2 min 29 s and 2 min 30 s for logistic
regression's, 10 min 6 s for the MLP's 20. Times are printed, not asserted, and depend on the
machine and on what else runs on it: the load average is printed first. BLAS runs on
``--threads`` threads (1 by default, as a one-thread job would): with more threads than free
cores, the many small products of a per-example loop slow down several times.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from threadpoolctl import threadpool_limits

from dlrepro.experiments.ist import numpy_models as nm
from dlrepro.experiments.ist import reference

N_TRAIN, N_VAL, FEATURES, CLASSES = 12630, 1404, 48 * 48 * 3, 6
LR, L2, HIDDEN = 1e-3, 0.01, 100
#: model -> (the write-up's seconds for its whole run, the run's epochs)
WRITE_UP = {"perceptron": (42.0, 100), "logistic": (149.0, 100), "logistic_l2": (150.0, 100),
            "mlp": (606.0, 20)}


def generated(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    images = rng.integers(0, 256, size=(n, FEATURES), dtype=np.uint8)
    return images.astype(np.float32) / np.float32(255.0), rng.integers(0, CLASSES, n)


def timed(work, *args, **kwargs) -> float:
    start = time.perf_counter()
    work(*args, **kwargs)
    return time.perf_counter() - start


def models(seed: int) -> dict:
    return {
        "perceptron": nm.Perceptron(CLASSES, FEATURES),
        "logistic": nm.LogisticRegression(CLASSES, FEATURES, lr=LR),
        "logistic_l2": nm.LogisticRegression(CLASSES, FEATURES, lr=LR, l2=L2),
        "mlp": nm.MLP(CLASSES, FEATURES, HIDDEN, lr=LR, rng=np.random.default_rng(seed)),
    }


def textbook(name: str, model, X, y, order) -> tuple[float, np.ndarray]:
    """Seconds of the textbook loop over X[order], from ``model``'s initial weights, and the
    weights of the input layer it ends with."""
    if name == "mlp":
        weights = [array.copy() for array in (model.W1, model.b1, model.W2, model.b2)]
        seconds = timed(reference.mlp_epoch, *weights, X, y, order, lr=LR)
    else:
        weights = [model.W.copy(), model.b.copy()]
        seconds = timed(reference.logistic_epoch, *weights, X, y, order, lr=LR, l2=model.l2)
    return seconds, weights[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="time epochs of 2000 examples and extrapolate (seconds, not minutes)")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1)")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          f"BLAS threads {args.threads}")
    with threadpool_limits(limits=args.threads, user_api="blas"):
        measure(args.quick)


def measure(quick: bool) -> None:
    n_epoch = 2000 if quick else N_TRAIN
    subset = {"logistic": 1000, "logistic_l2": 1000, "mlp": 300} if quick else {
        "logistic": 3000, "logistic_l2": 3000, "mlp": 1000}

    rng = np.random.default_rng(0)
    X, y = generated(N_TRAIN, rng)
    X_val, y_val = generated(N_VAL, rng)
    order = rng.permutation(N_TRAIN)[:n_epoch]
    scale = N_TRAIN / n_epoch
    print(f"data: generated, {N_TRAIN} x {FEATURES} float32 (+ {N_VAL} validation), "
          f"{CLASSES} classes; epochs timed on {n_epoch} examples"
          + ("" if scale == 1 else f", extrapolated x{scale:.2f}"))
    header = (f"{'model':<12} {'epoch s':>8} {'scoring s':>9} {'run s':>7} {'write-up run s':>14}"
              f" {'write-up epoch s':>16} {'textbook epoch s':>16} {'textbook/ours':>13}"
              f" {'max |dW|':>9}")
    print(header)
    for name, model in models(seed=0).items():
        fresh = models(seed=0)[name]  # the same initial weights, for the textbook loop
        epoch = timed(model.train_epoch, X, y, order) * scale
        # what the homework's loop scores after every epoch
        scoring = timed(model.accuracy, X, y) + timed(model.accuracy, X_val, y_val)
        run_seconds, epochs = WRITE_UP[name]
        ours_run = epochs * (epoch + scoring)
        if name == "perceptron":
            reference_text = f"{'(ours is it)':>16} {'1':>13} {'-':>9}"
        else:
            part = order[:subset[name]]
            textbook_seconds, textbook_weights = textbook(name, fresh, X, y, part)
            textbook_epoch = textbook_seconds * N_TRAIN / len(part)
            fresh.train_epoch(X, y, part)
            ours_weights = fresh.W1 if name == "mlp" else fresh.W
            difference = float(np.abs(ours_weights - textbook_weights).max())
            reference_text = (f"{textbook_epoch:16.2f} {textbook_epoch / epoch:13.1f}"
                              f" {difference:9.1e}")
        print(f"{name:<12} {epoch:8.2f} {scoring:9.2f} {ours_run:7.0f} {run_seconds:14.0f}"
              f" {run_seconds / epochs:16.2f} {reference_text}")
    print("run s: ours for the write-up's epoch count (100, 100, 100, 20), scoring included; "
          "textbook epochs on the first "
          + ", ".join(f"{n} ({name})" for name, n in subset.items())
          + " examples of the epoch, extrapolated; max |dW|: input-layer weights, ours vs the "
          "textbook loop's after those examples (float32).")


if __name__ == "__main__":
    main()
