"""Render report-data.json to one self-contained HTML file and to a PDF.

Both come from the same Jinja2 templates; ``medium`` only switches the table of contents to page
numbers and the stylesheet to print rules. Figures and equations are embedded as data URIs, so
the HTML fetches nothing, and WeasyPrint is given a fetcher that refuses any file outside the
project.
"""

from __future__ import annotations

import base64
import math
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import jinja2
import weasyprint
from markupsafe import Markup
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from dlrepro.report.maths import math_image
from dlrepro.report.sections import sections_present


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
        self.env.filters["image"] = self.image

    def image(self, path: str) -> Markup:
        """An SVG file of the project as a data URI."""
        data = (self.root / path).read_bytes()
        return Markup("data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii"))

    def html(self, report_data: dict[str, Any], medium: str = "screen") -> str:
        css = self.env.loader.get_source(self.env, "report.css")[0]
        template = self.env.get_template("report.html.j2")
        return template.render(
            data=report_data,
            sections=sections_present(report_data["experiments"]),
            medium=medium,
            stylesheet=Markup(css),
        )

    def pdf(self, report_data: dict[str, Any]) -> bytes:
        html = self.html(report_data, medium="print")
        document = weasyprint.HTML(
            string=html, base_url=str(self.root), url_fetcher=ProjectOnlyFetcher(self.root)
        )
        return document.write_pdf()


class ProjectOnlyFetcher(URLFetcher):
    """WeasyPrint's fetcher, restricted to data: URIs and files under the project root."""

    def __init__(self, root: Path):
        super().__init__(allowed_protocols=("data", "file"))
        self.root = root

    def fetch(self, url: str, headers: Any = None):
        parsed = urlparse(url)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path)).resolve()
            if not path.is_relative_to(self.root):
                raise FatalURLFetchingError(f"the report may read only project files, not {url}")
        elif parsed.scheme != "data":
            raise FatalURLFetchingError(f"the report may not fetch {url}")
        return super().fetch(url, headers)
