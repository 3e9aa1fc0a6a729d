"""The names and units of what runs measure: one name and one unit per quantity, everywhere.

A metric's key in ``metrics.json``, a column of ``history.csv`` and a key of ``summary.json``
name the quantity they hold with one of :data:`QUANTITIES`' names, qualified by the part of the
data (``train_``, ``val_``, ``test_``), when it was taken (``final_``, ``_epoch50``) or how it
was aggregated (``mean_``, ``_max``): ``final_test_accuracy``, ``val_accuracy_max``,
``test_mse_epoch150``. :func:`check_names` refuses the other spellings that once stood for the
same quantities (``test_acc``, ``epochs_run``) when a run is recorded.

Units are those of the computation. An accuracy is a fraction in [0, 1] in every file; only the
report shows it in percent (:func:`display`). The write-ups' own numbers are kept in these units
too: a write-up that printed 97.45 % is stored as 0.9745.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass


#: What the report writes after a fraction it shows in percent (a no-break space, then %).
PERCENT = "\u00a0%"


@dataclass(frozen=True)
class Quantity:
    """One measured quantity: its unit in the files, and how the report shows it."""

    unit: str
    description: str
    #: The report multiplies a value by this and writes ``symbol`` after it.
    display_scale: float = 1.0
    symbol: str = ""


#: Every quantity a name may carry, by the name's token (the part that is not a qualifier).
QUANTITIES = {
    "accuracy": Quantity("fraction", "share of rows classified correctly, in [0, 1]", 100.0,
                         PERCENT),
    "loss": Quantity("nats", "the cross-entropy a classifier is trained on, per row"),
    "mse": Quantity("target units²", "mean squared error, in the squared units of the target"),
    "fmse": Quantity("target units²", "the assignment's cost fMSE = MSE / 2"),
    "cost": Quantity("target units²", "a regressor's loss on the minibatches as trained on"),
    "epochs_completed": Quantity("epochs", "epochs a run finished (fewer when it diverged)"),
    "seconds": Quantity("s", "wall-clock time", 1.0, "\u00a0s"),
}

#: Spellings that name one of :data:`QUANTITIES` by another name, refused in recorded runs.
REFUSED_SPELLINGS = {"acc": "accuracy", "epochs_run": "epochs_completed"}

#: The curve ``compare`` overlays for an experiment: the first of these its histories have.
CURVE_PREFERENCE = ("test_accuracy", "val_accuracy", "val_mse", "val_loss", "squared_error",
                    "objective", "train_loss", "train_cost", "loss")

_TOKEN = re.compile(r"[a-z0-9]+")


def _tokens(key: str) -> list[str]:
    return _TOKEN.findall(str(key).lower())


def quantity_of(key: str) -> str | None:
    """The quantity a metric's key names (``final_test_accuracy`` → ``accuracy``), or None
    for a key that names none of :data:`QUANTITIES`."""
    name = str(key).lower()
    for quantity in QUANTITIES:
        if "_" in quantity and quantity in name:
            return quantity
    tokens = _tokens(name)
    return next((quantity for quantity in QUANTITIES if quantity in tokens), None)


def unit_of(key: str) -> str | None:
    """The unit of a metric's key (``"fraction"`` for an accuracy), or None."""
    quantity = quantity_of(key)
    return QUANTITIES[quantity].unit if quantity else None


def check_names(keys: Iterable[str], where: str) -> None:
    """Refuse keys that spell a quantity another way than :data:`QUANTITIES` do."""
    for key in keys:
        tokens = _tokens(key)
        for spelling, name in REFUSED_SPELLINGS.items():
            if spelling in tokens or ("_" in spelling and spelling in str(key)):
                raise ValueError(f"{where}: {key!r} spells {name!r} as {spelling!r}; "
                                 f"use the name dlrepro.metrics gives it")


def check_units(values: dict[str, object], where: str) -> None:
    """Refuse a number outside its unit's range: a fraction must lie in [0, 1] (NaN, a diverged
    run's value, passes)."""
    for key, value in values.items():
        if (unit_of(key) == "fraction" and isinstance(value, (int, float))
                and not isinstance(value, bool) and math.isfinite(value)
                and not 0.0 <= value <= 1.0):
            raise ValueError(f"{where}: {key} = {value} is not a fraction in [0, 1]")


def display_scale(key: str) -> float:
    """What the report and the figures multiply a value of ``key`` by (100 for a fraction)."""
    quantity = quantity_of(key)
    return QUANTITIES[quantity].display_scale if quantity else 1.0


def display(value: float, key: str) -> tuple[float, str]:
    """A value of ``key`` as the report shows it: (the number, the symbol after it)."""
    quantity = quantity_of(key)
    if quantity is None:
        return value, ""
    shown = QUANTITIES[quantity]
    return value * shown.display_scale, shown.symbol
