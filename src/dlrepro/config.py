"""Checks of the configuration that a JSON schema cannot state: one key measured against another.

The schema (workflow/schemas/config.schema.yaml) checks keys, types and ranges; this module
checks the relations between keys. Both run when the workflow is parsed, before any job.
"""

from __future__ import annotations

import operator
from typing import Any

from dlrepro.experiments.registry import EXPERIMENTS


class ConfigError(ValueError):
    """A configuration that cannot run; the message names the keys."""


#: (key, relation, other key): each must hold where both keys are set.
RELATIONS = (
    ("opt_f1f2.phase_split", "<", "opt_f1f2.iterations"),
    ("sgd_mean.early_iteration", "<=", "sgd_mean.iterations"),
    ("sgd_mean.terminal_window", "<=", "sgd_mean.iterations"),
    ("gd_abs32.tail_window", "<=", "gd_abs32.iterations"),
    ("activations.x_min", "<", "activations.x_max"),
    ("adam_escape.bisection.h_lower", "<", "adam_escape.bisection.h_upper"),
    ("age_mlp.log_every", "<=", "age_mlp.epochs"),
    ("lr_schedule.early_epoch", "<=", "lr_schedule.epochs"),
    ("lr_schedule.step_size", "<", "lr_schedule.epochs"),
)

_OPERATORS = {"<": operator.lt, "<=": operator.le}
_WORDS = {"<": "must be less than", "<=": "must not exceed"}


def _value(config: dict[str, Any], dotted: str) -> Any:
    node: Any = config
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def check_consistency(config: dict[str, Any]) -> None:
    problems = [f"{experiment.id}: no section for this experiment (registered in "
                "dlrepro.experiments.registry)"
                for experiment in EXPERIMENTS if experiment.id not in config]
    for key, relation, other in RELATIONS:
        value, limit = _value(config, key), _value(config, other)
        if value is not None and limit is not None and not _OPERATORS[relation](value, limit):
            problems.append(f"{key} = {value} {_WORDS[relation]} {other} = {limit}")
    if problems:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(problems))


def shift_seeds(config: dict[str, Any]) -> dict[str, Any]:
    """Every experiment's ``seeds`` moved up by ``seed_offset`` (0 when absent): the same graph
    on a disjoint set of seeds, to see which verdicts survive a change of seeds. Other keys,
    the data sets' split seeds among them, are left as they are."""
    offset = int(config.get("seed_offset", 0))
    return {
        key: {**section, "seeds": [seed + offset for seed in section["seeds"]]}
        if isinstance(section, dict) and "seeds" in section else section
        for key, section in config.items()
    }
