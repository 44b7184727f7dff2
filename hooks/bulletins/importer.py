"""Bulletin text → issue data (dicts in canonical key order), losing nothing.

The text is cut into paragraphs, page breaks left inside sentences are mended, the masthead
and footer are read, and each district entry is split into findings. Every character of the
body ends up in the data: text that fits nowhere goes to `unplaced`, with a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from . import annotate
from .model import Registry
from .schema import closest
from .textutil import CIRCLED

CN_NUM = "一二三四五六七八九十"
_ENTRY = re.compile(
    r"^\s*#*\s*(?:\*\*)?\s*(?:\d{1,2}\s*[.．、]|[一二三四五六七八九十]{1,3}\s*、)\s*(?:\*\*)?\s*"
    r"(?P<name>[^:：*\n]{2,24}?)\s*[:：]\s*(?:\*\*)?")
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_NUMBER = re.compile(r"第\s*(\d{1,3})\s*期")
_SEQUENCE = re.compile(r"^[（(]\s*第\s*(\d{1,3})\s*期\s*[）)]$")
_PERIOD = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*[—–\-~～至到]+\s*(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日")
_FOOTER = re.compile(r"^\s*(报|发|抄送|抄报)\s*[:：]\s*")
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|—{3,})\s*$")
_PAREN_MARK = re.compile(r"[（(]\s*(\d{1,2})\s*[）)]")
_ENDS_SENTENCE = "。！？!?；;：:”’）)】》"
# A district heading alone on its line, without a colon (“1.上城区”, “2. 下城区”, “三、西湖区”):
# its text follows on the next line. Only names ending as district names do are taken for one.
_HEADING = re.compile(
    r"^\s*#*\s*(?:\*\*)?\s*(?:\d{1,2}\s*[.．、]|[一二三四五六七八九十]{1,3}\s*、)\s*(?:\*\*)?\s*"
    r"(?P<name>[^:：*\n。，,；;\s][^:：*\n。，,；;]{0,22}?(?:区|县|市|管委会|[）)]))\s*(?:\*\*)?\s*$")
# The publisher and the date on one line, as the paper masthead prints them (tabs or runs of spaces).
_BYLINE = re.compile(r"^(?P<pub>\S.*?\S)(?:\t+|[ \u3000]{2,}|\u3000)\s*"
                     r"(?P<date>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)$")
LAYOUT = """可以导入的格式（每项单独一行或一段；详见编辑指南“导入一期通报”）：
  “最多跑一次”改革专报
  第 33 期
  杭州市“最多跑一次”改革专题组办公室        2018 年 9 月 21 日   （单位和日期可分两行）
  “最多跑一次”改革各区、县(市)和管委会自查情况通报
  （第 2 期）
  9 月 14 日—9 月 20 日，各区、县（市）和管委会整体自查情况如下：
  1. 上城区：正文……                      （或“1. 上城区”单独一行、正文在下一行；或“一、上城区：”）
  2. 江干区：①第一条……②第二条……          （多条问题用 ①② 或（1）（2）编号）
  报：……
  发：……"""


class ImportFailure(Exception):
    """The file cannot become an issue; the message says why and what to do, in Chinese."""


@dataclass
class Parsed:
    issue: dict
    districts: dict[str, dict]  # slug → district data
    warnings: list[str] = field(default_factory=list)


def _strip_markup(line: str) -> str:
    return re.sub(r"^\s*#+\s*", "", line).replace("**", "").strip()


def paragraphs(text: str) -> list[str]:
    """Blocks separated by blank lines; a block that stops mid-sentence is joined to the next."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        for piece in _own_lines(block):
            joined = "".join(line.strip() for line in piece)
            if not joined:
                continue
            if out and _continues(out[-1], joined):
                out[-1] += joined
            else:
                out.append(joined)
    return out


def _own_lines(block: str) -> list[list[str]]:
    """Masthead lines (date, 第 N 期, （第 N 期）, publisher and date) and colon-less district headings
    stand alone even without a blank line around them; 报：/发： each start a paragraph of their own."""
    pieces: list[list[str]] = [[]]
    for line in block.split("\n"):
        bare = _strip_markup(line)
        alone = bool(_SEQUENCE.match(line.strip()) or _DATE.fullmatch(bare) or _NUMBER.fullmatch(bare)
                     or _BYLINE.match(bare) or _HEADING.match(line))
        starts = bool(_FOOTER.match(line))
        if alone or starts or (pieces[-1] and pieces[-1][-1] is None):
            pieces.append([])
        pieces[-1].append(line)
        if alone:
            pieces[-1].append(None)  # type: ignore[arg-type]
    return [[x for x in p if x is not None] for p in pieces if any(x for x in p if x)]


def _structural(p: str) -> bool:
    return bool(_RULE.match(p) or _ENTRY.match(p) or p.startswith("#") or _FOOTER.match(p)
                or p[:1] in CIRCLED or _PAREN_MARK.match(p))


