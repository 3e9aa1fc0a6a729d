"""Where and how a result was made: commit, package versions, device, host, time."""

from __future__ import annotations

import datetime as dt
import functools
import glob
import os
import platform
import socket
import subprocess
import time
from importlib import metadata
from typing import Any

import psutil

#: Packages whose versions are recorded with every result.
TRACKED_PACKAGES = (
    "dlrepro",
    "torch",
    "torchvision",
    "numpy",
    "pandas",
    "matplotlib",
    "snakemake",
    "jinja2",
    "weasyprint",
    "ziamath",
)


@functools.cache
def git_commit(cwd: str | None = None) -> str:
    """The commit of the working tree, with ``-dirty`` when it has uncommitted changes."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=cwd, capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{commit}-dirty" if dirty else commit


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in TRACKED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def hardware() -> dict[str, Any]:
    info: dict[str, Any] = {
        "machine": platform.machine(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "system": f"{platform.system()} {platform.release()}",
    }
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        info["memory_gib"] = round(pages / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        pass
    try:
        import torch

        if torch.cuda.is_available():
            info["gpus"] = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    except ImportError:
        pass
    return info


def local_gpu_count() -> int:
    """NVIDIA GPUs visible on this machine, counted without importing torch (it is slow to load
    and the workflow asks this while it parses)."""
    return len(glob.glob("/dev/nvidia[0-9]*"))


def cluster_job() -> dict[str, str]:
    """The batch-system job a result was made in, when there is one."""
    keys = {"SLURM_JOB_ID": "slurm_job_id", "SLURM_JOB_NODELIST": "slurm_nodes"}
    return {name: os.environ[var] for var, name in keys.items() if var in os.environ}


class Stopwatch:
    """Measures a block's wall time and remembers when it started."""

    def __enter__(self) -> Stopwatch:
        self.started = dt.datetime.now(dt.timezone.utc)
        self._start = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.seconds = time.perf_counter() - self._start


def job_timing() -> dict[str, Any]:
    """Which job (process) wrote a result, when that process started and when it wrote it.

    A job's time counts from its process's start, so Python's start-up and imports are in it,
    which ``runtime_seconds`` (the work alone) leaves out; the runs of a job of several runs
    share its ``job_id``. The report adds these up into the run's wall time, summed job time and
    parallel efficiency (:func:`dlrepro.report.collect.run_time`).
    """
    started = psutil.Process().create_time()
    return {
        "job_id": f"{socket.gethostname()}:{os.getpid()}:{started:.3f}",
        "job_started": _utc(started),
        "finished": _utc(time.time()),
    }


def _utc(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).isoformat(timespec="milliseconds")


def provenance(clock: Stopwatch, *, device: str, code: dict[str, Any],
               rule: str | None = None) -> dict[str, Any]:
    """Where, when and by which code (``code``: the job's fingerprint, dlrepro.fingerprint) a
    result was made."""
    record = {
        "commit": git_commit(),
        "code": code,
        "versions": package_versions(),
        "device": device,
        "host": socket.gethostname(),
        "started": clock.started.isoformat(timespec="seconds"),
        "runtime_seconds": round(clock.seconds, 4),
        **job_timing(),
    }
    if rule is not None:
        record["rule"] = rule
    record.update(cluster_job())
    return record
