"""A bulletin's paragraphs and tables → issue data (dicts in canonical key order), losing nothing.

The reader (text, Word, PDF) gives blocks; `paragraphs` mends and splits them; here the masthead
and 版记 are read, districts found (by name, whatever the numbering or style), tables turned into
metrics, and each district entry split into findings. Every character of the body ends up in
the data: text that fits nowhere goes to `unplaced`, with a warning (`tally` counts it).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from bulletins.data.model import District, Registry
from bulletins.data.schema import closest
from bulletins.data.textutil import CIRCLED
from . import annotate, importcategory, importtables, tally
from .paragraphs import BYLINE, CN_NUM, DATE, ENDS_SENTENCE, ENTRY, FOOTER, HEADING, PAREN_MARK, PRINTED, RULE, SEQUENCE, YEAR_LINE, Para, masthead_number, paragraphs, strip_markup
from .readers import Document
from .readers.plaintext import blocks_of, normalise

_PERIOD = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*[—–\-~～至到]+\s*(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日")
_LEAD = re.compile(rf"^(?:\d{{1,2}}\s*[.．、]|[{CN_NUM}]{{1,3}}\s*、|[（(]\s*(?:\d{{1,2}}|[{CN_NUM}]{{1,3}})\s*[）)])\s*")
_NAMED = re.compile(rf"^\s*#*\s*(?:\*\*)?\s*(?:[（(]\s*[{CN_NUM}\d]{{1,3}}\s*[）)])?\s*"
                    r"(?P<name>[^:：*\n]{2,24}?)\s*(?:\*\*)?\s*[:：]\s*(?:\*\*)?")
_NONE = re.compile(r"^(?:本期|本周)?(?:暂)?未发现(?:明显)?问题[。.]?$|^无[。.]?$")
def layout(registry: Registry) -> str:
    """The layout the importer reads, shown with refusals, in this archive's own district names."""
    names = [d.name for d in sorted(registry.districts, key=lambda d: d.order)[:2]] + ["甲区", "乙区"]
    a, b = names[0], names[1]
    return f"""可以导入的格式（每项单独一行或一段；详见编辑指南“导入一期通报”）：
  刊名（如“……专报”）
  第 13 期            （或“2024 年第 13 期”“〔2024〕第 13 期”“第 13 期（总第 256 期）”“第十三期”）
  发文单位        2024 年 3 月 29 日   （单位和日期可分两行）
  通报标题
  3 月 22 日—3 月 28 日，……情况如下：
  1. {a}：正文……       （或“{a}”单独一段，任何样式、带不带编号都可以；或“一、{a}：”）
  2. {b}：①第一条……②第二条……   （多条问题用 ①②、（1）（2）、（一）（二）或 Word 自动编号）
  报：……
  发：……                  （报/发也可以是 Word 表格）"""


class ImportFailure(Exception):
    """The file cannot become an issue; the message says why and what to do, in Chinese."""


@dataclass
class Parsed:
    issue: dict
    districts: dict[str, dict]  # slug → district data
    warnings: list[str] = field(default_factory=list)
    count: tally.Tally | None = None
    read: list[str] = field(default_factory=list)  # source lines read into fields as numbers (2024年第13期)
    sections: list[dict] | None = None  # a bulletin by problem category: sections.yaml


@dataclass
class _Entry:
    district: District
    paras: list[Para]
    where: str
    metrics: dict[str, float | int] = field(default_factory=dict)
    extra: list[str] = field(default_factory=list)  # tables kept as text, for the summary
    in_table: bool = False  # the bulletin is a table (区县 | 存在问题): its figures are in metric tables only


def _district(name: str, registry: Registry) -> District:
    found = _exact(name, registry)
    if found:
        return found
    names = [d.name for d in registry.districts] + [a for d in registry.districts for a in d.aliases]
    near = closest(name, names)
    raise ImportFailure(
        f"未知的区县“{name}”" + (f" — 最接近的是：{'、'.join(near)}" if near else "")
        + "。如果是别名，请把它加到 issues/registry/districts.yaml 中对应区县的 aliases；"
        "如果是新设立的区县，请在该文件中新增一项（name、slug、pinyin、kind、order）后再导入。")


