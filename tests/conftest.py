"""Scratch archives built from the real project files, and helpers to run the CLI and MkDocs."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "issues" / "2018-033"
SAMPLE_TXT = REPO.parent / "shared" / "samples" / "2018-033.txt"
FIXTURES = Path(__file__).parent / "fixtures"
BIN = Path(sys.executable).parent


def make_archive(dest: Path, with_sample: bool = True) -> Path:
    for name in ("mkdocs.yml",):
        shutil.copy(REPO / name, dest / name)
    for name in ("docs", "theme_overrides", "hooks"):
        shutil.copytree(REPO / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    (dest / "issues").mkdir()
    shutil.copytree(REPO / "issues" / "registry", dest / "issues" / "registry")
    if with_sample:
        shutil.copytree(SAMPLE, dest / "issues" / "2018-033")
    return dest


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return make_archive(tmp_path)


@pytest.fixture
def empty_archive(tmp_path: Path) -> Path:
    return make_archive(tmp_path, with_sample=False)


def cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the installed `bulletins` command in `root`, as an editor would."""
    return subprocess.run([str(BIN / "bulletins"), *args], cwd=root, capture_output=True,
                          text=True, timeout=120)


def mkdocs_build(root: Path, *extra: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run([str(BIN / "mkdocs"), "build", "--strict", *extra], cwd=root,
                          capture_output=True, text=True, timeout=600, env=env)


def built(root: Path) -> Path:
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stderr[-3000:]
    return root / "site"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    root = make_archive(tmp_path_factory.mktemp("sample"))
    return built(root)


@pytest.fixture(scope="session")
def synth_site(tmp_path_factory) -> Path:
    root = make_archive(tmp_path_factory.mktemp("synth"))
    result = cli(root, "synth", "--issues", "40", "--seed", "7")
    assert result.returncode == 0, result.stderr
    return built(root)


class _Server(ThreadingHTTPServer):
    request_queue_size = 128
    daemon_threads = True


class _Quiet(SimpleHTTPRequestHandler):
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
def serve(site: Path, prefix: str = "/"):
    """The built site over HTTP on 127.0.0.1 (a free port); yields the site's URL."""
    handler = type("Handler", (_Quiet,), {"prefix": prefix})
    server = _Server(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def sample_url(sample_site):
    with serve(sample_site) as url:
        yield url


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                     args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh tab that fails the test on any script error."""
    context = browser.new_context(locale="zh-CN")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.errors = errors
    yield tab
    context.close()
    assert not errors, errors


NODE_SEARCH = Path(__file__).parent / "js" / "search.mjs"


def node_search(site: Path, base: str, queries: list[dict]) -> list[list[dict]]:
    """Runs the site's own search/search.js under Node against the served site."""
    job = {"module": str(site / "search" / "search.js"), "base": base, "queries": queries}
    done = subprocess.run(["node", str(NODE_SEARCH)], input=json.dumps(job), capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


__all__ = ["cli", "mkdocs_build", "built", "soup", "make_archive", "CliRunner", "serve",
           "node_search"]
