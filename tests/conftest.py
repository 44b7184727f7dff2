"""Scratch archives built from the real project files, and helpers to run the CLI and MkDocs."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from zbtools import localweb
from zbtools.localweb import serve

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "issues" / "2018-033"
SAMPLE_TXT = Path(__file__).parent / "fixtures" / "2018-033.txt"  # a copy: the repo stands alone
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


@pytest.fixture(scope="session")
def sample_url(sample_site):
    with serve(sample_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=localweb.chromium() or "/usr/bin/chromium",
                                     args=localweb.CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh tab that fails the test on any script error."""
    context = browser.new_context(locale="zh-CN", bypass_csp=True)  # Playwright evaluates strings; test_publish checks the policy
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


# --- the fast layer: `bash scripts/test --fast` runs what needs no synthetic archive and no browser ---

# Fixtures that build a synthetic archive (slow) or drive Chromium (browser); pytest knows every
# fixture a test uses, directly or through others, so marking follows from them. A test that builds
# without such a fixture (it runs `bulletins build` or `synth` itself) says so with its own marker.
SLOW_FIXTURES = {"synth_site", "ten_years", "big_archive", "look_site", "years_archive", "two_archives",
                 "archive_with_a_missing_neighbour"}
BROWSER_FIXTURES = {"page", "browser"}
# Tests that build a whole site (the sample's): seconds each, and each build already uses both cores.
SITE_FIXTURES = {"sample_site", "sample_url", "built_sample", "subpath_site", "look_url", "published"}


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        if item.get_closest_marker("fast"):  # kept in the fast layer on purpose
            continue
        names = set(getattr(item, "fixturenames", ()))
        if names & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        if names & SLOW_FIXTURES:
            item.add_marker(pytest.mark.slow)
        if names & SITE_FIXTURES:
            item.add_marker(pytest.mark.site)


def edit(root: Path, rel: str, old: str, new: str, count: int = 1) -> None:
    """Replaces `old` (which must be there) in a file of a scratch archive, as an editor would;
    count -1 replaces every occurrence."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def git(root: Path, *args: str) -> str:
    """git in a scratch archive, with a fixed author and date (builds stay reproducible)."""
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@t", GIT_AUTHOR_DATE="2018-09-22T10:00:00+08:00",
               GIT_COMMITTER_DATE="2018-09-22T10:00:00+08:00")
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, env=env, check=True).stdout


def until(check, timeout: float = 120) -> bool:
    """Polls `check()` until it is truthy (a server up, a rebuild done); False after `timeout`."""
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.5)
    return False


def fetch(url: str) -> tuple[int, str]:
    """(HTTP status, body) of a page; (0, "") while nothing answers."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")
    except OSError:
        return 0, ""


@contextlib.contextmanager
def serving(root: Path, log: Path, program: str = "bulletins"):
    """`bulletins serve` (or `mkdocs serve`) in `root` on a free port of 127.0.0.1, its output in
    `log`; yields its URL, and stops it however the test ends."""
    port = localweb.free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1") if program == "mkdocs" else None  # bulletins silences it itself
    with log.open("w") as out:
        proc = subprocess.Popen([str(BIN / program), "serve", "-a", f"127.0.0.1:{port}"], cwd=root,
                                stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture
def repo(archive: Path) -> Path:
    """The sample committed in a scratch git repository, with the textconv attribute set."""
    (archive / ".gitattributes").write_text("issues/**/*.yaml diff=bulletins\n", encoding="utf-8")
    git(archive, "init", "-q")
    git(archive, "add", "-A")
    git(archive, "commit", "-qm", "第 33 期")
    return archive


# The sample bulletin: its districts in printed order and the findings of each.
COUNTS = [1, 1, 3, 3, 3, 2, 4, 3, 7, 6, 2, 3, 2, 1, 1, 2]
ORDER = ["shangcheng", "xiacheng", "jianggan", "gongshu", "xihu", "binjiang", "xiaoshan", "yuhang",
         "fuyang", "linan", "tonglu", "chunan", "jiande", "jingkai", "dajiangdong", "xihu-fengjingqu"]


__all__ = ["cli", "mkdocs_build", "built", "soup", "make_archive", "CliRunner", "serve",
           "node_search", "edit", "git", "until", "repo", "COUNTS", "ORDER", "fetch", "serving"]
