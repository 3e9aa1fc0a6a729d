import pytest
from weasyprint.urls import FatalURLFetchingError

from dlrepro.report.maths import math_image
from dlrepro.report.pdf import ProjectOnlyFetcher
from dlrepro.report.render import number


def test_equations_become_svg_images_with_their_latex_as_alt_text():
    html = str(math_image(r"y^* = \frac{1}{n}\sum_i x_i"))
    assert html.startswith('<img class="math-display"')
    assert 'src="data:image/svg+xml;base64,' in html
    assert r'alt="y^* = \frac{1}{n}\sum_i x_i"' in html
    inline = str(math_image("x^2", inline=True))
    assert "vertical-align" in inline


@pytest.mark.parametrize("value,text", [
    (None, "—"), (12020, "12,020"), (0.04526, "0.04526"), (float("nan"), "nan"),
    (2.9747e-05, "2.975×10<sup>-5</sup>"),
])
def test_number_format(value, text):
    assert str(number(value)) == text


def test_fetcher_reads_project_files_and_refuses_everything_else(tmp_path):
    (tmp_path / "inside.css").write_text("p {}")
    fetcher = ProjectOnlyFetcher(tmp_path)
    response = fetcher.fetch((tmp_path / "inside.css").as_uri())
    assert response is not None
    with pytest.raises(FatalURLFetchingError, match="only project files"):
        fetcher.fetch("file:///etc/hostname")
    with pytest.raises(FatalURLFetchingError, match="may not fetch"):
        fetcher.fetch("https://example.org/font.woff")
