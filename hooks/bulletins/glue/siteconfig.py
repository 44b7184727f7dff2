"""mkdocs.yml, as far as the archive reads it: other archives to search, words that reach every
page, and the date pages without one of their own are stamped with. No MkDocs here: a problem is a
ConfigError, which the glue turns into MkDocs' own error."""

from __future__ import annotations

import calendar
import re
from pathlib import Path

from bulletins.data import gitdata


class ConfigError(Exception):
    """mkdocs.yml says something the archive cannot use; the message says what, in Chinese."""


# A path on this server: relative (../xihu/) or absolute (/xihu/), never a scheme (javascript:,
# https:), an authority (//host/) or a backslash (/\\host/ is //host/ to a browser), no spaces or controls.
_SAME_SITE = re.compile(r"^(?!/[/\\])(?![a-zA-Z][a-zA-Z0-9+.-]*:)[A-Za-z0-9._~%!$&'()*+,;=@/-]+$")


# Hosts of a preview address (mkdocs.yml's site_url as `bulletins init` writes it): a site built
# for one points its canonical links, sitemap and feed at the reader's own computer.
PLACEHOLDER_HOSTS = ("127.0.0.1", "localhost", "0.0.0.0", "::1")


def search_also(value) -> tuple[tuple[str, str], ...]:
    """mkdocs.yml `extra.search_also`: other archives searched from this one's pages, each
    {name: 西湖区专报, url: ../xihu/} (an address of its built site, relative to this one's)."""
    if value is None:
        return ()
    ok = isinstance(value, list) and all(
        isinstance(v, dict) and set(v) == {"name", "url"} and all(isinstance(x, str) and x.strip() for x in v.values())
        for v in value)
    if not ok:
        raise ConfigError("mkdocs.yml: extra.search_also 应是一个列表，每项写 name（归档名称）和 url（它的站点地址，"
                          "如 ../xihu/），例如：\n  search_also:\n    - name: 西湖区专报\n      url: ../xihu/")
    for v in value:
        if not _SAME_SITE.match(v["url"].strip()):
            raise ConfigError(f"mkdocs.yml: extra.search_also 的地址“{v['url']}”不是本服务器上的路径 — 只能写相对地址"
                              "（如 ../xihu/）或以 / 开头的路径（如 /xihu/）：另一个站点的搜索脚本会在本归档的页面中运行")
    return tuple((v["name"].strip(), v["url"].strip()) for v in value)


def check_text(config) -> None:
    """mkdocs.yml's words reach every page and the feed: no control or invisible characters."""
    from bulletins.data.yamlio import control_character

    values = [("site_name", config.site_name)] + [(f"extra.{k}", v) for k, v in (config.extra or {}).items()]
    for key, value in values:
        found = control_character(value) if isinstance(value, str) else None
        if found:
            raise ConfigError(f"mkdocs.yml: {key} 中有不可见的控制字符 {found[2]} — 请删去它（可能写成了转义，如 \\x01）")


def source_date(root: Path, latest_date, drafts: tuple[str, ...] = ()) -> int:
    """The date MkDocs stamps on pages without one of their own: the last commit, or outside git
    (a `git archive` copy) the newest issue's date, never 1970 and never the clock. Commits that
    touched only the drafts (issue ids) publish nothing and do not count."""
    when = gitdata.last_commit_time(root, tuple(f"issues/{d}" for d in drafts))
    if when is not None:
        return when
    return calendar.timegm(latest_date.timetuple()) if latest_date else 0
