"""Rules beyond the file's shape: registry names, dates, arithmetic. Each adds to a FileProblems."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from . import fields
from .located import FileProblems
from .model import District, Registry
from .schema import closest

_OBSERVED = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}))?$")
REGISTRY_HINT = "如确为新的{what}，请先在 issues/registry/{file}.yaml 中登记"


_MARKUP = "<>&\"'`"
_SPACE_RUN = re.compile(r"\s{2,}")


def name_problem(value: Any, markup: str = _MARKUP) -> str | None:
    """Why a name cannot be used, or None. Names become page titles, tables of contents and
    search filter values: markup would be live HTML in the theme's own templates, and doubled or
    trailing (full-width) spaces make a filter that matches nothing."""
    if not isinstance(value, str):
        return None
    bad = sorted({c for c in value if c in markup})
    if bad:
        return f"“{value}”含有 {' '.join(bad)} — 名称中不能有这些字符（它们在网页中是标记），请删去"
    if "\n" in value or "\r" in value:
        return f"“{value}”中有换行 — 名称只能写在一行"
    if value != value.strip():
        return f"“{value}”首尾有空格 — 请删去名称前后的空格（包括全角空格）"
    if _SPACE_RUN.search(value):
        return f"“{value}”中有连续的空格 — 请只留一个，或全部删去"
    return None


def names(data: dict, keys: tuple[tuple, ...], fp: FileProblems, markup: str = _MARKUP) -> None:
    """Applies `name_problem` to the values at each key path (a None key means every list item)."""
    for keypath in keys:
        for path, value in _walk(data, keypath, ()):
            problem = name_problem(value, markup)
            if problem:
                fp.error(path, problem)


def _walk(node: Any, rest: tuple, done: tuple):
    if not rest:
        yield done, node
        return
    key, rest = rest[0], rest[1:]
    if key is None and isinstance(node, list):
        for i, item in enumerate(node):
            yield from _walk(item, rest, done + (i,))
    elif isinstance(node, dict) and key in node:
        yield from _walk(node[key], rest, done + (key,))


def _suggest(word: str, names: list[str]) -> str:
    near = closest(word, names)
    return f"最接近的是：{'、'.join(near)}" if near else "登记表中没有相近的名称"


def district_name(data: dict, registry: Registry, fp: FileProblems, slug: str) -> District | None:
    name = data["district"]
    district = registry.district_by_any_name(name)
    if district is None:
        names = [d.name for d in registry.districts] + [a for d in registry.districts for a in d.aliases]
        fp.error(("district",), f"未知的区县“{name}” — {_suggest(name, names)}。"
                 + REGISTRY_HINT.format(what="区县", file="districts"))
        return None
    if district.name != name:
        fp.warn(("district",), f"“{name}”是别名 — 请写登记表中的规范名称“{district.name}”")
    if district.slug != slug:
        fp.error(("district",), f"{district.name} 的文件应命名为 {district.slug}.yaml，而不是 {slug}.yaml — 请改文件名")
    return district


def _names(values: list[str], lookup: Any, names: list[str], keypath: tuple, what: str,
           file: str, fp: FileProblems) -> None:
    for j, value in enumerate(values):
        if lookup(value) is None:
            fp.error(keypath + (j,), f"未知的{what}“{value}” — {_suggest(value, names)}。"
                     + REGISTRY_HINT.format(what=what, file=file))


# A registry file → (find a name in it, every name it has): what a registered field is checked against.
_REGISTERED = {
    "problem_types": lambda reg: (reg.type, [t.name for t in reg.types]),
    "departments": lambda reg: (reg.department, [d.name for d in reg.departments]),
}


def finding(item: dict, i: int, registry: Registry, fp: FileProblems, issue_date: dt.date | None,
            base: tuple = ("findings",)) -> None:
    """One finding's fields; `base` is where its list is in the file (a section's findings elsewhere)."""
    if not item["text"].strip():
        fp.error((*base, i, "text"), "问题的原文只有空格 — 请填写原文，或删去这一条")
    for field in fields.FINDING:  # the fields whose values are registered names (fields.py)
        if field.registered and field.name in item:
            lookup, known = _REGISTERED[field.registered](registry)
            _names(item[field.name], lookup, known, (*base, i, field.name), field.label, field.registered, fp)
    observed = item.get("observed")
    if isinstance(observed, dt.date):
        observed = observed.isoformat()
    if isinstance(observed, str) and observed:
        m = _OBSERVED.match(observed)
        day = None
        if m:
            try:
                y, mo, d, hh, mm = (int(g) if g else 0 for g in m.groups())
                day = dt.date(y, mo, d)
                dt.time(hh, mm)
            except ValueError:
                m = None
        if not m:
            fp.error((*base, i, "observed"),
                     f"发现时间“{observed}”不是真实的日期时间 — 应写成 2018-09-18 或 2018-09-18 14:43")
        elif issue_date and day and day > issue_date:
            fp.warn((*base, i, "observed"), f"发现时间 {observed} 晚于本期日期 {issue_date} — 请核对")


def section_districts(item: dict, where: tuple, registry: Registry, fp: FileProblems) -> list[District]:
    """The districts a section's finding names, each a registered name or alias, none twice."""
    found: list[District] = []
    names = [d.name for d in registry.districts] + [a for d in registry.districts for a in d.aliases]
    for j, name in enumerate(item.get("districts") or []):
        district = registry.district_by_any_name(name)
        if district is None:
            fp.error(where + ("districts", j), f"未知的区县“{name}” — {_suggest(name, names)}。"
                     + REGISTRY_HINT.format(what="区县", file="districts"))
        elif district in found:
            fp.error(where + ("districts", j), f"{district.name} 在这条问题的 districts 中写了两次 — 请删去一个")
        else:
            found.append(district)
    return found