def _exact(name: str, registry: Registry) -> District | None:
    name = name.strip()
    for candidate in (name, name.replace("(", "（").replace(")", "）"),
                      name.replace("（", "(").replace("）", ")"), re.sub(r"\s+", "", name)):
        found = registry.district_by_any_name(candidate)
        if found:
            return found
    return None


def _looks_like_district(name: str, registry: Registry) -> bool:
    """A registry name, or close enough to one that a typo should be reported, not skipped."""
    names = [d.name for d in registry.districts] + [a for d in registry.districts for a in d.aliases]
    return bool(_exact(name, registry) or closest(name, names, 1, cutoff=0.6))


def _bare_name(text: str, registry: Registry) -> District | None:
    """The district a paragraph names and nothing else (“甲区”, “1. 甲区”, “一、甲区：”)."""
    bare = _LEAD.sub("", strip_markup(text), count=1).rstrip(":：").strip()
    return _exact(bare, registry) if len(bare) <= 24 else None


def _start(p: Para, registry: Registry, first: bool) -> tuple[District, str] | None:
    """(district, the text after its name) when this paragraph opens a district's entry.

    A registered name or alias opens one whatever its style or numbering; a typed number
    before a name that only looks like a district's is refused by name, never skipped."""
    if p.table or p.aside:
        return None
    found = _bare_name(p.shown, registry)
    if found:
        return found, ""
    m = ENTRY.match(p.shown) or HEADING.match(p.shown)
    if m:
        name = m.group("name").strip()
        if (not first and name.endswith(("区", "县", "市", "）", ")"))) or _looks_like_district(name, registry):
            return _district(name, registry), p.shown[m.end():].strip()
    m = _NAMED.match(p.shown)
    if m and (found := _exact(m.group("name"), registry)):
        return found, p.shown[m.end():].strip()
    return None


def _expand_tables(paras: list[Para], registry: Registry, read: list[str]) -> list[Para]:
    """Tables that hold district entries (a bulletin laid out in a table: 区县 | 存在问题) become
    paragraphs, cell by cell in reading order; metrics and 版记 tables stay tables. A header row
    (no district in it) is read, never taken for a title or text: its words go to `read`."""
    out: list[Para] = []
    for p in paras:
        rows = p.table.rows if p.table else None
        if rows and not importtables.metric_table(rows, registry, p.where) and not importtables.distribution(rows):
            names = lambda row: any(_bare_name(c, registry) or _safe_start(Para(c, p.where), registry) for c in row if c.strip())  # noqa: E731
            if any(names(row) for row in rows):
                if not names(rows[0]):
                    read += [c for c in rows[0] if c.strip()]
                    rows = rows[1:]
                out += [Para(line, f"{p.where}中", in_table=True)
                        for row in rows for c in row if c.strip() for line in _cell_lines(c)]
                continue
        out.append(p)
    return out


def _cell_lines(cell: str) -> list[str]:
    """A cell's paragraphs: its lines, where a line that a narrow cell wrapped (a PDF's) goes on
    the line before unless that one ended a sentence or this one opens an item (2. ②（二）)."""
    out: list[str] = []
    spaced = bool(_SPACED.search(cell))  # the cell writes “3 件”: a wrap between such a pair lost that space
    for line in (x.strip() for x in cell.split("\n")):
        if not line:
            continue
        if out and out[-1][-1] not in ENDS_SENTENCE and not _ITEM_START.match(line):
            pair = out[-1][-1] + line[0]
            out[-1] += (" " if spaced and _MIXED.fullmatch(pair) else "") + line
        else:
            out.append(line)
    return out


