"""A data change in words: what a reviewer needs instead of forty lines of YAML.

Compares two snapshots of issues/ (path → text) at the data level, so a layout-only change
reports nothing. Both sides are read as `facts.Fact`s, the same facts `git diff` shows through
textconv; the result is a list of `Section`s that `diffviews` renders as text, Markdown or HTML.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from bulletins.data import yamlio
from bulletins.data.yamlio import as_plain
from . import facts
from .facts import Fact, words

NOTE_PREFIX = facts.NOTE
COMMENTS_ONLY = "只改了注释"


@dataclass(frozen=True)
class Change:
    """One fact that changed. `old`/`new` None: the fact was added/removed. `event`: a sentence."""
    who: str
    what: str
    old: str | None = None
    new: str | None = None
    long: bool = False
    event: bool = False


@dataclass
class Section:
    """The changes of one issue, or of one registry file."""
    folder: str
    title: str
    changes: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def parse(text: str | None) -> Any:
    if text is None:
        return None
    data, _ = yamlio.parse_text(text, "")
    return as_plain(data)


def segments(old: str, new: str) -> list[tuple[str, str, str]]:
    """(op, old piece, new piece) with op 'equal', 'delete', 'insert' or 'replace'."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [(op, old[a1:a2], new[b1:b2]) for op, a1, a2, b1, b2 in matcher.get_opcodes()]


