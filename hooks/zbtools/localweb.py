"""The built site served on 127.0.0.1, and Debian's headless Chromium: for the benchmark and tests.

Served as a static server publishing the site would serve it (nginx with `error_page 404`):
optionally under a subpath, the site's own 404.html for anything missing, no directory listings.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import io
import shutil
import socket
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

# Flags for Chromium on this closed network: without the background-networking ones it keeps
# trying to reach Google's hosts.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium() -> str | None:
    """Debian's chromium, if installed (Playwright drives it; no browser download)."""
    return shutil.which("chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # Pagefind fetches fragments many at a time
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A browser that stops reading (a closed tab, a cancelled fetch) is not an error of ours."""
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


_GZIP = {".html", ".css", ".js", ".mjs", ".json", ".xml", ".svg", ".txt", ".csv"}


class _Handler(SimpleHTTPRequestHandler):
    prefix = "/"

    def log_message(self, *args) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Like nginx's error_page 404: the site's own 404.html, with status 404."""
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_head(self):
        """Text gzipped for a client that accepts it, as the intranet's nginx does (deploy/): what a
        browser measures here (Lighthouse, transfer sizes) is what readers get."""
        path = Path(self.translate_path(self.path.split("?", 1)[0]))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not accepts or path.suffix not in _GZIP or not path.is_file():
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def list_directory(self, path):
        """No directory listings (a static server publishing a site gives none): a missing page is 404."""
        self.send_error(404)
        return None

    def translate_path(self, path: str) -> str:
        """Serve the site under `prefix` only, as nginx would under a subpath; 404 elsewhere."""
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_the_prefix__")
        return super().translate_path("/" + path[len(self.prefix):])


@contextlib.contextmanager
def serve(site: Path, prefix: str = "/") -> Iterator[str]:
    """The built site over HTTP on 127.0.0.1 (a free port); yields the site's URL."""
    handler = type("Handler", (_Handler,), {"prefix": prefix})
    server = _Server(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
