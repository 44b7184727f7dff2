"""A data file as facts in words, one per line: what `git diff` (textconv) and `bulletins diff` compare.

Every kind of file (issue.yaml, a district, each registry) becomes `Fact`s with a stable key, a
label a reviewer reads and a value in words: no Python notation (`datetime.date(…)`, `{'`, `['`)
ever reaches a reviewer. A key unknown here is still shown, under its own name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterator

from bulletins.data import fields
from bulletins.data.textutil import circled

# Labels as the review says them, from the tables (data/fields.py), in the canonical order.
FINDING_FIELDS = {f.name: f.review for f in fields.FINDING}
FINDING_LONG = {f.name for f in fields.FINDING if f.long}
DISTRICT_SAID = {f.name: f.review for f in fields.DISTRICT}
SECTION_SAID = {f.name: f.review for f in fields.SECTION}


def _issue_rows() -> Iterator[tuple[str, fields.Field]]:
    """issue.yaml's fields as the review lists them: a mapping's fields dotted (report.title), the
    period one line; the notes and the unplaced pieces apart (issue_facts)."""
    for f in fields.ISSUE:
        if f.items or f.name == "unplaced":
            continue
        if f.parts and f.name != "period":
            yield from ((f"{f.name}.{p.name}", p) for p in f.parts)
        else:
            yield f.name, f


ISSUE_FIELDS = {dotted: f.review for dotted, f in _issue_rows()}
ISSUE_LONG = {dotted for dotted, f in _issue_rows() if f.long}
NOTE = fields.field(fields.ISSUE, "corrections").review
UNPLACED = fields.field(fields.ISSUE, "unplaced").review

# registry lists: (key in the file, what one entry is called, field labels)
REGISTRY_LISTS: list[tuple[str, str, dict[str, str]]] = [
    (f.name, f.review, {x.name: x.review for x in f.items}) for f in fields.REGISTRY_LISTS]
REGISTRY_LONG = {x.name for f in fields.REGISTRY_LISTS for x in f.items if x.long}
HEADINGS = "|".join(kind for _, kind, _ in REGISTRY_LISTS)
XFUNCNAME = f"^(({HEADINGS})：.*)$"  # git shows the first group: the district or registry entry
NAMING = ("name", "metric")  # the field a registry block is headed by
SETTINGS = {f.name: f.review for f in fields.SETTINGS}
KINDS = {"count": "计数", "percent": "百分比"}


@dataclass(frozen=True)
class Fact:
    key: tuple
    who: str  # the district, a registry entry ("区县 上城区"), or "" for the issue itself
    what: str  # the field: "② 原文", "满意", "报"
    value: str
    long: bool = False  # running text: a change is shown character by character

    @property
    def label(self) -> str:
        return f"{self.who} {self.what}" if self.who else self.what

    def line(self) -> str:
        return f"{self.label}：{self.value}"


def words(value: Any) -> str:
    """A YAML value as a reader writes it."""
    if value is None or value == "" or value == []:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        printed = getattr(value, "printed", None)
        return printed or (str(int(value)) if value.is_integer() else repr(value))
    if isinstance(value, list):
        return "、".join(words(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k} {words(v)}" for k, v in value.items())
    return " ".join(str(value).split("\n")).strip() if isinstance(value, str) else str(value)


def _leftover(data: dict, known: set[str], who: str, prefix: str, key: tuple) -> Iterator[Fact]:
    """Keys this module has no label for (validation names them): shown under their own name."""
    for k, v in data.items():
        if k not in known:
            yield Fact((*key, k), who, f"{prefix}{k}", words(v))


def finding_facts(name: str, n: int, f: Any) -> list[Fact]:
    """One finding's fields, numbered as the page numbers it."""
    if not isinstance(f, dict):
        return [Fact(("finding", n), name, circled(n), words(f))]
    out = [Fact(("finding", n, key), name, f"{circled(n)} {cn}", words(f[key]), long=key in FINDING_LONG)
           for key, cn in FINDING_FIELDS.items() if f.get(key) not in (None, "", [])]
    return out + list(_leftover(f, set(FINDING_FIELDS), name, f"{circled(n)} ", ("finding", n)))


def district_facts(data: dict) -> list[Fact]:
    name = words(data.get("district"))
    out = [Fact(("district",), "", DISTRICT_SAID["district"], name)]
    if data.get("position") is not None:
        out.append(Fact(("position",), name, DISTRICT_SAID["position"], words(data["position"])))
    metrics = data.get("metrics")
    for k, v in (metrics.items() if isinstance(metrics, dict) else ()):
        out.append(Fact(("metrics", k), name, str(k), words(v)))
    if data.get("summary"):
        out.append(Fact(("summary",), name, DISTRICT_SAID["summary"], words(data["summary"]), long=True))
    for n, f in enumerate(data.get("findings") or [], 1):
        out += finding_facts(name, n, f)
    return out + list(_leftover(data, set(DISTRICT_SAID), name, "", ()))


def section_name(s: int) -> str:
    return f"第 {s} 部分"


def section_head(s: int, section: Any) -> list[Fact]:
    """A section's own words: its title and its text (三、下步工作建议 is text, not findings)."""
    if not isinstance(section, dict):
        return [Fact(("section", s), "", section_name(s), words(section))]
    said = SECTION_SAID
    out = [Fact(("section", s, "title"), section_name(s), said["title"], words(section.get("title")))]
    if section.get("text"):
        out.append(Fact(("section", s, "text"), section_name(s), said["text"], words(section["text"]), long=True))
    if section.get("figures") is not None:
        out.append(Fact(("section", s, "figures"), section_name(s), said["figures"], words(section["figures"])))
    return out + list(_leftover(section, set(said), section_name(s), "", ("section", s)))