def _continues(prev: str, nxt: str) -> bool:
    """A PDF page break leaves a blank line inside a sentence; a real paragraph ends one."""
    if (_structural(nxt) or _RULE.match(prev) or prev.startswith("#") or _is_masthead_line(prev)
            or _HEADING.match(prev) or _HEADING.match(nxt)):
        return False
    tail = prev.replace("**", "").rstrip()
    return bool(tail) and tail[-1] not in _ENDS_SENTENCE


def _is_masthead_line(p: str) -> bool:
    s = _strip_markup(p)
    return bool(_DATE.fullmatch(s) or _NUMBER.fullmatch(s) or _SEQUENCE.match(s) or _BYLINE.match(s)
                or "专报" in s.replace(" ", "") or s.endswith(("办公室", "通报", "情况")))


def split_findings(body: str) -> tuple[str, list[str]]:
    """(preamble, findings) for one district entry; no markers means one finding."""
    marks = [m.start() for m in re.finditer(f"[{CIRCLED}]", body)]
    if marks:
        return _cut(body, [(s, s + 1) for s in marks])
    expected, found = 1, []
    for m in _PAREN_MARK.finditer(body):  # (1)(2)… count only when they run in order
        if int(m.group(1)) == expected:
            found.append(m)
            expected += 1
    if len(found) >= 2 or (found and found[0].start() == 0):
        return _cut(body, [(m.start(), m.end()) for m in found])
    return "", [body.strip()]


def _cut(body: str, cuts: list[tuple[int, int]]) -> tuple[str, list[str]]:
    preamble = body[: cuts[0][0]].strip()
    ends = [c[0] for c in cuts[1:]] + [len(body)]
    return preamble, [body[c[1]:e].strip() for c, e in zip(cuts, ends)]


def _district(name: str, registry: Registry):
    for candidate in (name, name.replace("(", "（").replace(")", "）"),
                      name.replace("（", "(").replace("）", ")"), name.replace(" ", "")):
        found = registry.district_by_any_name(candidate)
        if found:
            return found
    names = [d.name for d in registry.districts] + [a for d in registry.districts for a in d.aliases]
    near = closest(name, names)
    raise ImportFailure(
        f"未知的区县“{name}”" + (f" — 最接近的是：{'、'.join(near)}" if near else "")
        + "。如果是别名，请把它加到 issues/registry/districts.yaml 中对应区县的 aliases；"
        "如果是新设立的区县，请在该文件中新增一项（name、slug、pinyin、kind、order）后再导入。")


def _masthead(paras: list[str], warnings: list[str]) -> tuple[dict, list[str]]:
    head: dict = {}
    unplaced = []
    for p in paras:
        if _RULE.match(p):
            continue
        s = _strip_markup(p)
        compact = s.replace(" ", "").replace("\u3000", "")
        byline = _BYLINE.match(s)
        if "date" not in head and (_DATE.fullmatch(s) or byline):
            if byline:  # the masthead's own line names the publisher: a guess made before it was wrong
                if "publisher" in head:
                    unplaced.append(head["publisher"])
                head["publisher"] = byline.group("pub").strip()
            y, m, d = map(int, _DATE.fullmatch(byline.group("date") if byline else s).groups())
            try:
                head["date"] = dt.date(y, m, d)
            except ValueError as exc:
                raise ImportFailure(f"发文日期“{s}”不是真实的日期 — 请核对原文") from exc
        elif "number" not in head and _NUMBER.fullmatch(s):
            head["number"] = int(_NUMBER.fullmatch(s).group(1))
        elif "series" not in head and "专报" in compact:
            head["series"] = compact
        elif _SEQUENCE.match(s) and "title" in head:
            head["sequence"] = f"第 {_SEQUENCE.match(s).group(1)} 期"
        elif "date" not in head and "publisher" not in head and "series" in head:
            head["publisher"] = s
        elif "date" in head and "title" not in head and not _PERIOD.search(s):
            head["title"] = s
        elif "intro" not in head and _PERIOD.search(s):
            head["intro"] = p.strip()
        else:
            unplaced.append(p.strip())
    missing = [label for key, label in (("number", "期号（第 N 期）"), ("date", "发文日期（YYYY 年 M 月 D 日）"))
               if key not in head]
    if missing:
        raise ImportFailure(f"没有找到{'和'.join(missing)} — 请确认文件开头是通报的报头。\n{LAYOUT}")
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


def _entries(paras: list[str], registry: Registry) -> tuple[list, dict, list[str]]:
    entries: list = []
    footer: dict[str, str] = {}
    unplaced: list[str] = []
    for p in paras:
        if _RULE.match(p):
            continue
        fm = _FOOTER.match(p)
        if fm:
            key = "report_to" if fm.group(1) in ("报", "抄报") else "send_to"
            footer[key] = (footer.get(key, "") + p[fm.end():].strip())
            continue
        m = _ENTRY.match(p) or _HEADING.match(p)
        name = m.group("name").strip() if m else ""
        if m and not footer and (not entries or name.endswith(("区", "县", "市", "）", ")"))
                                 or _looks_like_district(name, registry)):
            district = _district(name, registry)
            if any(d.slug == district.slug for d, _ in entries):
                raise ImportFailure(f"{district.name} 在这期通报中出现了两次 — 请核对原文，每个区县只应有一个条目")
            first_text = p[m.end():].strip()
            entries.append((district, [first_text] if first_text else []))
        elif entries and not footer:
            entries[-1][1].append(_strip_markup(p) if p.startswith("#") else p)
        else:
            unplaced.append(p)
    return entries, footer, unplaced


