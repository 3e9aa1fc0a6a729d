"""LaTeX to SVG at build time (ziamath), so the HTML and the PDF show the same equations."""

from __future__ import annotations

import base64
import functools
import re

import ziamath
from markupsafe import Markup, escape

_SIZE = re.compile(r'height="([\d.]+)" viewBox="[-\d.]+ ([-\d.]+) ')


@functools.cache
def latex_to_svg(latex: str, inline: bool = False) -> str:
    return ziamath.Latex(latex, size=15 if inline else 17, inline=inline).svg()


def math_image(latex: str, inline: bool = False) -> Markup:
    """An <img> of the equation, with its LaTeX as alt text; inline ones sit on the baseline."""
    svg = latex_to_svg(latex, inline)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    css_class = "math-inline" if inline else "math-display"
    style = ""
    match = _SIZE.search(svg)
    if inline and match:
        height, top = float(match[1]), float(match[2])
        style = f' style="vertical-align: {-(height + top):.2f}px"'
    return Markup(
        f'<img class="{css_class}" alt="{escape(latex)}"{style} '
        f'src="data:image/svg+xml;base64,{data}">'
    )
