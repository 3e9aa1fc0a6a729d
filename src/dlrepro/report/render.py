"""Render report-data.json to one self-contained HTML file and to a PDF.

Both come from the same Jinja2 templates; ``medium`` only switches the table of contents to page
numbers and the stylesheet to print rules. Figures and equations are embedded as data URIs, so
the HTML fetches nothing; the PDF is made by :mod:`dlrepro.report.pdf`.
"""

from __future__ import annotations

import base64
import math
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from dlrepro.claims import DEFAULT_CONFIDENCE, groups
from dlrepro.experiments.registry import EXPERIMENTS
from dlrepro.metrics import PERCENT, display
from dlrepro.report.maths import math_image
from dlrepro.seed_intervals import MAX_SEEDS


def number(value: Any, digits: int = 4) -> str:
    """Numbers as a reader wants them: 4 significant digits, exponent only when needed."""
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if math.isnan(value):
        return "nan"
    if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e5):
        mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
        return Markup(f"{mantissa}×10<sup>{int(exponent)}</sup>")
    return f"{value:.{digits}g}"


def shown(value: Any, key: str = "", digits: int = 4, difference: bool = False) -> str:
    """A value of the quantity ``key`` names in the unit the report shows it in
    (:func:`dlrepro.metrics.display`): an accuracy, a fraction in the files, in percent; a
    ``difference`` of accuracies in percentage points."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return number(value, digits)
    scaled, symbol = display(value, key)
    if difference and symbol == PERCENT:
        symbol = "\u00a0points"
    return Markup(f"{number(scaled, digits)}{symbol}")


def svg_data_uri(svg: bytes | str) -> Markup:
    data = svg.encode("utf-8") if isinstance(svg, str) else svg
    return Markup("data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii"))


class Renderer:
    def __init__(self, templates_dir: str | Path, root: str | Path):
        self.root = Path(root).resolve()
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates_dir)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["math"] = math_image
        self.env.filters["imath"] = lambda latex: math_image(latex, inline=True)
        self.env.filters["num"] = number
        self.env.filters["shown"] = shown
        self.env.filters["image"] = self.image
        self.env.filters["svg_uri"] = svg_data_uri

    def image(self, path: str) -> Markup:
        """An SVG file of the project as a data URI."""
        return svg_data_uri((self.root / path).read_bytes())

    def page(self, template: str, medium: str = "screen", **context: Any) -> str:
        """One of the templates as a self-contained page, with the report's stylesheet."""
        css = self.env.loader.get_source(self.env, "report.css")[0]
        return self.env.get_template(template).render(medium=medium, stylesheet=Markup(css),
                                                      **context)

    def html(self, report_data: dict[str, Any], medium: str = "screen") -> str:
        verdicts = report_data["run"]["config"].get("verdicts", {})
        return self.page(
            "report.html.j2",
            medium,
            data=report_data,
            sections=[experiment for experiment in EXPERIMENTS
                      if experiment.id in report_data["experiments"]],
            claim_groups=groups(report_data["claims"]),
            confidence_percent=f"{100 * verdicts.get('confidence', DEFAULT_CONFIDENCE):g}",
            max_seeds=MAX_SEEDS,
        )

    def pdf(self, report_data: dict[str, Any]) -> bytes:
        # WeasyPrint (and the Pango library under it) is needed for the PDF only: the HTML
        # renders on machines without it, such as a GPU box that runs the experiments.
        from dlrepro.report.pdf import html_to_pdf

        return html_to_pdf(self.html(report_data, medium="print"), self.root)