_SPACED = re.compile(r"[0-9A-Za-z] [\u4e00-\u9fff]|[\u4e00-\u9fff] [0-9A-Za-z]")
_MIXED = re.compile(r"[0-9A-Za-z][\u4e00-\u9fff]|[\u4e00-\u9fff][0-9A-Za-z]")
_ITEM_START = re.compile(rf"^(?:\d{{1,2}}\s*[.．、](?!\d)|[{CIRCLED}]|[（(]\s*(?:\d{{1,2}}|[{CN_NUM}]{{1,3}})\s*[）)])")


def _captions(paras: list[Para], registry: Registry, read: list[str]) -> list[Para]:
    """A short line just above a table of figures (附：各地工单量) is that table's caption: read,
    not taken for a finding or left over."""
    out = []
    for p, nxt in zip(paras, paras[1:] + [None]):
        shown = strip_markup(p.shown)
        if (nxt is not None and nxt.table and not p.table and not p.aside and len(shown) <= 20
                and shown[-1:] not in "。；;！？!?" and not _bare_name(shown, registry) and not importcategory.is_section(p)
                and importtables.metric_table(nxt.table.rows or (), registry, nxt.where)):
            read.append(shown)
            continue
        out.append(p)
    return out


def _safe_start(p: Para, registry: Registry) -> bool:
    try:
        return _start(p, registry, True) is not None
    except ImportFailure:
        return True  # a typo of a district's name: the entries pass refuses it by name


def _masthead(paras: list[Para], registry: Registry) -> tuple[dict, list[Para]]:
    head: dict = {}
    unplaced: list[Para] = []
    for para in paras:
        p = para.shown
        if RULE.match(p):
            continue
        if para.table or para.aside:
            unplaced.append(para)
            continue
        s = strip_markup(p)
        compact = s.replace(" ", "").replace("\u3000", "")
        byline = BYLINE.match(s)
        if "date" not in head and (DATE.fullmatch(s) or byline):
            if byline:  # the masthead's own line names the publisher: a guess made before it was wrong
                if "publisher" in head:
                    unplaced.append(Para(head["publisher"], head["publisher_where"]))
                head["publisher"] = (byline.group("pub") or byline.group("pub2")).strip()
                head.setdefault("read", []).append(s)  # publisher and date, as the line prints them
            when = (byline.group("date") or byline.group("date2")) if byline else s
            y, m, d = map(int, DATE.fullmatch(when).groups())
            try:
                head["date"] = dt.date(y, m, d)
            except ValueError as exc:
                raise ImportFailure(f"发文日期“{s}”不是真实的日期 — 请核对原文") from exc
        elif "number" not in head and (numbered := masthead_number(s)):
            head["number"], year, running = numbered
            head.setdefault("read", []).append(s)
            if running:
                head["running"] = running
            if year:
                head["year"] = year
        elif "number" in head and "year" not in head and "date" not in head and YEAR_LINE.match(compact):
            head["year"] = int(YEAR_LINE.match(compact).group(1))  # 2024年 on a line of its own
            head.setdefault("read", []).append(s)
        elif "series" not in head and "专报" in compact:
            head["series"] = compact
        elif SEQUENCE.match(s) and "title" in head:
            head["sequence"] = f"第 {SEQUENCE.match(s).group(1)} 期"
        elif "date" not in head and "publisher" not in head and "series" in head:
            head["publisher"], head["publisher_where"] = s, para.where
        elif "date" in head and "title" not in head and not _PERIOD.search(s):
            head["title"] = s
        elif "intro" not in head and _PERIOD.search(s):
            head["intro"] = p.strip()
        else:
            unplaced.append(para)
    missing = [label for key, label in (("number", "期号（第 N 期）"), ("date", "发文日期（YYYY 年 M 月 D 日）"))
               if key not in head]
    if missing:
        raise ImportFailure(f"没有找到{'和'.join(missing)} — 请确认文件开头是通报的报头。\n{layout(registry)}")
    return head, unplaced


