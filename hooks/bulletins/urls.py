"""Every page's URL in one place; links between pages are always relative, so any subpath works."""

from __future__ import annotations

import posixpath

HOME = ""
ARCHIVE = "archive/"
DISTRICTS = "districts/"
TYPES = "types/"
DEPARTMENTS = "departments/"
SEARCH = "search/"
CORRECTIONS = "corrections/"


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


def year(value: int) -> str:
    return f"archive/{value}/"


def src_of(url: str) -> str:
    """The Markdown source path MkDocs needs for a directory URL."""
    return f"{url}index.md"


def relative(from_url: str, to_url: str) -> str:
    """Link from one page's URL to another URL (with an optional #fragment)."""
    target, _, fragment = to_url.partition("#")
    base = posixpath.dirname(from_url.rstrip("/") + "/x") if from_url else "."
    path = posixpath.relpath(target or ".", base or ".")
    if target.endswith("/") or not target:
        path = "./" if path == "." else path + "/"
    return path + (f"#{fragment}" if fragment else "")
