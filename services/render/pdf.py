"""HTML to PDF with WeasyPrint, locked down: it may read only the app's own static files."""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


class StaticOnlyFetcher(URLFetcher):
    """Serves files under one folder; refuses every other URL (http, file, data…)."""

    def __init__(self, static_dir: Path):
        super().__init__(allowed_protocols=("file",))
        self.static_dir = static_dir.resolve()
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
        if path is None or parts.netloc or not path.is_relative_to(self.static_dir):
            self.refused.append(url)
            raise ValueError(f"refused to fetch {url!r}: only the app's static files are allowed")
        if not path.is_file():
            self.refused.append(url)
            raise ValueError(f"no such static file: {path.name}")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})


def render_pdf(html: str, static_dir: Path) -> bytes:
    """Render HTML (relative URLs resolve inside `static_dir`) to PDF bytes."""
    fetcher = StaticOnlyFetcher(static_dir)
    base_url = static_dir.resolve().as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()