def _period(intro: str, date: dt.date) -> dict | None:
    m = _PERIOD.search(intro)
    if not m:
        return None
    m1, d1, m2, d2 = (int(g) if g else None for g in m.groups())
    m2 = m2 or m1
    y2 = date.year - (1 if m2 > date.month else 0)
    y1 = y2 - (1 if m1 > m2 else 0)
    try:
        return {"start": dt.date(y1, m1, d1), "end": dt.date(y2, m2, d2)}
    except ValueError:
        return None


class _Entries:
    """The pass over the paragraphs from the first district on: entries, tables and the 版记."""

    def __init__(self, registry: Registry, warnings: list[str]) -> None:
        self.registry, self.warnings = registry, warnings
        self.entries: list[_Entry] = []
        self.footer: dict[str, str] = {}
        self.unplaced: list[Para] = []

    def add_footer(self, label: str, text: str) -> None:
        importtables.add_footer(self.footer, label, text)

    def run(self, paras: list[Para]) -> None:
        for p in paras:
            if p.aside:
                self.unplaced.append(p)
            elif p.table:
                self.table(p)
            elif RULE.match(p.shown):
                continue
            elif fm := FOOTER.match(p.shown):
                self.add_footer(fm.group(1), p.shown[fm.end():])
            elif PRINTED.match(strip_markup(p.shown)):
                self.add_footer("印发", strip_markup(p.shown))
            elif not self.footer and (start := _start(p, self.registry, not self.entries)):
                district, rest = start
                if any(e.district.slug == district.slug for e in self.entries):
                    raise ImportFailure(f"{district.name} 在这期通报中出现了两次（{p.where}） — "
                                        "请核对原文，每个区县只应有一个条目")
                self.entries.append(_Entry(district, [Para(rest, p.where)] if rest else [], p.where,
                                           in_table=p.in_table))
            elif self.entries and not self.footer and self.entries[-1].in_table and not p.in_table:
                self.unplaced.append(p)  # after the table of entries: no cell's text goes on here
            elif self.entries and not self.footer:
                self.entries[-1].paras.append(Para(strip_markup(p.text) if p.text.startswith("#") else p.text,
                                                   p.where, p.label, p.heading))
            else:
                self.unplaced.append(p)

    def table(self, p: Para) -> None:
        rows = p.table.rows or ()
        pairs = importtables.distribution(rows)
        if pairs:
            for label, text in pairs:
                self.add_footer(label, text)
            return
        metrics = importtables.metric_table(rows, self.registry, p.where)
        if metrics:
            self.metric_rows(metrics, p.where)
            return
        text = importtables.as_text(rows)
        if self.entries and not self.footer:
            entry = self.entries[-1]
            entry.extra.append(text)
            self.warnings.append(f"{p.where}不是指标表，也不是报/发：其文字已放入{entry.district.name}的概述（summary）— "
                                 "请核对，需要时改写为问题或指标")
        else:
            self.unplaced.append(Para(text, p.where))

    def metric_rows(self, table: importtables.MetricTable, where: str) -> None:
        self.warnings += table.notes
        for label, values, leftovers in table.rows:
            district = _exact(label, self.registry) if label else None
            entry = next((e for e in self.entries if district and e.district.slug == district.slug), None)
            if district and entry is None:
                entry = _Entry(district, [], where)
                self.entries.append(entry)
            if entry is None:
                entry = self.entries[-1] if self.entries and not self.footer else None
            if entry is None:
                self.unplaced.append(Para("；".join(f"{k}：{v}" for k, v in values.items()), where))
                continue
            for name, value in values.items():
                if name in entry.metrics and entry.metrics[name] != value:
                    self.warnings.append(f"{where}：{entry.district.name}的“{name}”有两个值（{entry.metrics[name]} 和 {value}），"
                                         "录入了后者 — 请核对")
                entry.metrics[name] = value
            if label and not district:
                leftovers.insert(0, label)
            if leftovers:
                entry.extra.append("；".join(leftovers) + "。")
                self.warnings.append(f"{where}中有不是指标的栏目（{'、'.join(leftovers)[:40]}）：已放入{entry.district.name}的概述 — 请核对")
            if table.derived:
                self.warnings.append(f"{where}中标为“计算值”的栏目是归档自己算出的比率，导入时略去（会重新计算）")


