"""Every field of every data file, once: its key, shape, Chinese label, place in the canonical
order, whether it is exported, and how the review names it.

The schema (schema.py), the canonical layout (edit/canonical.py), loading a finding (load.py),
the review's facts (review/facts.py) and the exports (site/export.py) are all read from these
tables, so adding a field is one entry here (and its tests); a label is written once and cannot
drift between an error message and a review line.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Iterable

_STR: dict = {"type": "string"}
_TEXT: dict = {"type": "string", "minLength": 1}
_NAMES: dict = {"type": "array", "items": {"type": "string", "minLength": 1}, "uniqueItems": True}
_DATE: dict = {"type": "date"}
_TERMS: dict = {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}}
SLUG = "^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
FINDING_ID = r"^\d{4}-\d{3}-[a-z][a-z0-9]*(-[a-z0-9]+)*-\d+$"
MAX_FINDING_CHARS = 20_000  # a finding is a paragraph or two; more is several run together, or no bulletin


@dataclass(frozen=True)
class Field:
    """One key of a data file. A record is a tuple of fields, in the canonical order."""
    name: str  # the key in the file; for a finding also the model's attribute
    label: str  # Chinese, as errors, the guide and the exports name it
    shape: dict | None = None  # JSON schema of a plain value; None when `parts` or `items` say
    required: bool = False
    parts: tuple["Field", ...] = ()  # a mapping of its own (report: title, sequence)
    items: tuple["Field", ...] = ()  # a list of records (corrections, findings)
    items_shape: dict | None = None  # a list's own constraints (minItems)
    said: str = ""  # the review's wording when it differs from the label (report.title: 通报标题)
    long: bool = False  # running text: the review shows a change character by character
    export: bool = False  # a finding's field in archive.json and findings.csv
    link: bool = False  # the id of another finding: exported among the finding's links
    registered: str = ""  # each value must be a name in this registry file (problem_types, departments)

    @property
    def review(self) -> str:
        return self.said or self.label

    @property
    def is_list(self) -> bool:
        """A list of plain values (types, departments): a tuple in the model, `[a, b]` on one line."""
        return (self.shape or {}).get("type") == "array"


def names(record: Iterable[Field]) -> tuple[str, ...]:
    """The canonical order of a record's keys."""
    return tuple(f.name for f in record)


def field(record: Iterable[Field], name: str) -> Field:
    return next(f for f in record if f.name == name)


def shape_of(record: Iterable[Field], extra: dict | None = None) -> dict:
    """The JSON schema of a record: unknown keys refused, required keys required."""
    record = tuple(record)
    out: dict[str, Any] = {"type": "object", "additionalProperties": False,
                           "properties": {f.name: _shape(f) for f in record}}
    required = [f.name for f in record if f.required]
    if required:
        out["required"] = required
    return {**out, **(extra or {})}


def _shape(f: Field) -> dict:
    if f.parts:
        return shape_of(f.parts)
    if f.items:
        return {"type": "array", "items": shape_of(f.items), **(f.items_shape or {})}
    assert f.shape is not None, f.name
    return f.shape


def at(record: Iterable[Field], path: tuple) -> Field | None:
    """The field a path inside a file ends in (("findings", 2, "observed") → 发现时间), or None."""
    found: Field | None = None
    fields: tuple[Field, ...] = tuple(record)
    for key in path:
        if isinstance(key, int):
            continue
        found = next((f for f in fields if f.name == key), None)
        if found is None:
            return None
        fields = found.parts or found.items
    return found


# --- an issue: issue.yaml --------------------------------------------------------------------------
REPORT = (
    Field("title", "标题", _TEXT, required=True, said="通报标题"),
    Field("sequence", "通报期次", _STR),
)
PERIOD = (
    Field("start", "开始日期", _DATE, required=True),
    Field("end", "结束日期", _DATE, required=True),
)
DISTRIBUTION = (
    Field("report_to", "报", _STR, long=True),
    Field("send_to", "发", _STR, long=True),
    Field("copy_to", "抄送", _STR, long=True),
    Field("printed", "印发", _STR, long=True),
)
CORRECTION = (
    Field("date", "日期", _DATE, required=True),
    Field("note", "说明", _TEXT, required=True),
)
ISSUE = (
    Field("draft", "草稿", {"type": "boolean"}),
    Field("number", "期号", {"type": "integer", "minimum": 1, "maximum": 999}, required=True),
    Field("running", "总期号", {"type": "integer", "minimum": 1, "maximum": 99999}),
    Field("date", "日期", _DATE, required=True),
    Field("series", "刊名", _TEXT, required=True),
    Field("publisher", "发文单位", _STR, required=True),
    Field("report", "通报", parts=REPORT, required=True),
    Field("period", "通报时段", parts=PERIOD),
    Field("intro", "导语", _STR, long=True),
    Field("distribution", "报送范围", parts=DISTRIBUTION),
    Field("corrections", "更正说明", items=CORRECTION),
    Field("unplaced", "未归类文字", {"type": "array", "items": _STR}, long=True),
)

