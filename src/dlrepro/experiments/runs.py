"""What every trained run shares: its device, its random streams, and how its numbers are judged.

Every stochastic choice of a run comes from the run's seed, each from its own stream (numpy's
``SeedSequence([seed, stream])``): the data split, the initial weights (``torch.manual_seed``)
and the batch order (a CPU ``torch.Generator``, so the order is the same on every device).
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np
import torch

from dlrepro.data.base import DataSet

#: Independent random streams of one seed.
STREAM_SPLIT, STREAM_INIT, STREAM_BATCHES = 0, 1, 2


def pick_device() -> str:
    """``"cuda"`` when a GPU is present, else ``"cpu"``."""
    return "cuda" if torch.cuda.is_available() else "cpu"


def stream_seed(seed: int, stream: int) -> int:
    """A 63-bit seed for one named use of the run's seed."""
    state = np.random.SeedSequence([seed, stream]).generate_state(2, dtype=np.uint32)
    return int((int(state[0]) << 31) ^ int(state[1]))


def make_deterministic(device: str) -> None:
    """Ask torch for deterministic kernels (free on CPU; on CUDA cuBLAS needs a fixed workspace).

    Process-wide, and only warns where an op has no deterministic version.
    """
    if str(device).startswith("cuda"):
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.use_deterministic_algorithms(True, warn_only=True)


def batch_generator(seed: int) -> torch.Generator:
    """The generator of a run's batch order (CPU: the same order on every device)."""
    return torch.Generator().manual_seed(stream_seed(seed, STREAM_BATCHES))


def seed_init(seed: int) -> None:
    """Seed torch's global generator, which ``nn.Linear`` draws its initial weights from."""
    torch.manual_seed(stream_seed(seed, STREAM_INIT))


def is_finite(*values: float | torch.Tensor) -> bool:
    """True when every number (scalars or tensors) is finite."""
    return all(
        bool(torch.isfinite(value).all()) if isinstance(value, torch.Tensor)
        else math.isfinite(value)
        for value in values
    )


def data_record(data: DataSet) -> dict[str, Any]:
    """The run's ``data`` field: the data set's info, which always says whether it is a stand-in."""
    return {"stand_in": data.stand_in, **data.info}


def start_run(seed: int, device: str, *, flush_subnormals: bool = True) -> torch.Generator:
    """What every torch run does before it builds its model, in one place: deterministic
    kernels on ``device``, subnormal floats flushed or kept, torch's global generator seeded for
    the initial weights (:func:`seed_init`); returns the generator of the run's batch order.

    Flushing subnormals to zero (process-wide, on the CPU): the momentum buffers of units that
    stopped learning (dead ReLUs after a blow-up) decay geometrically through the subnormal
    range, where x86 arithmetic is many times slower; a plain network at lr 0.5 trained twice as
    long per epoch without it. Values below 1.2e-38 become 0, nothing else changes. The
    classifiers flush; the age regressors keep them (``flush_subnormals=False``), as they always
    have: their numbers were measured so, and they use no momentum. Either way the setting is
    made here for every run, so no run inherits it from one before it in the same process.
    """
    make_deterministic(device)
    torch.set_flush_denormal(flush_subnormals)
    seed_init(seed)
    return batch_generator(seed)