def _ordered(body: str, pattern: str, value) -> list[tuple[int, int]]:
    """Spans of markers that count 1, 2, 3… in order; the rest are ordinary text."""
    expected, found = 1, []
    for m in re.finditer(pattern, body, flags=re.M):
        if value(m.group(1)) == expected:
            found.append((m.start(), m.end()))
            expected += 1
    return found


def split_findings(body: str) -> tuple[str, list[str]]:
    """(preamble, findings) for one district entry; no markers means one finding."""
    marks = [m.start() for m in re.finditer(f"[{CIRCLED}]", body)]
    if marks:
        return _cut(body, [(s, s + 1) for s in marks])
    chinese = {c: i for i, c in enumerate(CN_NUM, 1)}
    for pattern, value in ((PAREN_MARK.pattern, int),
                           (rf"[（(]\s*([{CN_NUM}])\s*[）)]", chinese.get),
                           (r"^\s*(\d{1,2})\s*[.．、](?!\d)", int)):
        found = _ordered(body, pattern, value)
        if len(found) >= 2 or (found and found[0][0] == 0):
            return _cut(body, found)
    return "", [body.strip()]


def _cut(body: str, cuts: list[tuple[int, int]]) -> tuple[str, list[str]]:
    preamble = body[: cuts[0][0]].strip()
    ends = [c[0] for c in cuts[1:]] + [len(body)]
    return preamble, [body[c[1]:e].strip() for c, e in zip(cuts, ends)]


def _by_labels(paras: list[Para]) -> tuple[str, list[str]] | None:
    """Word's automatic numbering inside an entry: each numbered paragraph opens a finding."""
    if not any(p.label for p in paras):
        return None
    preamble: list[str] = []
    findings: list[list[str]] = []
    for p in paras:
        if p.label:
            findings.append([p.text])
        elif findings:
            findings[-1].append(p.text)
        else:
            preamble.append(p.text)
    return "\n".join(preamble).strip(), ["\n".join(f).strip() for f in findings]


def _district_data(entry: _Entry, position: int, registry: Registry, date: dt.date,
                   warnings: list[str]) -> dict:
    body = "\n".join(p.shown for p in entry.paras)
    name = entry.district.name
    if _NONE.match(body.strip()):
        preamble, texts = body.strip(), []
    else:
        preamble, texts = _by_labels(entry.paras) or split_findings(body)
    metrics, notes = annotate.extract_metrics(body, registry.metrics) if not entry.in_table else ({}, [])
    warnings += [f"{name}：{n}" for n in notes]
    for key, value in entry.metrics.items():
        metrics[key] = value
    summary = "".join([preamble] + entry.extra).strip()
    data: dict = {"district": name, "position": position}
    if summary:
        data["summary"] = summary
    if metrics:
        data["metrics"] = metrics
    findings = []
    for n, text in enumerate(texts, 1):
        if not text:
            warnings.append(f"{name}：第 {n} 条问题没有内容，已略去编号")
            continue
        findings.append({"text": text, **annotate.annotate(text, registry, date)})
    data["findings"] = findings
    return data


def parse_text(text: str, registry: Registry) -> Parsed:
    """A bulletin given as text (the tests' and the property tests' way in)."""
    return parse(Document("文本", blocks_of(normalise(text))), registry)


