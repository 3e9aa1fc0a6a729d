"""Checks of the configuration that a JSON schema cannot state: one key measured against another.

The schema (workflow/schemas/config.schema.yaml) checks keys, types and ranges; this module
checks the relations between keys. Both run when the workflow is parsed, before any job.
"""

from __future__ import annotations

from typing import Any


class ConfigError(ValueError):
    """A configuration that cannot run; the message names the keys."""


def _at_most(config: dict[str, Any], section: str, key: str, limit_key: str) -> list[str]:
    values = config.get(section, {})
    if key in values and limit_key in values and values[key] > values[limit_key]:
        return [
            f"{section}.{key} = {values[key]} must not exceed "
            f"{section}.{limit_key} = {values[limit_key]}"
        ]
    return []


def check_consistency(config: dict[str, Any]) -> None:
    problems = [
        *_at_most(config, "opt_f1f2", "phase_split", "iterations"),
        *_at_most(config, "sgd_mean", "early_iteration", "iterations"),
        *_at_most(config, "sgd_mean", "terminal_window", "iterations"),
    ]
    if problems:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(problems))