def metrics(values: dict, registry: Registry, fp: FileProblems) -> None:
    names = [m.name for m in registry.metrics]
    for key, value in values.items():
        metric = registry.metric(key)
        if metric is None:
            fp.error(("metrics", key), f"未知的指标“{key}” — {_suggest(str(key), names)}。"
                     + REGISTRY_HINT.format(what="指标", file="metrics"))
        elif value < 0:
            fp.error(("metrics", key), f"指标“{key}”为负数 {value} — 应为不小于 0 的数")
        elif metric.kind == "percent" and value > 100:
            fp.error(("metrics", key), f"百分比“{key}”为 {value} — 应在 0 到 100 之间")
        elif metric.kind == "count" and not isinstance(value, int):
            fp.error(("metrics", key), f"“{key}”是计数，这里写成了小数 {value} — 请写成整数，如 {int(value)}")
    _arithmetic(values, registry, fp)


def _arithmetic(values: dict, registry: Registry, fp: FileProblems) -> None:
    """Bulletins are never corrected by the archive: numbers that do not add up (metrics.yaml
    `sums`) are warnings. A total with a subtracted term is checked only when that term is there."""
    for rule in registry.sums:
        if not all(p in values for p in rule.parts.names) or not all(t in values for t in rule.total.plus):
            continue
        total = rule.total if all(t in values for t in rule.total.minus) else type(rule.total)(rule.total.plus)
        try:
            have, limit = rule.parts.value(values), total.value(values)
        except TypeError:
            continue
        if have is not None and limit is not None and have > limit:
            fp.warn(("metrics", rule.parts.names[0]), f"{rule.parts.words()} = {have}，超过 {total.words()} = {limit} — "
                    "数字照通报原文保留，请核对原文是否如此")


ISSUE_NAMES = (("series",), ("publisher",), ("report", "title"))


_LABEL = re.compile(r"(报|发|抄送|抄报)\s*[:：]")


def issue_header(data: dict, folder: str, fp: FileProblems) -> None:
    """The masthead's names become the page's heading and the feed's text: no markup in them."""
    names(data, ISSUE_NAMES, fp, markup="<>")
    issue_dates(data, folder, fp)
    corrections(data, fp)
    unplaced(data, fp)
    for key, label in (("report_to", "报"), ("send_to", "发")):
        value = (data.get("distribution") or {}).get(key)
        m = _LABEL.search(value) if isinstance(value, str) else None
        if m:
            fp.error(("distribution", key), f"“{label}”一栏中出现了“{m.group(0)}” — 这是另一栏的标签，"
                     "两栏被并在了一起；请把它和后面的文字移到对应的一栏（报：report_to，发：send_to）")


def unplaced(data: dict, fp: FileProblems) -> None:
    """Text the importer could not place is printed under 其他文字: a published issue says so."""
    pieces = [p for p in data.get("unplaced") or [] if isinstance(p, str)]
    if pieces and not data.get("draft"):
        first = pieces[0][:20] + ("…" if len(pieces[0]) > 20 else "")
        fp.warn(("unplaced",), f"有 {len(pieces)} 段文字没有归入任何区县（unplaced，如“{first}”），发布后列在“其他文字”下 — "
                "请把它们移到所属区县的 findings 或 summary，确实不属于任何区县的再留在这里")


def corrections(data: dict, fp: FileProblems) -> None:
    day = data.get("date")
    for i, c in enumerate(data.get("corrections") or []):
        if not isinstance(c, dict):
            continue
        if isinstance(c.get("note"), str) and not c["note"].strip():
            fp.error(("corrections", i, "note"), "更正说明只有空格 — 请写明改了什么、为什么")
        if isinstance(c.get("date"), dt.date) and isinstance(day, dt.date) and c["date"] < day:
            fp.error(("corrections", i, "date"), f"更正日期 {c['date']} 早于本期日期 {day} — 更正只能在发布之后")


FIRST_DAY, LAST_DAY = dt.date(1950, 1, 1), dt.date(2099, 12, 31)  # every date in the data lies between


def _date_range(data: dict, fp: FileProblems) -> bool:
    """Dates an archive can count with (9999-12-31 has no next month; 0999 no four-digit folder)."""
    period = data.get("period") or {}
    ok = True
    for keypath, day in ((("date",), data.get("date")), (("period", "start"), period.get("start")),
                         (("period", "end"), period.get("end"))):  # a correction's date: corrections()
        if isinstance(day, dt.date) and not FIRST_DAY <= day <= LAST_DAY:
            fp.error(keypath, f"日期 {day.isoformat()} 不在 {FIRST_DAY.year} 年到 {LAST_DAY.year} 年之间 — 请核对原文的年份")
            ok = False
    return ok


def issue_dates(data: dict, folder: str, fp: FileProblems) -> None:
    if not _date_range(data, fp):
        return
    date = data.get("date")
    if isinstance(date, dt.date) and isinstance(data.get("number"), int):
        expected = f"{date.year}-{data['number']:03d}"
        if expected != folder:
            fp.error(("number",), f"文件夹 {folder} 与期号 {data['number']}、日期 {date} 不符 — 文件夹应为 {expected}")
    period = data.get("period") or {}
    start, end = period.get("start"), period.get("end")
    if isinstance(start, dt.date) and isinstance(end, dt.date):
        if end < start:
            fp.error(("period", "end"), f"通报时段结束日期 {end} 早于开始日期 {start} — 请检查两个日期")
        if isinstance(date, dt.date) and end > date:
            fp.warn(("period", "end"), f"通报时段结束于 {end}，晚于发文日期 {date} — 请核对")
