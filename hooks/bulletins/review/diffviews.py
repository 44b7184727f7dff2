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
# What would make data act in a merge request's note: a line of its own (GitLab runs `/merge` at
# a line's start as a quick action), a mention (@all), a link (http://…, www.…, mail@host) or a
# reference (#12, !3, ~label, %milestone, $snippet, &epic). Shown in look-alike full-width forms.
_LINE_BREAK = re.compile(r"\r\n|[\r\n\v\f\x85\u2028\u2029]")
NOTE_LIMIT = 900_000  # characters: GitLab refuses a note of more than 1,000,000


def _full_width(m: re.Match) -> str:
    return chr(ord(m.group(1)) + 0xFEE0)


_ACTS = [(re.compile(r"@"), "＠"), (re.compile(r"(?i)(?<=[a-z0-9])(:)(?=//)"), "："),
         (re.compile(r"(?i)\b(www)(\.)"), r"\1．"), (re.compile(r"([#!~%$&^])(?=[A-Za-z0-9_\"'])"), _full_width)]


def inert(text: str) -> str:
    """Data that can start no line, mention nobody and link nowhere in a GitLab or Gitea note."""
    text = _LINE_BREAK.sub(" ↵ ", text)
    for pattern, repl in _ACTS:
        text = pattern.sub(repl, text)
    return text


def md(text: str) -> str:
    """Data as Markdown text: inert (see `inert`), HTML escaped, and every character Markdown
    would read escaped."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(inert(text), quote=False))


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


def markdown(sections: list[Section], title: str, limit: int | None = None) -> str:
    """The change as a merge request's note. With `limit` (characters), a change too long for a
    note becomes a summary that points to the whole review kept with the job (review.md, .html)."""
    full = _markdown(sections, title)
    if limit is None or len(full) <= limit:
        return full
    out = [f"## 数据改动：{md(title)}", "", f"共 {counted(sections)}，太长，不能全部写进评论（{len(full):,} 字）。"
           "完整的审阅在这次作业的附件 review.md 和 review.html 中。", ""]
    for s in sections:
        line = f"- {md(s.title.rstrip('：'))}：{len(s.changes)} 处改动" + (f"，{len(s.warnings)} 个警告" if s.warnings else "")
        if sum(map(len, out)) + len(line) > limit - 200:
            out.append(f"- ……另有 {len(sections) - sections.index(s)} 期或登记表，见附件")
            break
        out.append(line)
    return "\n".join(out) + "\n"


def _markdown(sections: list[Section], title: str) -> str:
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
