"""Seconds per epoch of the BatchNorm experiment: the write-up's way of training against ours.

Both run in this process, on the same 60,000 + 10,000 images, with the same network (784 → 128 →
BatchNorm → 64 → BatchNorm → 10), optimiser (SGD, lr 0.01, momentum 0.9), batch size (60) and
thread count:

- the write-up's way: torchvision's MNIST data set with a per-sample ``ToTensor`` transform,
  ``DataLoader(batch_size=60, shuffle=True)``, and its test loop (a second DataLoader of batch
  60, the model left in train mode, gradients recorded);
- ours: :func:`dlrepro.experiments.classifiers.mlp.train_run` for a whole run (images as one
  tensor, batches by index, running sums on the device, evaluation in eval mode under
  ``torch.no_grad()`` in large batches).

An epoch is one pass of training plus one evaluation on the test set, in both. The data are the
IDX files in ``--path`` (plain or gzipped, e.g. /usr/share/datasets/fashion-mnist), or, without
it, random images of MNIST's sizes. Prints seconds per epoch, the ratio, and what the write-up's
four single-seed runs and our 32 runs (2 networks × 2 lrs × 8 seeds, config/config.yaml) take
at 15 epochs each.

    python benchmarks/batchnorm.py --path /usr/share/datasets/fashion-mnist
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import torchvision
from torch import nn
from torch.utils.data import DataLoader

from dlrepro.data import mnist
from dlrepro.data.base import DataSet
from dlrepro.experiments.classifiers.mlp import train_run
from dlrepro.experiments.training import mlp

SETTINGS = {"hidden": [128, 64], "momentum": 0.9, "batch_size": 60}
LR, EPOCHS, SEEDS = 0.01, 15, 8


def random_mnist(seed: int = 0) -> DataSet:
    rng = np.random.default_rng(seed)
    arrays = {
        "X_train": rng.integers(0, 256, (60000, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, 60000).astype(np.int64),
        "X_test": rng.integers(0, 256, (10000, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, 10000).astype(np.int64),
    }
    return DataSet(arrays=arrays, info={"name": "random", "stand_in": True, "classes": 10})


def write_idx(path: Path, array: np.ndarray) -> None:
    """An IDX file of uint8 (magic 0x08, then the dimensions, big-endian)."""
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(
        int(n).to_bytes(4, "big") for n in array.shape)
    path.write_bytes(header + np.ascontiguousarray(array, dtype=np.uint8).tobytes())


def write_up_epochs(root: Path, epochs: int) -> float:
    """``epochs`` epochs as the write-up's ``train_test`` does them; seconds per epoch."""
    to_tensor = torchvision.transforms.ToTensor()
    train_data = torchvision.datasets.MNIST(root=str(root), train=True, transform=to_tensor)
    test_data = torchvision.datasets.MNIST(root=str(root), train=False, transform=to_tensor)
    train_loader = DataLoader(dataset=train_data, batch_size=60, shuffle=True)
    test_loader = DataLoader(dataset=test_data, batch_size=60, shuffle=True)
    torch.manual_seed(1234)
    model = mlp(784, SETTINGS["hidden"], 10, batchnorm=True)
    optimizer = torch.optim.SGD(model.parameters(), lr=LR, momentum=0.9)
    criterion = nn.CrossEntropyLoss()
    running_loss, correct_train, total_train, correct_test, total_test = 0.0, 0.0, 0.0, 0.0, 0.0
    start = time.perf_counter()
    for _ in range(epochs):
        for image, labels in train_loader:
            output = model(image.reshape(-1, 28 * 28))
            optimizer.zero_grad()
            loss = criterion(output, labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
            _, predicted = torch.max(output.data, 1)
            total_train += labels.size(0)
            correct_train += predicted.eq(labels.data).sum().item()
        for image, labels in test_loader:
            output = model(image.reshape(-1, 28 * 28))
            _, pred = torch.max(output, 1)
            total_test += labels.size(0)
            correct_test += pred.eq(labels.data).sum().item()
    seconds = (time.perf_counter() - start) / epochs
    print(f"  write-up's way, {epochs} epochs: {seconds:.2f} s per epoch; its (cumulative) "
          f"accuracies: train {100 * correct_train / total_train:.2f} %, "
          f"test {100 * correct_test / total_test:.2f} %")
    return seconds


def our_epochs(dataset: DataSet, epochs: int) -> float:
    """A whole run of ``epochs`` epochs as the workflow's job does it (data to tensors, a fresh
    network, training, a test after every epoch); seconds per epoch."""
    start = time.perf_counter()
    result = train_run(SETTINGS, dataset, seed=0, device="cpu", batchnorm=True, lr=LR,
                       epochs=epochs)
    seconds = (time.perf_counter() - start) / epochs
    last = result.history.iloc[-1]
    print(f"  ours, {epochs} epochs: {seconds:.2f} s per epoch; last epoch: train accuracy "
          f"{last['train_accuracy']:.2%}, test accuracy {last['test_accuracy']:.2%}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", help="folder with the four MNIST-format IDX files")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch threads (the workflow's training jobs use 1 each)")
    parser.add_argument("--epochs", type=int, default=3, help="epochs per timed run")
    parser.add_argument("--repeats", type=int, default=2, help="timed runs per side (best kept)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    dataset = mnist.load_local(args.path) if args.path else random_mnist()
    print(f"data: {args.path or 'random images of MNIST sizes'}; torch {torch.__version__}, "
          f"{args.threads} thread(s), CPU")
    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder) / "MNIST" / "raw"  # torchvision's layout
        raw.mkdir(parents=True)
        for key, name in mnist.FILES.items():
            write_idx(raw / name, dataset.arrays[key])
        theirs = min(write_up_epochs(Path(folder), args.epochs) for _ in range(args.repeats))
    ours = min(our_epochs(dataset, args.epochs) for _ in range(args.repeats))

    runs_theirs, runs_ours = 4, 2 * 2 * SEEDS
    print(f"seconds per epoch (best of {args.repeats} runs of {args.epochs} epochs): "
          f"write-up's way {theirs:.2f} s, "
          f"ours {ours:.2f} s; ours is {theirs / ours:.1f}x faster (target: at least 5x)")
    print(f"{EPOCHS} epochs: write-up's {runs_theirs} single-seed runs "
          f"{runs_theirs * EPOCHS * theirs:.0f} s; our {runs_ours} runs "
          f"(2 networks x 2 lrs x {SEEDS} seeds) {runs_ours * EPOCHS * ours:.0f} s one after "
          f"another (target: less than the write-up's 4 runs)")


if __name__ == "__main__":
    main()
