"""Checkpoints inside one run vs one run per epoch count: time and equality, ``age_linear_sgd``.

    python benchmarks/age_linear_sgd.py [--quick]

On the stand-in age data (``dlrepro.data.age_regression.stand_in``; arrays of the same shapes
generated here if that module is missing), in one process, on the device a run would pick:

(a) the grid as the workflow runs it: data loaded once, 9 runs (3 lr × 3 batch sizes) of
    max(epochs) epochs, each evaluated at every epoch count;
(b) the grid as the write-up's loop runs it: 27 runs (lr × batch size × epochs), each trained
    from scratch for its own epoch count and each loading the data again from .npy files.

It prints both times and their ratio, and checks that every number (a) reads at a checkpoint
equals, bit for bit, the number (b) gets from its separate run. Times are printed, not asserted.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from dlrepro.data.base import DataSet
from dlrepro.experiments.regressors import age_linear_sgd
from dlrepro.experiments.runs import pick_device

LRS = [1e-5, 1e-4, 1e-3]
BATCH_SIZES = [32, 64, 128]
FILES = {"X_train": "age_regression_Xtr.npy", "y_train": "age_regression_ytr.npy",
         "X_test": "age_regression_Xte.npy", "y_test": "age_regression_yte.npy"}


def stand_in_data(n_train: int, n_test: int) -> DataSet:
    try:
        from dlrepro.data.age_regression import stand_in
    except ImportError:
        rng = np.random.default_rng(0)

        def images(n):
            return rng.integers(0, 256, size=(n, 48 * 48)).astype(np.float32)

        X_train, X_test = images(n_train), images(n_test)
        w = rng.normal(size=48 * 48) / 48
        arrays = {"X_train": X_train, "y_train": 33 + (X_train / 255 - 0.5) @ w * 10,
                  "X_test": X_test, "y_test": 33 + (X_test / 255 - 0.5) @ w * 10}
        return DataSet(arrays, {"name": "generated", "source": "benchmark", "stand_in": True})
    return stand_in(seed=0, n_train=n_train, n_test=n_test)


def write_files(data: DataSet, folder: Path) -> None:
    for key, name in FILES.items():
        np.save(folder / name, data.arrays[key])


def load_files(folder: Path, info: dict) -> DataSet:
    return DataSet({key: np.load(folder / name) for key, name in FILES.items()}, info)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="epochs 5/10/15 on 1000 training rows instead of 50/100/150 on 5000")
    args = parser.parse_args()
    epochs = [5, 10, 15] if args.quick else [50, 100, 150]
    n_train, n_test = (1000, 500) if args.quick else (5000, 1500)
    settings = dict(checkpoints=epochs, val_fraction=0.2, inputs="scaled",
                    targets="standardised")
    device, seed = pick_device(), 0
    data = stand_in_data(n_train, n_test)
    print(f"data: {data.info.get('source')} ({n_train} + {n_test} rows, "
          f"{data.arrays['X_train'].shape[1]} pixels); device {device}, "
          f"{torch.get_num_threads()} torch threads; epochs {epochs}")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_files(data, folder)

        # Untimed warm-up, so that neither side pays for torch's first calls.
        age_linear_sgd.run({**settings, "checkpoints": [1]}, data, LRS[0], BATCH_SIZES[0], seed,
                           device)

        # (a) data loaded once; one run per (lr, batch size), read at every checkpoint.
        start = time.perf_counter()
        loaded = load_files(folder, data.info)
        checkpointed = {
            (lr, batch_size): age_linear_sgd.run(settings, loaded, lr, batch_size, seed, device)
            for lr, batch_size in itertools.product(LRS, BATCH_SIZES)
        }
        time_a = time.perf_counter() - start

        # (b) the write-up's loop: every (lr, batch size, epochs) from scratch, data reloaded.
        start = time.perf_counter()
        separate = {}
        for lr, batch_size, n_epochs in itertools.product(LRS, BATCH_SIZES, epochs):
            fresh = load_files(folder, data.info)
            separate[(lr, batch_size, n_epochs)] = age_linear_sgd.run(
                {**settings, "checkpoints": [n_epochs]}, fresh, lr, batch_size, seed, device)
        time_b = time.perf_counter() - start

    compared = mismatches = 0
    for (lr, batch_size, n_epochs), result in separate.items():
        for part in ("train", "val", "test"):
            key = f"{part}_mse_epoch{n_epochs}"
            compared += 1
            if checkpointed[(lr, batch_size)].metrics[key] != result.metrics[key]:
                mismatches += 1
                print(f"  differs: lr {lr:g}, batch {batch_size}, {key}: "
                      f"{checkpointed[(lr, batch_size)].metrics[key]!r} vs {result.metrics[key]!r}")

    print(f"(a) {len(checkpointed)} runs with checkpoints, data loaded once: {time_a:8.2f} s")
    print(f"(b) {len(separate)} separate runs, data loaded each time:     {time_b:8.2f} s")
    cells = len(LRS) * len(BATCH_SIZES)
    print(f"ratio (b) / (a): {time_b / time_a:.2f}  (training epochs {cells * sum(epochs)} vs "
          f"{cells * max(epochs)}: {sum(epochs) / max(epochs):.2f})")
    print(f"checkpoint numbers equal to the separate runs': {compared - mismatches}/{compared}"
          f"{'' if mismatches else ' (bit for bit)'}")
    best = min(checkpointed.items(), key=lambda item: min(
        item[1].metrics[f"val_mse_epoch{e}"] for e in epochs))
    (lr, batch_size), result = best
    epoch = min(epochs, key=lambda e: result.metrics[f"val_mse_epoch{e}"])
    print(f"lowest validation MSE: lr {lr:g}, batch {batch_size}, {epoch} epochs: "
          f"val {result.metrics[f'val_mse_epoch{epoch}']:.4f}, "
          f"test {result.metrics[f'test_mse_epoch{epoch}']:.4f} (standardised targets)")


if __name__ == "__main__":
    main()
