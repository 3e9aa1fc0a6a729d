"""The results contract: what one experiment run writes, and how it is written.

Every run writes ``metrics.json`` (and ``history.csv`` where there is a curve) into its own
folder. Writes go to a temporary file beside the target and are renamed over it, so a run that is
killed never leaves a half-written file that a later run could trust.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from dlrepro.metrics import check_names, check_units, unit_of

STATUS_OK = "ok"
STATUS_DIVERGED = "diverged"

#: Keys every ``metrics.json`` has, in this order.
RECORD_KEYS = ("experiment", "run", "params", "seed", "status", "metrics", "data", "provenance")


def value_label(value: float) -> str:
    """A number as run folder names and summary keys show it: 0.001 -> "0.001", 1e-05 -> "1e-05",
    1.0 -> "1"."""
    return f"{float(value):g}"


def flatten(mapping: Mapping[str, Any], *, leaf: Callable[[Any], bool] | None = None,
            prefix: str = "") -> dict[str, Any]:
    """Nested mappings as one level of paths joined by "/" (as claims write them):
    ``{"f1": {"gd": 1}}`` → ``{"f1/gd": 1}``. A value is a leaf when it is not a mapping, is an
    empty one, or ``leaf(value)`` says so (a value over seeds is one number to a claim)."""
    flat: dict[str, Any] = {}
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value and not (leaf and leaf(value)):
            flat.update(flatten(value, leaf=leaf, prefix=f"{name}/"))
        else:
            flat[name] = value
    return flat


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A fresh name in the target's folder (so the rename stays on one file system), created
    # with open(): unlike mkstemp, it gets the permissions the umask allows.
    tmp_name = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp_name, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def to_json_safe(value: Any) -> Any:
    """Strict JSON has no NaN or infinity: non-finite floats become ``None``.

    Numpy scalars and arrays become plain Python numbers and lists.
    """
    if isinstance(value, dict):
        return {str(key): to_json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_safe(item) for item in value]
    if hasattr(value, "tolist"):  # numpy scalars and arrays, torch tensors
        return to_json_safe(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_json(path: str | os.PathLike, obj: Any) -> None:
    text = json.dumps(to_json_safe(obj), indent=2, allow_nan=False, ensure_ascii=False)
    atomic_write_text(path, text + "\n")


def read_json(path: str | os.PathLike) -> Any:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def write_history(path: str | os.PathLike, history: pd.DataFrame) -> None:
    atomic_write_text(path, history.to_csv(index=False, float_format="%.17g"))


def read_history(path: str | os.PathLike) -> pd.DataFrame:
    return pd.read_csv(path)


def is_diverged(values: Any, *, nan: bool = True) -> bool:
    """True when any number in ``values`` (scalar, sequence, array) is infinite, or NaN when
    ``nan`` is set."""
    if isinstance(values, pd.DataFrame):
        values = values.select_dtypes("number").to_numpy()
    if hasattr(values, "tolist"):
        values = values.tolist()
    if isinstance(values, dict):
        return any(is_diverged(item, nan=nan) for item in values.values())
    if isinstance(values, (list, tuple)):
        return any(is_diverged(item, nan=nan) for item in values)
    if not isinstance(values, float):
        return False
    return math.isinf(values) or (nan and math.isnan(values))


@dataclass
class RunResult:
    """What an experiment function returns for one run: named scalars and an optional curve."""

    metrics: dict[str, Any]
    history: pd.DataFrame | None = None
    data: dict[str, Any] = field(
        default_factory=lambda: {"name": "none", "source": "analytic function", "stand_in": False}
    )

    @property
    def status(self) -> str:
        """``diverged`` when a metric is NaN or infinite, or the curve reaches infinity.

        A NaN in the history alone does not count: curves use it for "not applicable"
        (a column that some rows do not have).
        """
        diverged = is_diverged(self.metrics) or (
            self.history is not None and is_diverged(self.history, nan=False)
        )
        return STATUS_DIVERGED if diverged else STATUS_OK


def run_record(
    *,
    experiment: str,
    run: str,
    params: dict[str, Any],
    seed: int | None,
    result: RunResult,
    provenance: dict[str, Any],
) -> dict[str, Any]:
    """The ``metrics.json`` document of one run. Its metrics and history columns must be named
    and measured as :mod:`dlrepro.metrics` says (an accuracy is a fraction), or it is refused."""
    where = f"{experiment}/{run}"
    check_names(result.metrics, where)
    check_units(result.metrics, where)
    if result.history is not None:
        check_names(result.history.columns, f"{where} history")
        fractions = [column for column in result.history.columns if unit_of(column) == "fraction"]
        for extreme in (result.history[fractions].min(), result.history[fractions].max()):
            check_units(extreme.to_dict(), f"{where} history")
    return {
        "experiment": experiment,
        "run": run,
        "params": params,
        "seed": seed,
        "status": result.status,
        "metrics": result.metrics,
        "data": result.data,
        "provenance": provenance,
    }


def save_run(
    record: dict[str, Any],
    metrics_path: str | os.PathLike,
    history: pd.DataFrame | None = None,
    history_path: str | os.PathLike | None = None,
) -> None:
    """Write a run's history first and its metrics last: metrics.json marks a finished run."""
    if history_path is not None:
        if history is None:
            raise ValueError(f"{record['experiment']}/{record['run']}: no history to write")
        write_history(history_path, history)
    write_json(metrics_path, record)


@dataclass(frozen=True)
class ExperimentResults:
    """What an experiment's figures are drawn from: its summary.json, and its runs' metrics.json
    documents (``records``) with their histories, in the same order."""

    summary: dict[str, Any]
    records: list[dict[str, Any]]
    histories: list[pd.DataFrame]

    @classmethod
    def read(cls, summary_path: str | os.PathLike, metrics_paths: list[str],
             history_paths: list[str]) -> ExperimentResults:
        if len(metrics_paths) != len(history_paths):
            raise ValueError(f"{len(metrics_paths)} metrics files but {len(history_paths)} "
                             "histories: every run needs both")
        return cls(read_json(summary_path), [read_json(path) for path in metrics_paths],
                   [read_history(path) for path in history_paths])

    @property
    def stand_in(self) -> bool:
        """Whether the runs used stand-in data instead of the write-up's data set."""
        return bool(self.summary.get("data", {}).get("stand_in", False))

    def histories_by(self, key: Callable[[dict[str, Any]], Any]) -> dict[Any, pd.DataFrame]:
        """Each run's history, keyed by ``key(params)`` of its record."""
        return {key(record["params"]): history
                for record, history in zip(self.records, self.histories, strict=True)}

    def grouped(self, key: Callable[[dict[str, Any]], Any]) -> dict[Any, list[pd.DataFrame]]:
        """The runs' histories grouped by ``key(params)`` of their records, in run order."""
        groups: dict[Any, list[pd.DataFrame]] = {}
        for record, history in zip(self.records, self.histories, strict=True):
            groups.setdefault(key(record["params"]), []).append(history)
        return groups
