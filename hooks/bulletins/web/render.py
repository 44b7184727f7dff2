"""Page bodies from jinja2 templates in theme_overrides/zb/, autoescaped: bulletin text is data."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from markupsafe import Markup, escape

from bulletins.data.textutil import circled
from bulletins.files import installed
from . import facets, urls


def _date_cn(day: dt.date | None) -> str:
    return f"{day.year} 年 {day.month} 月 {day.day} 日" if day else ""


@pass_context
def _rel(ctx: Any, target: str) -> str:
    return urls.relative(ctx["page_url"], target)


# What must not break across lines in running text: dates, times and quantities with their unit.
_NOBR = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|\d{1,2}\s*月\s*\d{1,2}\s*日|\d{1,2}\s*时\s*\d{1,2}\s*分"
                   r"|\d{1,2}\s*[:：]\s*\d{2}|\d[\d,.]*\s*(?:件|条|个|台|名|人|次|天|小时|分钟|%|％|号|楼|层)")


def nobr(text: str) -> Markup:
    """Text as it is, escaped, with each date, time and quantity in a span that never breaks
    (`2018 年 9 月 21 日`, `15:00`, `15729 件`): done in rendering, the data's text is untouched."""
    out, last = [], 0
    for m in _NOBR.finditer(text):
        if " " not in m.group(0) and len(m.group(0)) < 4:
            continue
        out += [escape(text[last:m.start()]), Markup('<span class="zb-nobr">'), escape(m.group(0)), Markup("</span>")]
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


_SEGMENT_END = re.compile(r"(?<=[”」』）)\s])")


def segments(text: str) -> Markup:
    """A title as unbreakable pieces that may wrap only after a closing quote or bracket:
    “最多跑一次” / 改革专报 on a phone, never 改 / 革."""
    parts = [p for p in _SEGMENT_END.split(text) if p]
    return Markup("<wbr>").join(Markup('<span class="zb-seg">') + escape(p) + Markup("</span>") for p in parts)


_BRACKETED = re.compile(r"[^\s（()）]?[（(][^（）()\n]{1,16}[)）]")  # 县(市): the word with its bracket


def brackets(text: str) -> Markup:
    """Text with each short bracketed part, and the character before it, unbreakable: a title
    wraps where GB/T 9704 would, never inside 县(市) nor between 县 and (市)."""
    out, last = [], 0
    for m in _BRACKETED.finditer(text):
        out += [escape(text[last:m.start()]), Markup('<span class="zb-nobr">'), escape(m.group(0)), Markup("</span>")]
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def _num(value: float | int) -> str:
    printed = getattr(value, "printed", None)
    if printed:  # as the data prints it: 97.30
        whole, _, frac = printed.partition(".")
        return f"{int(whole):,}.{frac}"
    if isinstance(value, float) and value != int(value):
        return f"{value:g}"
    return f"{int(value):,}"


def cn_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一: the （一）（二） of a bulletin's items."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
    return str(n)


def _initials(reading: str) -> str:
    """A district's initials from its toned reading (hǎi shǔ → hs), as the search reads them."""
    return "".join(unicodedata.normalize("NFD", s)[:1] for s in reading.split()).lower()


def environment(root: Path, kept: dict | None = None) -> Environment:
    """The page templates' environment, kept in `kept` (BuildState.environments) for the process:
    Jinja recompiles a template only when its file changes (auto_reload). What a build renders is
    not kept from one to the next: the finding renderer, with its cache, is new for every build."""
    folder = str(installed.templates_dir(root))
    kept = {} if kept is None else kept
    env = kept.get(folder)
    if env is None:
        env = kept[folder] = Environment(
            loader=FileSystemLoader(folder), auto_reload=True,
            autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
            keep_trailing_newline=False)
        env.filters.update(rel=_rel, date_cn=_date_cn, circled=circled, num=_num, nobr=nobr, segments=segments,
                           brackets=brackets, initials=_initials,
                           cn_numeral=cn_numeral)
        env.globals["urls"] = urls
        env.globals["facet"] = facets
    env.globals["entry"], env.globals["entry_chips"] = _entry_renderer(env)
    return env


def _entry_renderer(env: Environment):
    """A finding appears on its district page and on each of its type and department pages.
    Rendered once per page depth, from a stand-in folder of that depth ("_/_/"): its links all
    climb to the site root first ("../../issues/…"), so they resolve from any page that deep.
    Measured at 520 issues: a third of the page-rendering time. Its chips depend on the page (a
    type's page leaves its own out) but only through the finding's types and departments: a few
    hundred combinations, rendered once each."""
    cache: dict[tuple, Markup] = {}
    macros: dict[int, Any] = {}  # page depth → _macros.html as a module, its links from that depth

    def module(depth: int) -> Any:
        if depth not in macros:
            macros[depth] = env.get_template("_macros.html").make_module({"page_url": "_/" * depth})
        return macros[depth]

    @pass_context
    def entry(ctx: Any, e: Any, show_district: bool = True) -> Markup:
        depth = ctx["page_url"].count("/")
        key = (e.issue.id, e.finding.anchor, show_district, depth)
        html = cache.get(key)
        if html is None:
            html = cache[key] = Markup(env.get_template("_entry.html").render(
                page_url="_/" * depth, e=e, show_district=show_district, m=module(depth)))
        return html

    @pass_context
    def entry_chips(ctx: Any, e: Any, own: tuple[str, str] | None = None) -> Markup:
        depth = ctx["page_url"].count("/")
        key = ("chips", e.finding.types, e.finding.departments, tuple(own) if own else None, depth)
        html = cache.get(key)
        if html is None:
            html = cache[key] = Markup(module(depth).chips(e.finding, env.globals["registry"], own))
        return html

    return entry, entry_chips


def render(env: Environment, template: str, page_url: str, context: dict) -> str:
    return env.get_template(template).render(page_url=page_url, **context)
