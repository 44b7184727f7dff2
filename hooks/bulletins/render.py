"""Page bodies from jinja2 templates in theme_overrides/zb/, autoescaped: bulletin text is data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context

from . import urls
from .textutil import circled


def _date_cn(day: dt.date | None) -> str:
    return f"{day.year} 年 {day.month} 月 {day.day} 日" if day else ""


@pass_context
def _rel(ctx: Any, target: str) -> str:
    return urls.relative(ctx["page_url"], target)


def _num(value: float | int) -> str:
    if isinstance(value, float) and value != int(value):
        return f"{value:g}"
    return f"{int(value):,}"


def environment(root: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(root / "theme_overrides" / "zb")),
        autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=False)
    env.filters.update(rel=_rel, date_cn=_date_cn, circled=circled, num=_num)
    env.globals["urls"] = urls
    return env


def render(env: Environment, template: str, page_url: str, context: dict) -> str:
    return env.get_template(template).render(page_url=page_url, **context)