def trimmed(segs: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Long unchanged runs cut to a little context, so a one-character change reads as one."""
    out = []
    for n, (op, a, b) in enumerate(segs):
        if op == "equal" and len(a) > 12:
            a = f"…{a[-8:]}" if n == 0 else a[:8] + "…" if n == len(segs) - 1 else f"{a[:6]}…{a[-6:]}"
            b = a
        out.append((op, a, b))
    return out


def marked(old: str, new: str, deleted: Callable[[str], str], inserted: Callable[[str], str],
           plain: Callable[[str], str] = str) -> str:
    """Only the changed characters, each run marked, with a little context (for text and Markdown)."""
    out = []
    for op, a, b in trimmed(segments(old, new)):
        if op == "equal":
            out.append(plain(a))
            continue
        if a:
            out.append(deleted(a))
        if b:
            out.append(inserted(b))
    return "".join(out)


def char_diff(old: str, new: str) -> str:
    """'…母[-婴-]{+哺乳+}室…': only the changed characters, with a little context."""
    text = marked(old, new, lambda a: f"[-{a}-]", lambda b: f"{{+{b}+}}")
    return text if len(text) < 400 else text[:400] + "…"


def compare(old: list[Fact], new: list[Fact]) -> list[Change]:
    """Facts matched by key: changed, added, removed; in the order the file has them."""
    before, after = {f.key: f for f in old}, {f.key: f for f in new}
    out = []
    for key in list(before) + [k for k in after if k not in before]:
        a, b = before.get(key), after.get(key)
        if a and b and a.value == b.value:
            continue
        f = b or a
        out.append(Change(f.who, f.what, a.value if a else None, b.value if b else None, long=f.long))
    return out


def _finding_texts(findings: list) -> list[str]:
    return [f.get("text", "") if isinstance(f, dict) else str(f) for f in findings]


def _findings(name: str, old: list, new: list) -> list[Change]:
    out = []
    old_t, new_t = _finding_texts(old), _finding_texts(new)
    pairs, deleted, inserted = [], [], []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old_t, new_t, autojunk=False).get_opcodes():
        if op == "equal" or (op == "replace" and a2 - a1 == b2 - b1):
            pairs += list(zip(range(a1, a2), range(b1, b2)))
        else:
            deleted += range(a1, a2)
            inserted += range(b1, b2)
    for i in deleted:  # a finding that left one place and arrived at another has moved
        j = next((j for j in inserted if new_t[j] == old_t[i]), None)
        if j is None:
            out.append(Change(name, f"删除第 {i + 1} 条：{old_t[i][:40]}", event=True))
        else:
            inserted.remove(j)
            pairs.append((i, j))
            out.append(Change(name, f"第 {i + 1} 条移到第 {j + 1} 条", event=True))
    out += [Change(name, f"新增第 {j + 1} 条：{new_t[j][:40]}", event=True) for j in inserted]
    for i, j in pairs:
        # both sides numbered as the new page numbers them, so only real changes differ
        out += compare(facts.finding_facts(name, j + 1, old[i]), facts.finding_facts(name, j + 1, new[j]))
    return out


def district_changes(old: dict, new: dict) -> list[Change]:
    name = words(new.get("district") or old.get("district") or "?")

    def head(data: dict) -> list[Fact]:
        return facts.district_facts({k: v for k, v in data.items() if k != "findings"})
    plain = [c if c.what != "区县" else Change("", "区县名称", c.old, c.new) for c in compare(head(old), head(new))]
    return plain + _findings(name, old.get("findings") or [], new.get("findings") or [])


def sections_changes(old: dict, new: dict) -> list[Change]:
    """sections.yaml: parts matched in order, each part's findings as a district's are."""
    before, after = old.get("sections") or [], new.get("sections") or []
    out = []
    for s in range(max(len(before), len(after))):
        a = before[s] if s < len(before) else None
        b = after[s] if s < len(after) else None
        name = facts.section_name(s + 1)
        if a is None or b is None:
            title = words((b if a is None else a).get("title") if isinstance(b if a is None else a, dict) else "")
            out.append(Change(name, f"{'新增' if a is None else '删除'}这一部分：{title}", event=True))
            continue
        out += compare(facts.section_head(s + 1, a), facts.section_head(s + 1, b))
        listed = lambda x: (x.get("findings") or []) if isinstance(x, dict) else []  # noqa: E731
        out += _findings(name, listed(a), listed(b))
    return out


def issue_changes(old: dict, new: dict) -> list[Change]:
    return compare(facts.issue_facts(old), facts.issue_facts(new))


def registry_changes(old: dict, new: dict) -> list[Change]:
    """Entries matched by slug, then by name, then in order within their list (a renamed entry
    without a slug); what is left was added or removed, each in one line."""
    before = {ident: (head, fs) for ident, head, fs in facts.registry_blocks(old or {})}
    after = {ident: (head, fs) for ident, head, fs in facts.registry_blocks(new or {})}
    match = {i: i for i in before if i in after}
    heads = {head: i for i, (head, _) in after.items() if i not in match.values()}
    match |= {i: heads.pop(h) for i, (h, _) in before.items() if i not in match and h in heads}
    for kind in {i[0] for i in before}:
        left = [i for i in before if i[0] == kind and i not in match]
        free = [i for i in after if i[0] == kind and i not in match.values()]
        match |= dict(zip(left, free))
    out = []
    for ident, (head, fs) in before.items():
        if ident not in match:
            out.append(Change(head, "删除：" + "；".join(f"{f.what} {f.value}" for f in fs), event=True))
    for ident, (head, fs) in after.items():
        if ident not in match.values():
            out.append(Change(head, "新增：" + "；".join(f"{f.what} {f.value}" for f in fs), event=True))
    for a, b in match.items():  # by field alone: a changed slug is one changed field, not a new entry
        out += compare([Fact(f.key[-1:], f.who, f.what, f.value, f.long) for f in before[a][1]],
                       [Fact(f.key[-1:], f.who, f.what, f.value, f.long) for f in after[b][1]])
    return out


def _notes(data: dict) -> list[tuple[str, str]]:
    return [(str(c.get("date")), str(c.get("note", "")).strip())
            for c in data.get("corrections") or [] if isinstance(c, dict)]


_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"\\]|\\.)*\"")
_COMMENT = re.compile(r"(?:^|\s)#(.*)$")


def comments(text: str | None) -> list[str]:
    """The comments of a YAML file, in order (quoted text set aside: a # in a quote is text)."""
    out = []
    for line in (text or "").split("\n"):
        m = _COMMENT.search(_QUOTED.sub(lambda q: "_" * len(q.group()), line))
        if m:
            out.append(m.group(1).strip())
    return out


def _summary(districts: list[tuple[str, dict]]) -> list[Change]:
    """A whole issue in a few lines: each district (path, data) with its number of findings and its figures."""
    out = []
    for p, data in districts:
        findings = len(data.get("findings") or [])
        figures = "、".join(f"{k} {words(v)}" for k, v in (data.get("metrics") or {}).items())
        out.append(Change("", f"{words(data.get('district', p))}：{findings} 条问题" + (f"；{figures}" if figures else "")
                          + ("；概述：" + words(data["summary"])[:30] if data.get("summary") else ""), event=True))
    return out


def _comments_only(path: str, old_text: str | None, new_text: str | None) -> list[Change]:
    """Data the same on both sides: a change of comments is still named."""
    if comments(old_text) == comments(new_text):
        return []
    return [Change("", f"{COMMENTS_ONLY}：{path.split('/')[-1]}（数据没有改动）", event=True)]


def _published_without_note(old_header: Any, new_header: Any, changes: list[Change]) -> bool:
    """Data of an issue that was already published changed, and no correction note came with it."""
    if not isinstance(old_header, dict) or old_header.get("draft") or not isinstance(new_header, dict):
        return False
    if new_header.get("draft"):
        return False
    data_changed = any(c.what != NOTE_PREFIX and not c.what.startswith(COMMENTS_ONLY) for c in changes)
    new_note = any(n not in _notes(old_header) for n in _notes(new_header))
    return data_changed and not new_note


def sections(old_files: dict[str, str], new_files: dict[str, str]) -> list[Section]:
    """Every change, grouped by issue (and registry file); empty when the data is the same."""
    out: list[Section] = []
    paths = sorted(set(old_files) | set(new_files))
    folders = sorted({p.split("/")[1] for p in paths if p.count("/") == 2})
    for folder in folders:
        mine = [p for p in paths if p.split("/")[1] == folder]
        if folder == "registry":
            for p in mine:
                a, b = parse(old_files.get(p)), parse(new_files.get(p))
                changes = (registry_changes(a if isinstance(a, dict) else {}, b if isinstance(b, dict) else {}) if a != b
                           else _comments_only(p, old_files.get(p), new_files.get(p)))
                if changes:
                    out.append(Section(p, f"登记表 {p.split('/')[-1]}：", changes))
            continue
        old_has = any(p in old_files for p in mine)
        new_has = any(p in new_files for p in mine)
        if not old_has or not new_has:
            files = new_files if not old_has else old_files
            present = [p for p in mine if p in files]
            districts = [(p, d) for p in present if not p.endswith("/issue.yaml") and isinstance(d := parse(files[p]), dict)]
            n = sum(len(d.get("findings") or []) for _, d in districts)
            what = "新增一期" if not old_has else "删除这一期"
            out.append(Section(folder, f"{folder}：{what}（{len(present) - 1} 个区县，{n} 条问题）", _summary(districts)))
            continue
        changes: list[Change] = []
        header = (None, None)
        for p in mine:
            a, b = parse(old_files.get(p)), parse(new_files.get(p))
            if p.endswith("/issue.yaml"):
                header = (a, b)
            if a == b:
                changes += _comments_only(p, old_files.get(p), new_files.get(p))
            elif p.endswith("/issue.yaml"):
                changes += issue_changes(a or {}, b or {})
            elif p.endswith("/sections.yaml"):
                changes += sections_changes(a if isinstance(a, dict) else {}, b if isinstance(b, dict) else {})
            elif a is None:
                changes.append(Change("", f"新增区县：{words((b or {}).get('district', p))}", event=True))
            elif b is None:
                changes.append(Change("", f"删除区县：{words((a or {}).get('district', p))}", event=True))
            elif isinstance(a, dict) and isinstance(b, dict):
                changes += district_changes(a, b)
        if changes:
            section = Section(folder, f"{folder}：", changes)
            if _published_without_note(*header, changes):
                section.warnings.append(f"{folder} 已发布，数据有改动，但 issue.yaml 的 corrections 中没有新增更正说明 — "
                                        "请补一条（date: 更正日期，note: 改了什么、为什么），读者会在这一期的页面上看到")
            out.append(section)
    return out


def change_line(c: Change) -> str:
    who = f"{c.who} " if c.who else ""
    if c.event:
        return f"{who}{c.what}"
    if c.old is None:
        return f"{who}{c.what}（新增）：{c.new}"
    if c.new is None:
        return f"{who}{c.what}（删除）：{c.old}"
    if c.long:
        return f"{who}{c.what}改动：{char_diff(c.old, c.new)}"
    return f"{who}{c.what}：{c.old} → {c.new}"


def diff(old_files: dict[str, str], new_files: dict[str, str]) -> list[str]:
    """Lines in Chinese, grouped by issue; empty when the data is the same."""
    lines: list[str] = []
    for s in sections(old_files, new_files):
        lines.append(s.title)
        lines += [f"  {change_line(c)}" for c in s.changes]
        lines += [f"  警告：{w}" for w in s.warnings]
    return lines


def textconv(text: str) -> str:
    """One data fact per line, for `git diff` through a textconv driver."""
    data = parse(text)
    if not isinstance(data, dict):
        return text
    return facts.view(data, comments(text))