def sections_facts(data: dict) -> list[Fact]:
    """sections.yaml: each part's title and text, then its findings numbered within it."""
    out = []
    for s, section in enumerate(data.get("sections") or [], 1):
        out += section_head(s, section)
        for n, f in enumerate((section.get("findings") or []) if isinstance(section, dict) else [], 1):
            out += finding_facts(section_name(s), n, f)
    return out + list(_leftover(data, {"sections"}, "", "", ()))


def issue_facts(data: dict) -> list[Fact]:
    out = []
    for dotted, cn in ISSUE_FIELDS.items():
        head, _, tail = dotted.partition(".")
        value = data.get(head)
        if tail:
            value = value.get(tail) if isinstance(value, dict) else None
        elif head == "period" and isinstance(value, dict):
            value = f"{words(value.get('start'))} 至 {words(value.get('end'))}"
        if value not in (None, "", []):
            out.append(Fact((dotted,), "", cn, words(value), long=dotted in ISSUE_LONG))
    for n, piece in enumerate(data.get("unplaced") or [], 1):
        out.append(Fact(("unplaced", n), "", f"{UNPLACED} {n}", words(piece), long=True))
    for n, c in enumerate(data.get("corrections") or [], 1):
        line = f"{words(c.get('date'))} {words(c.get('note'))}" if isinstance(c, dict) else words(c)
        out.append(Fact(("corrections", n), "", NOTE, line))
    known = {d.partition(".")[0] for d in ISSUE_FIELDS} | {"unplaced", "corrections"}
    for head in ("report", "distribution"):
        if isinstance(data.get(head), dict):
            inner = {d.partition(".")[2] for d in ISSUE_FIELDS if d.startswith(head + ".")}
            out += _leftover(data[head], inner, "", f"{head}.", (head,))
    return out + list(_leftover(data, known, "", "", ()))


def entry_name(entry: dict, index: int) -> str:
    for key in ("name", "metric"):
        if entry.get(key):
            return words(entry[key])
    if isinstance(entry.get("words"), list) and entry["words"]:
        return words(entry["words"][0])
    return f"第 {index} 项"


def registry_blocks(data: dict) -> list[tuple[tuple, str, list[Fact]]]:
    """Each registry entry as one block: (identity, heading, its facts); settings as one block."""
    blocks = []
    for list_key, kind, labels in REGISTRY_LISTS:
        for i, entry in enumerate(data.get(list_key) or [], 1):
            if not isinstance(entry, dict):
                continue
            name = entry_name(entry, i)
            ident = (list_key, entry.get("slug") or entry.get("name") or entry.get("metric") or i)
            if list_key == "groups" and entry.get("words"):
                ident = (list_key, words(entry["words"][:1]))
            facts = []
            for k, v in entry.items():
                shown = KINDS.get(v, v) if (list_key, k) == ("metrics", "kind") else v
                facts.append(Fact((*ident, k), f"{kind} {name}", labels.get(k, k), words(shown),
                                  long=k in REGISTRY_LONG))
            blocks.append((ident, f"{kind} {name}", facts))
    lists = {lk for lk, _, _ in REGISTRY_LISTS}
    rest = [Fact(("settings", k), "", SETTINGS.get(k, k), words(v)) for k, v in data.items() if k not in lists]
    return blocks + ([(("settings",), "设置", rest)] if rest else [])


def kind_of(data: dict) -> str:
    """By content, not by name: git hands textconv a temporary file."""
    if "district" in data:
        return "district"
    if "sections" in data and "number" not in data:
        return "sections"
    if "number" not in data and ({lk for lk, _, _ in REGISTRY_LISTS} | set(SETTINGS)) & set(data):
        return "registry"
    return "issue"


def file_facts(data: Any) -> list[Fact]:
    if not isinstance(data, dict):
        return []
    kind = kind_of(data)
    if kind == "registry":
        return [f for _, _, facts in registry_blocks(data) for f in facts]
    if kind == "sections":
        return sections_facts(data)
    return district_facts(data) if kind == "district" else issue_facts(data)


def view(data: Any, comments: list[str]) -> str:
    """The textconv view, one fact per line. A district file names its district once, on its first
    line; a registry is one block per entry, its name as the heading and each other field indented.
    So an edit changes one line (git's hunk header names the block: README sets xfuncname)."""
    lines = []
    if isinstance(data, dict) and kind_of(data) == "registry":
        for ident, head, fs in registry_blocks(data):
            if lines:
                lines.append("")
            named = ident != ("settings",)
            if named:
                lines.append(head.replace(" ", "：", 1))
            lines += [f"  {f.what}：{f.value}" if named else f.line() for f in fs if f.key[-1] not in NAMING]
    elif isinstance(data, dict) and kind_of(data) == "sections":  # ① repeats in every part: name the part
        lines = [f.line() for f in file_facts(data)]
    elif isinstance(data, dict):
        lines = [f"{f.what}：{f.value}" for f in file_facts(data)]
    if lines and comments:
        lines.append("")
    return "\n".join(lines + [f"注释：{c}" for c in comments]) + "\n"