def _looks_like_district(name: str, registry: Registry) -> bool:
    """A registry name, or close enough to one that a typo should be reported, not skipped."""
    names = [d.name for d in registry.districts] + [a for d in registry.districts for a in d.aliases]
    return _resolves(name, registry) or bool(closest(name, names, 1, cutoff=0.6))


def _resolves(name: str, registry: Registry) -> bool:
    try:
        _district(name, registry)
        return True
    except ImportFailure:
        return False


def _district_data(district, position: int, body: str, registry: Registry, date: dt.date,
                   warnings: list[str]) -> dict:
    preamble, texts = split_findings(body)
    metrics, notes = annotate.extract_metrics(body, registry.metrics)
    warnings += [f"{district.name}：{n}" for n in notes]
    data: dict = {"district": district.name, "position": position}
    if preamble:
        data["summary"] = preamble
    if metrics:
        data["metrics"] = metrics
    findings = []
    for n, text in enumerate(texts, 1):
        if not text:
            warnings.append(f"{district.name}：第 {n} 条问题没有内容，已略去编号")
            continue
        findings.append({"text": text, **annotate.annotate(text, registry, date)})
    data["findings"] = findings
    return data


def parse(text: str, registry: Registry) -> Parsed:
    paras = paragraphs(text)
    first = next((i for i, p in enumerate(paras) if (m := _ENTRY.match(p) or _HEADING.match(p))
                  and _looks_like_district(m.group("name").strip(), registry)), None)
    if first is None:
        raise ImportFailure("没有找到任何区县条目（如“1. 上城区：”或“一、上城区：”） — "
                            f"这份文件不完整，或不是区县自查情况通报。\n{LAYOUT}")
    warnings: list[str] = []
    head, unplaced = _masthead(paras[:first], warnings)
    entries, footer, tail = _entries(paras[first:], registry)
    last = (entries[-1][1][-1] if entries[-1][1] else "").replace("**", "").rstrip()
    if not footer and (not last or last[-1] not in _ENDS_SENTENCE):
        raise ImportFailure(f"通报在“…{last[-12:]}”处中断，最后一段没有结束，也没有“报/发”页脚 — "
                            f"文件不完整，请复制全文后再导入。\n{LAYOUT}")
    issue: dict = {"number": head["number"], "date": head["date"],
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
    districts = {d.slug: _district_data(d, n, "\n".join(body), registry, head["date"], warnings)
                 for n, (d, body) in enumerate(entries, 1)}
    unplaced += tail
    parsed = Parsed(issue, districts, warnings)
    lost = lost_sentences(text, parsed)
    unplaced += lost
    if unplaced:
        issue["unplaced"] = unplaced
        lines = text.split("\n")
        warnings += [f"第 {_line_of(lines, u)} 行：这段文字无法归入任何区县或报头，已放在 issue.yaml 的 unplaced 中，"
                     f"请核对：“{u[:30]}{'…' if len(u) > 30 else ''}”" for u in unplaced]
    return parsed


def _line_of(lines: list[str], para: str) -> str:
    """The source line a paragraph (or a sentence of one) starts on, for the editor to look at."""
    want = _squash(_strip_markup(para))[:12]
    for no, line in enumerate(lines, 1):
        have = _squash(_strip_markup(line))
        if have and want and (want in have or (have in want and len(have) >= 4)):
            return str(no)
    return "?"


_MARKER = re.compile(rf"^\s*#*\s*(?:\*\*)?\s*(?:\d{{1,2}}\s*[.．、]|[{CN_NUM}]{{1,3}}\s*、)|[{CIRCLED}*#]|[（(]\s*\d{{1,2}}\s*[）)]|^\s*(?:报|发|抄送|抄报)\s*[:：]")


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _all_strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _all_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _all_strings(v)]
    return [str(value)] if isinstance(value, str) else []


def lost_sentences(text: str, parsed: Parsed) -> list[str]:
    """Sentences of the source found nowhere in the data: the importer's own guarantee."""
    kept = _squash("".join(_all_strings(parsed.issue) + _all_strings(parsed.districts)))
    kept += _squash(str(parsed.issue.get("number", ""))) + _squash(str(parsed.issue.get("date", "")))
    lost = []
    for para in paragraphs(text):
        if _RULE.match(para) or _is_masthead_line(para):
            continue
        body = _MARKER.sub("", para)
        m = _ENTRY.match(para)
        if m:
            body = _MARKER.sub("", para[m.end():])
        for sentence in re.split(r"(?<=[。；！？])", body):
            if _squash(sentence) and _squash(sentence) not in kept:
                lost.append(sentence.strip())
    return lost