# --- a district's part of an issue: issues/<id>/<slug>.yaml ----------------------------------------
FINDING = (
    Field("text", "原文", {"type": "string", "minLength": 1, "maxLength": MAX_FINDING_CHARS}, required=True,
          long=True, export=True),
    Field("districts", "区县", {**_NAMES, "minItems": 1}, export=True),  # sections.yaml only: see SECTION_FINDING
    Field("types", "问题类型", _NAMES, export=True, registered="problem_types"),
    Field("departments", "部门", _NAMES, export=True, registered="departments"),
    Field("place", "地点", _STR, export=True),
    Field("observed", "发现时间", {"type": ["string", "date"]}, export=True),
    Field("action", "处理情况", _STR, long=True, export=True),
    Field("follows", "前情", {"type": "string", "pattern": FINDING_ID}, export=True, link=True),
    Field("follows_quote", "前情原文开头", _STR),
)
DISTRICT_FINDING = tuple(f for f in FINDING if f.name != "districts")  # a district file's findings are its own
SECTION_FINDING = tuple(replace(f, required=True) if f.name == "districts"
                        else f for f in FINDING)  # a finding of a part names its districts
DISTRICT = (
    Field("district", "区县", _TEXT, required=True),
    Field("position", "在通报中的位置", {"type": "integer", "minimum": 1, "maximum": 99}),
    Field("summary", "概述", _STR, long=True),
    Field("metrics", "指标", {"type": "object", "additionalProperties": {"type": "number"}}),
    Field("findings", "问题", items=DISTRICT_FINDING),
)

# --- a bulletin organised by problem category: issues/<id>/sections.yaml ---------------------------
SECTION = (
    Field("title", "标题", _TEXT, required=True),
    Field("text", "正文", _STR, long=True),
    Field("figures", "各地指标表", {"type": "boolean"}, said="各地指标表在此"),
    Field("findings", "问题", items=SECTION_FINDING),
)
SECTIONS = (Field("sections", "部分", items=SECTION, items_shape={"minItems": 1}, required=True),)

# --- the registries: issues/registry/*.yaml -----------------------------------------------------------
_NAME = Field("name", "名称", _TEXT, required=True)
_SLUG = Field("slug", "拼音地址", {"type": "string", "pattern": SLUG}, required=True)
_KEYWORDS = Field("keywords", "导入关键词", _NAMES)
DISTRICT_ENTRY = (
    _NAME, _SLUG,
    Field("pinyin", "读音", _STR, required=True),
    Field("kind", "类别", {"enum": ["区", "县", "县级市", "管委会"]}, required=True),
    Field("order", "排列顺序", {"type": "integer"}, required=True),
    Field("aliases", "别名", _NAMES),
    Field("valid_from", "名称启用日期", _DATE),
    Field("valid_to", "名称停用日期", _DATE),
    Field("predecessors", "前身", _NAMES),
    Field("successors", "后继", _NAMES),
    Field("note", "说明", _STR, long=True),
)
TYPE_ENTRY = (
    _NAME, _SLUG,
    Field("description", "说明", _STR, required=True, long=True),
    _KEYWORDS,
    Field("routine", "例行报告（不算再次出现）", {"type": "boolean"}),
)
DEPARTMENT_ENTRY = (_NAME, _SLUG, _KEYWORDS)
METRIC_ENTRY = (
    _NAME, _SLUG,
    Field("unit", "单位", _STR, required=True),
    Field("kind", "类型", {"enum": ["count", "percent"]}, required=True),
    Field("description", "说明", _STR, long=True),
    Field("patterns", "导入说法", _NAMES),
)
RATE_ENTRY = (_NAME, Field("numerator", "分子", _TERMS, required=True), Field("denominator", "分母", _TERMS, required=True))
TREND_ENTRY = (Field("metric", "指标", _TEXT, required=True), Field("label", "标签", _STR),
               Field("fallback", "缺数时改用", _STR))
SUM_ENTRY = (Field("parts", "分项", _TERMS, required=True), Field("total", "合计", _TERMS, required=True))
SYNONYM_GROUP = (Field("words", "同义词", {**_NAMES, "minItems": 2}, required=True, said="词"),
                 Field("note", "说明", _STR, long=True))
SETTINGS = (Field("recurrence_window", "判断再次出现时往前看的期数", {"type": "integer", "minimum": 1, "maximum": 52}),)

# Each registry file: its lists, each entry a record (said: what the review calls one entry).
REGISTRIES: dict[str, tuple[Field, ...]] = {
    "districts": (Field("districts", "区县", items=DISTRICT_ENTRY, required=True),),
    "problem_types": (Field("types", "问题类型", items=TYPE_ENTRY, required=True),),
    "departments": (Field("departments", "部门", items=DEPARTMENT_ENTRY, required=True),),
    "metrics": (Field("metrics", "指标", items=METRIC_ENTRY, required=True),
                Field("rates", "比率", items=RATE_ENTRY),
                Field("trends", "趋势图", items=TREND_ENTRY),
                Field("sums", "合计核对", items=SUM_ENTRY)),
    "settings": SETTINGS,
    "synonyms": (Field("groups", "同义词组", items=SYNONYM_GROUP, required=True, said="同义词"),),
}
REGISTRY_LISTS: tuple[Field, ...] = tuple(f for record in REGISTRIES.values() for f in record if f.items)
