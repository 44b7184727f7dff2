"""mkdocs.yml, as far as the archive reads it: its settings under `extra:` (typed and checked by
MkDocs' own config options, read once per build, a problem named with its line in mkdocs.yml),
and the date pages without one of their own are stamped with."""

from __future__ import annotations

import calendar
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError

from bulletins.data import gitdata, yamlio


class ConfigError(Exception):
    """mkdocs.yml says something the archive cannot use; the message says where and what, in Chinese."""


# A path on this server: relative (../xihu/) or absolute (/xihu/), never a scheme (javascript:,
# https:), an authority (//host/) or a backslash (/\\host/ is //host/ to a browser), no spaces or controls.
_SAME_SITE = re.compile(r"^(?!/[/\\])(?![a-zA-Z][a-zA-Z0-9+.-]*:)[A-Za-z0-9._~%!$&'()*+,;=@/-]+$")

# Hosts of a preview address (mkdocs.yml's site_url as `bulletins init` writes it): a site built
# for one points its canonical links, sitemap and feed at the reader's own computer.
PLACEHOLDER_HOSTS = ("127.0.0.1", "localhost", "0.0.0.0", "::1")


class Invalid(ValidationError):
    """A setting's problem, with where inside the setting it is (an item of a list)."""

    def __init__(self, message: str, inside: tuple = ()) -> None:
        super().__init__(message)
        self.inside = inside


class Text(c.BaseConfigOption[str]):
    """Words that reach every page and the feed: text, with no control or invisible characters."""

    def run_validation(self, value: object) -> str:
        if not isinstance(value, str):
            raise Invalid(f"应为文字，这里是{_kind(value)} — 请写成一句文字")
        found = yamlio.control_character(value)
        if found:
            raise Invalid(f"中有不可见的控制字符 {found[2]} — 请删去它（可能写成了转义，如 \\x01）")
        return value


SEARCH_ALSO_EXAMPLE = "例如：\n  search_also:\n    - name: 西湖区专报\n      url: ../xihu/"


class SearchAlso(c.BaseConfigOption[tuple]):
    """Other archives searched from this one's pages, each {name: 西湖区专报, url: ../xihu/} (an
    address of its built site on this server, relative to this one's)."""

    def __init__(self) -> None:
        super().__init__()
        self.default = []

    def run_validation(self, value: object) -> tuple[tuple[str, str], ...]:
        if not isinstance(value, list):
            raise Invalid(f"应是一个列表，每项写 name（归档名称）和 url（它的站点地址，如 ../xihu/），{SEARCH_ALSO_EXAMPLE}")
        out = []
        for n, item in enumerate(value):
            if not isinstance(item, dict) or set(item) != {"name", "url"}:
                raise Invalid(f"的第 {n + 1} 项应写 name 和 url 两项，不多不少 — {SEARCH_ALSO_EXAMPLE}", (n,))
            for key in ("name", "url"):
                if not isinstance(item[key], str) or not item[key].strip():
                    raise Invalid(f"的第 {n + 1} 项的 {key} 应为不空的文字 — {SEARCH_ALSO_EXAMPLE}", (n, key))
            url = item["url"].strip()
            if not _SAME_SITE.match(url):
                raise Invalid(f"的第 {n + 1} 项的地址“{item['url']}”不是本服务器上的路径 — 只能写相对地址（如 ../xihu/）"
                              "或以 / 开头的路径（如 /xihu/）：另一个站点的搜索脚本会在本归档的页面中运行", (n, "url"))
            out.append((item["name"].strip(), url))
        return tuple(out)


class ArchiveOptions(base.Config):
    """The archive's own settings under mkdocs.yml's `extra:` (Material's own, there too, are its)."""
    publisher = c.Optional(Text())  # the footer and the guide: who publishes the bulletins
    licence = c.Optional(Text())  # the footer: what may be done with the data
    search_also = SearchAlso()


OURS = tuple(key for key, _option in ArchiveOptions._schema)


@dataclass(frozen=True)
class Settings:
    """What a build reads from mkdocs.yml, once."""
    publisher: str = ""
    licence: str = ""
    search_also: tuple[tuple[str, str], ...] = ()


def read(config) -> Settings:
    """mkdocs.yml's settings checked by MkDocs' config options; a problem raises ConfigError naming
    mkdocs.yml's line (`mkdocs.yml:34: extra.search_also …`)."""
    path = Path(config.config_file_path)
    extra = dict(config.extra or {})
    _visible(path, ("site_name",), config.site_name or "")
    for key in sorted(extra, key=str):  # Material's settings are its own; a near miss of ours is a typo
        near = difflib.get_close_matches(str(key), list(OURS), n=1, cutoff=0.75)
        if key not in OURS and near:
            raise ConfigError(_where(path, ("extra", key)) + f" extra.{key} 不是本归档的设置 — 是否应为 {near[0]}？")
        if isinstance(extra[key], str) and key not in OURS:  # Material's words reach every page too
            _visible(path, ("extra", key), extra[key])
    options = ArchiveOptions(config_file_path=str(path))
    options.load_dict({k: v for k, v in extra.items() if k in OURS})
    failed, _warnings = options.validate()
    for key, exc in failed:
        inside = getattr(exc, "inside", ())
        raise ConfigError(_where(path, ("extra", key, *inside)) + f" extra.{key} {exc}")
    return Settings(options.publisher or "", options.licence or "", options.search_also)


def _visible(path: Path, keypath: tuple, value: str) -> None:
    """Words outside our options that reach every page, held to the same rule as ours (Text)."""
    try:
        Text().run_validation(value)
    except Invalid as exc:
        raise ConfigError(f"{_where(path, keypath)} {'.'.join(map(str, keypath))} {exc}") from None


def _where(path: Path, keypath: tuple) -> str:
    """mkdocs.yml:LINE: for a key of the file (its line found by the round-trip loader)."""
    try:
        line, _col = yamlio.locate(yamlio.positions(path.read_text(encoding="utf-8")), keypath)
    except OSError:  # unreadable now: the file's name alone
        return f"{path.name}:"
    return f"{path.name}:{line}:"


def _kind(value: object) -> str:
    for py, name in ((bool, "是/否"), (int, "整数"), (float, "数字"), (list, "列表"), (dict, "键值表")):
        if isinstance(value, py):
            return name
    return "空值" if value is None else type(value).__name__


def source_date(root: Path, latest_date, drafts: tuple[str, ...] = ()) -> int:
    """The date MkDocs stamps on pages without one of their own: the last commit, or outside git
    (a `git archive` copy) the newest issue's date, never 1970 and never the clock. Commits that
    touched only the drafts (issue ids) publish nothing and do not count."""
    when = gitdata.last_commit_time(root, tuple(f"issues/{d}" for d in drafts))
    if when is not None:
        return when
    return calendar.timegm(latest_date.timetuple()) if latest_date else 0
