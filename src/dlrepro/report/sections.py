"""The report's experiment sections, in reading order."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    experiment: str
    title: str
    source: str

    @property
    def template(self) -> str:
        return f"sections/{self.experiment}.html.j2"


SECTIONS = (
    Section("sgd_mean", "Constant-step SGD for the mean", "CS 7150 HW2 Q2"),
    Section("opt_f1f2", "GD, momentum, RMSProp and Adam on two rotated quadratics",
            "CS 7150 HW2 Q3"),
)


def sections_present(experiments: dict) -> list[Section]:
    return [section for section in SECTIONS if section.experiment in experiments]
