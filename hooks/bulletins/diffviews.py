"""The same data change as Markdown (a merge request's description) and as one HTML page (a review
side by side, readable on a phone). Text from the data is escaped in both."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .semdiff import Change, Section, marked, segments

NONE = "数据没有改动"


def counted(sections: list[Section]) -> str:
    changes = sum(len(s.changes) for s in sections)
    issues = sum(1 for s in sections if not s.folder.startswith("issues/registry"))
    registries = len(sections) - issues
    parts = [f"{issues} 期"] if issues else []
    parts += [f"{registries} 个登记表"] if registries else []
    return f"{'、'.join(parts)}，{changes} 处改动"


def by_who(changes: list[Change]) -> list[tuple[str, list[Change]]]:
    """Changes grouped by district (or registry entry), in order of first appearance; the issue's
    own fields ("" ) first."""
    groups: dict[str, list[Change]] = {}
    for c in changes:
        groups.setdefault(c.who, []).append(c)
    return sorted(groups.items(), key=lambda kv: kv[0] != "")


# --- Markdown ------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~!{}])")


def md(text: str) -> str:
    """Data as Markdown text: HTML escaped, and every character Markdown would read escaped."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def md_marked(old: str, new: str) -> str:
    return marked(old, new, lambda a: f"<del>{md(a)}</del>", lambda b: f"<ins>{md(b)}</ins>", md)


def md_change(c: Change) -> str:
    if c.event:
        return md(c.what)
    if c.old is None:
        return f"{md(c.what)}（新增）：<ins>{md(c.new or '')}</ins>"
    if c.new is None:
        return f"{md(c.what)}（删除）：<del>{md(c.old)}</del>"
    if c.long:
        return f"{md(c.what)}：{md_marked(c.old, c.new)}"
    return f"{md(c.what)}：<del>{md(c.old)}</del> → <ins>{md(c.new)}</ins>"


def markdown(sections: list[Section], title: str) -> str:
    out = [f"## 数据改动：{md(title)}", ""]
    if not sections:
        return "\n".join(out + [NONE + "。", ""])
    out += [f"共 {counted(sections)}。删去的字标为 <del>删去</del>，新增的字标为 <ins>新增</ins>。", ""]
    for s in sections:
        out += [f"### {md(s.title.rstrip('：'))}", ""]
        for who, changes in by_who(s.changes):
            if who:
                out.append(f"- **{md(who)}**")
                out += [f"    - {md_change(c)}" for c in changes]  # four spaces: python-markdown nests too
            else:
                out += [f"- {md_change(c)}" for c in changes]
        out += [""] + [f"> **警告**：{md(w)}\n" for w in s.warnings]
    return "\n".join(out).rstrip("\n") + "\n"


# --- HTML ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    kind: str  # event | added | removed | long | short
    label: str
    old: list[tuple[str, bool]]  # (text, changed)
    new: list[tuple[str, bool]]


def row(c: Change) -> Row:
    if c.event:
        return Row("event", c.what, [], [])
    if c.old is None or c.new is None:
        kind = "added" if c.old is None else "removed"
        return Row(kind, c.what, [(c.old, True)] if c.old else [], [(c.new, True)] if c.new else [])
    old, new = [], []
    for op, a, b in segments(c.old, c.new):
        if a:
            old.append((a, op != "equal"))
        if b:
            new.append((b, op != "equal"))
    return Row("long" if c.long else "short", c.what, old, new)


def html_page(sections: list[Section], title: str) -> str:
    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True,
                      undefined=StrictUndefined, keep_trailing_newline=True)
    groups = [(s, [(who, [row(c) for c in changes]) for who, changes in by_who(s.changes)]) for s in sections]
    return env.get_template("review.html").render(title=title, groups=groups, summary=counted(sections) if sections else NONE)
