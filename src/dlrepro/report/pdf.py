"""HTML to PDF with WeasyPrint, allowed to read nothing outside the project."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import weasyprint
from weasyprint.urls import FatalURLFetchingError, URLFetcher


def html_to_pdf(html: str, root: Path) -> bytes:
    document = weasyprint.HTML(string=html, base_url=str(root),
                               url_fetcher=ProjectOnlyFetcher(root))
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
