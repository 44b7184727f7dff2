"""Every page's URL in one place; links between pages are always relative, so any subpath works."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

HOME = ""
ARCHIVE = "archive/"
DISTRICTS = "districts/"
TYPES = "types/"
DEPARTMENTS = "departments/"
SEARCH = "search/"
CORRECTIONS = "corrections/"
PENDING = "pending/"
NAV_PAGES = (ARCHIVE, DISTRICTS, TYPES, DEPARTMENTS, PENDING, CORRECTIONS, SEARCH)  # generated, in the nav


def issue(issue_id: str) -> str:
    return f"issues/{issue_id}/"


def finding(issue_id: str, anchor: str) -> str:
    return f"issues/{issue_id}/#{anchor}"


def district(slug: str) -> str:
    return f"districts/{slug}/"


def problem_type(slug: str) -> str:
    return f"types/{slug}/"


def department(slug: str) -> str:
    return f"departments/{slug}/"


def pending(slug: str) -> str:
    """All open promises of one district (待跟进)."""
    return f"{PENDING}{slug}/"


def year(value: int) -> str:
    return f"archive/{value}/"


def review(value: int) -> str:
    """A year in review (年度回顾): the figures of an office's annual summary."""
    return f"years/{value}/"


def in_year(page_url: str, value: int) -> str:
    """One year of a type's, department's or district's findings: types/zizhu-shebei/2019/."""
    return f"{page_url}{value}/"


def search(filters: dict[str, object]) -> str:
    """The search page showing exactly the findings of these filters (区县=…, 问题类型=…), newest first.
    Letters beyond ASCII stay as they are (an IRI: the browser encodes them as it follows the link),
    a third of the bytes of %E5%8C%BA…: a heat map holds hundreds of these links."""
    pairs = "&".join(f"{_iri(k)}={_iri(str(v))}" for k, v in filters.items())
    return f"{SEARCH}?{pairs}"


def _iri(text: str) -> str:
    return "".join(c if ord(c) > 0x7F and c.isprintable() and not c.isspace() else quote(c, safe="")
                   for c in text)


def src_of(url: str) -> str:
    """The Markdown source path MkDocs needs for a directory URL."""
    return f"{url}index.md"


def relative(from_url: str, to_url: str) -> str:
    """Link from one page's URL to another URL (with an optional #fragment)."""
    target, _, fragment = to_url.partition("#")
    path = _relative_path(from_url, target)
    return path + (f"#{fragment}" if fragment else "")


@lru_cache(maxsize=1 << 16)
def _relative_path(from_url: str, target: str) -> str:
    """Pages link to each other ~250,000 times at 520 issues: plain list work, cached, not relpath."""
    here = [p for p in from_url.split("/")[:-1] if p]  # the page's folder
    there = target.split("/")  # the last item is a file name, or "" for a folder
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return ("../" * (len(here) - common) + "/".join(there[common:])) or "./"
