"""A built site checked on disk before it is published: every link, stylesheet, script, image and
#anchor of every page leads to something in the site, and nothing loads from another host.

Pages are our own generated HTML (attributes always double-quoted), so tags are read with regular
expressions: the 1,500 pages of ten years in a few seconds.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

_TAG = re.compile(r"<(a|link|script|img|source|iframe|form)\b([^>]*)>", re.I)
_ATTR = re.compile(r'\s([a-zA-Z:-]+)="([^"]*)"')
_ID = re.compile(r'\s(?:id|name)="([^"]+)"')
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")
_REF = {"a": "href", "link": "href", "script": "src", "img": "src", "source": "src", "iframe": "src", "form": "action"}
SITE = "http://site.invalid/"  # pages are resolved as if the site were here


@dataclass
class Report:
    pages: int = 0
    links: int = 0
    problems: list[str] = field(default_factory=list)


def _url_of(site: Path, path: Path) -> str:
    rel = path.relative_to(site).as_posix()
    return SITE + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def _file_of(site: Path, url: str) -> Path | None:
    """The file a URL inside the site names (a folder: its index.html), or None."""
    rel = unquote(urlparse(url).path)[len(urlparse(SITE).path):]
    path = site / rel
    if rel == "" or rel.endswith("/"):
        path = path / "index.html"
    try:
        return path if path.is_file() and path.resolve().is_relative_to(site.resolve()) else None
    except OSError:
        return None


def check(site: Path, site_url: str = "") -> Report:
    """Every page and stylesheet of `site`; `site_url` is where it will be published (absolute links
    to it, such as the canonical link and the feed, are the site's own)."""
    report = Report()
    found_files: dict[str, Path | None] = {}

    def file_of(url: str) -> Path | None:
        if url not in found_files:
            found_files[url] = _file_of(site, url)
        return found_files[url]

    ids: dict[Path, set[str]] = {}
    wanted: list[tuple[str, Path, str]] = []  # (page, target file, fragment)
    own = urlparse(site_url) if site_url else None
    pages = sorted(site.rglob("*.html"))
    for page in pages:
        text = page.read_text(encoding="utf-8", errors="replace")
        here = _url_of(site, page)
        ids[page] = set(_ID.findall(text))
        report.pages += 1
        for tag, attrs in _TAG.findall(text):
            found = dict(_ATTR.findall(attrs))
            ref = found.get(_REF[tag.lower()])
            if ref is None or ref == "":
                continue
            ref = html.unescape(ref)
            report.links += 1
            where = page.relative_to(site).as_posix()
            parts = urlparse(ref)
            if parts.scheme in ("mailto", "tel", "data"):
                continue
            if not parts.scheme and not parts.netloc and ref.startswith("/"):  # from the server's root
                if own and parts.path.startswith(own.path):
                    ref = urljoin(SITE, ref[len(own.path):])
                else:
                    report.problems.append(f"{where}：{tag} {ref} 在站点的路径（{own.path if own else '/'}）之外")
                    continue
            elif parts.scheme or parts.netloc:
                if own and parts.netloc == own.netloc and parts.path.startswith(own.path):
                    ref = urljoin(SITE, parts.path[len(own.path):]) + (f"#{parts.fragment}" if parts.fragment else "")
                else:
                    report.problems.append(f"{where}：{tag} 指向站点以外的地址 {ref} — 内网站点只能引用自己的文件")
                    continue
            target_url = urljoin(here, ref)
            if not target_url.startswith(SITE):
                report.problems.append(f"{where}：{tag} {ref} 指向站点所在文件夹之外")
                continue
            target = file_of(target_url.split("#", 1)[0])
            if target is None:
                report.problems.append(f"{where}：{tag} {ref} 指向不存在的文件")
            elif "#" in target_url and target.suffix == ".html":
                wanted.append((where, target, unquote(target_url.split("#", 1)[1])))
    for css in sorted(site.rglob("*.css")):
        for ref in _CSS_URL.findall(css.read_text(encoding="utf-8", errors="replace")):
            if ref.startswith(("data:", "#")):
                continue
            report.links += 1
            target = file_of(urljoin(_url_of(site, css), ref).split("#", 1)[0].split("?", 1)[0])
            if target is None:
                report.problems.append(f"{css.relative_to(site).as_posix()}：url({ref}) 指向不存在的文件")
    for where, target, fragment in wanted:
        if fragment and fragment not in ids.get(target, set()):
            report.problems.append(f"{where}：#{fragment} 不在 {target.relative_to(site).as_posix()} 中")
    return report