def parse(doc: Document, registry: Registry) -> Parsed:
    read: list[str] = []
    paras = _expand_tables(paragraphs(doc.blocks, lambda s: _bare_name(s, registry) is not None), registry, read)
    paras = _captions(paras, registry, read)
    first = next((i for i, p in enumerate(paras) if _safe_start(p, registry)), None)
    parts = importcategory.section_start(paras, registry, lambda s: _bare_name(s, registry) is not None)
    if parts is not None and (first is None or parts < first):
        return _parse_parts(doc, paras, parts, registry, read)
    if first is None:
        example = min(registry.districts, key=lambda d: d.order).name if registry.districts else "甲区"
        raise ImportFailure(f"没有找到任何区县条目（区县名称单独一段，或“1. {example}：”“一、{example}：”开头的段落） — "
                            f"这份文件不完整，或不是各区县情况的通报。\n{layout(registry)}")
    warnings: list[str] = list(doc.notes)
    head, unplaced = _masthead(paras[:first], registry)
    passed = _Entries(registry, warnings)
    passed.run(paras[first:])
    _check_ending(passed, registry)
    issue = _issue(head, passed.footer)
    districts = {e.district.slug: _district_data(e, n, registry, head["date"], warnings)
                 for n, e in enumerate(passed.entries, 1)}
    parsed = Parsed(issue, districts, warnings, read=head.get("read", []) + read)
    return _accounted(doc, parsed, unplaced + passed.unplaced, registry, "任何区县或报头")


def _parse_parts(doc: Document, paras: list[Para], at: int, registry: Registry, read: list[str]) -> Parsed:
    """A bulletin organised by problem category (importcategory.py)."""
    warnings: list[str] = list(doc.notes)
    head, unplaced = _masthead(paras[:at], registry)
    sections, districts, footer, left = importcategory.parse_parts(paras[at:], registry, head["date"], warnings)
    if not any(s.get("findings") for s in sections):
        raise ImportFailure("按问题类别编排的通报中，没有一条问题点名已登记的区县 — 请核对区县名称"
                            f"（issues/registry/districts.yaml 的 name 或 aliases）。\n{layout(registry)}")
    parsed = Parsed(_issue(head, footer), districts, warnings, read=head.get("read", []) + read, sections=sections)
    return _accounted(doc, parsed, unplaced + left, registry, "任何部分或报头")


def _accounted(doc: Document, parsed: Parsed, leftovers: list[Para], registry: Registry, nowhere: str) -> Parsed:
    """Every character placed: what fits nowhere (and any piece the tally finds in no field) goes
    to `unplaced`, each with a warning; then the account of the whole file."""
    leftovers = leftovers + [Para(text, where) for text, where in tally.lost(doc, parsed, leftovers, registry)]
    if leftovers:
        parsed.issue["unplaced"] = [p.text for p in leftovers]
        parsed.warnings += [f"{p.where}：这段文字无法归入{nowhere}，已放在 issue.yaml 的 unplaced 中，请核对："
                            f"“{p.text[:30]}{'…' if len(p.text) > 30 else ''}”" for p in leftovers if not p.aside]
    parsed.count = tally.count(doc, parsed, registry)
    return parsed


def _check_ending(passed: _Entries, registry: Registry) -> None:
    last_entry = passed.entries[-1]
    last = (last_entry.paras[-1].text if last_entry.paras else "").replace("**", "").rstrip()
    if not passed.footer and not last_entry.metrics and (not last or last[-1] not in ENDS_SENTENCE):
        raise ImportFailure(f"通报在“…{last[-12:]}”处中断，最后一段没有结束，也没有“报/发”页脚 — "
                            f"文件不完整，请复制全文后再导入。\n{layout(registry)}")


def _issue(head: dict, footer: dict[str, str]) -> dict:
    issue: dict = {"number": head["number"], **({"running": head["running"]} if "running" in head else {}),
                   "date": head["date"],
                   "series": head.get("series", "专报"), "publisher": head.get("publisher", ""),
                   "report": {"title": head.get("title", "")}}
    if "sequence" in head:
        issue["report"]["sequence"] = head["sequence"]
    period = _period(head.get("intro", ""), head["date"])
    if period:
        issue["period"] = period
    if head.get("intro"):
        issue["intro"] = head["intro"]
    if footer:
        issue["distribution"] = footer
    return issue


__all__ = ["parse", "parse_text", "Parsed", "ImportFailure", "split_findings", "layout"]
