"""The shape of every data file, checked with jsonschema; errors come back in Chinese.

jsonschema collects every structural error at once; we translate each into a message a clerk
can act on and leave the line lookup to the caller (the path in the data is kept).
"""

from __future__ import annotations

from functools import lru_cache

import datetime as dt
import difflib
from typing import Any, Iterator

from jsonschema import Draft202012Validator, validators

_STR = {"type": "string"}
_STR_LIST = {"type": "array", "items": {"type": "string", "minLength": 1}, "uniqueItems": True}
_DATE = {"type": "date"}

ISSUE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["number", "date", "series", "publisher", "report"],
    "properties": {
        "number": {"type": "integer", "minimum": 1, "maximum": 999},
        "running": {"type": "integer", "minimum": 1, "maximum": 99999},
        "date": _DATE,
        "series": {"type": "string", "minLength": 1},
        "publisher": _STR,
        "report": {
            "type": "object", "additionalProperties": False, "required": ["title"],
            "properties": {"title": {"type": "string", "minLength": 1}, "sequence": _STR},
        },
        "period": {
            "type": "object", "additionalProperties": False, "required": ["start", "end"],
            "properties": {"start": _DATE, "end": _DATE},
        },
        "intro": _STR,
        "distribution": {
            "type": "object", "additionalProperties": False,
            "properties": {"report_to": _STR, "send_to": _STR, "copy_to": _STR, "printed": _STR},
        },
        "unplaced": {"type": "array", "items": _STR},
        "draft": {"type": "boolean"},
        "corrections": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["date", "note"],
            "properties": {"date": _DATE, "note": {"type": "string", "minLength": 1}}}},
    },
}

MAX_FINDING_CHARS = 20_000  # a finding is a paragraph or two; more is several run together, or no bulletin
FINDING = {
    "type": "object",
    "additionalProperties": False,
    "required": ["text"],
    "properties": {
        "text": {"type": "string", "minLength": 1, "maxLength": MAX_FINDING_CHARS},
        "types": _STR_LIST,
        "departments": _STR_LIST,
        "place": _STR,
        "observed": {"type": ["string", "date"]},
        "action": _STR,
        "follows": {"type": "string", "pattern": r"^\d{4}-\d{3}-[a-z][a-z0-9]*(-[a-z0-9]+)*-\d+$"},
        "follows_quote": _STR,
    },
}

DISTRICT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["district"],
    "properties": {
        "district": {"type": "string", "minLength": 1},
        "position": {"type": "integer", "minimum": 1, "maximum": 99},
        "summary": _STR,
        "metrics": {"type": "object", "additionalProperties": {"type": "number"}},
        "findings": {"type": "array", "items": FINDING},
    },
}

SECTION_FINDING = {**FINDING, "required": ["text", "districts"],
                   "properties": {**FINDING["properties"], "districts": {**_STR_LIST, "minItems": 1}}}

SECTIONS = {
    "type": "object",
    "additionalProperties": False,
    "required": ["sections"],
    "properties": {"sections": {"type": "array", "minItems": 1, "items": {
        "type": "object", "additionalProperties": False, "required": ["title"],
        "properties": {"title": {"type": "string", "minLength": 1}, "text": _STR,
                       "figures": {"type": "boolean"},
                       "findings": {"type": "array", "items": SECTION_FINDING}}}}},
}

_TERMS = {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}}
_REG_ITEM = {"name": {"type": "string", "minLength": 1},
             "slug": {"type": "string", "pattern": "^[a-z][a-z0-9]*(-[a-z0-9]+)*$"}}
REGISTRIES = {
    "districts": {"type": "object", "additionalProperties": False, "required": ["districts"],
                  "properties": {"districts": {"type": "array", "items": {
                      "type": "object", "additionalProperties": False,
                      "required": ["name", "slug", "pinyin", "kind", "order"],
                      "properties": {**_REG_ITEM, "pinyin": _STR, "kind": {"enum": ["区", "县", "县级市", "管委会"]},
                                     "order": {"type": "integer"}, "aliases": _STR_LIST,
                                     "valid_from": _DATE, "valid_to": _DATE, "predecessors": _STR_LIST,
                                     "successors": _STR_LIST, "note": _STR}}}}},
    "problem_types": {"type": "object", "additionalProperties": False, "required": ["types"],
                      "properties": {"types": {"type": "array", "items": {
                          "type": "object", "additionalProperties": False,
                          "required": ["name", "slug", "description"],
                          "properties": {**_REG_ITEM, "description": _STR, "keywords": _STR_LIST,
                                         "routine": {"type": "boolean"}}}}}},
    "metrics": {"type": "object", "additionalProperties": False, "required": ["metrics"],
                "properties": {"metrics": {"type": "array", "items": {
                    "type": "object", "additionalProperties": False,
                    "required": ["name", "slug", "unit", "kind"],
                    "properties": {**_REG_ITEM, "unit": _STR, "kind": {"enum": ["count", "percent"]},
                                   "description": _STR, "patterns": _STR_LIST}}},
                    "rates": {"type": "array", "items": {
                        "type": "object", "additionalProperties": False,
                        "required": ["name", "numerator", "denominator"],
                        "properties": {"name": {"type": "string", "minLength": 1}, "numerator": _TERMS,
                                       "denominator": _TERMS}}},
                    "trends": {"type": "array", "items": {
                        "type": "object", "additionalProperties": False, "required": ["metric"],
                        "properties": {"metric": {"type": "string", "minLength": 1}, "label": _STR,
                                       "fallback": _STR}}},
                    "sums": {"type": "array", "items": {
                        "type": "object", "additionalProperties": False, "required": ["parts", "total"],
                        "properties": {"parts": _TERMS, "total": _TERMS}}}}},
    "settings": {"type": "object", "additionalProperties": False,
                 "properties": {"recurrence_window": {"type": "integer", "minimum": 1, "maximum": 52}}},
    "synonyms": {"type": "object", "additionalProperties": False, "required": ["groups"],
                 "properties": {"groups": {"type": "array", "items": {
                     "type": "object", "additionalProperties": False, "required": ["words"],
                     "properties": {"words": {**_STR_LIST, "minItems": 2}, "note": _STR}}}}},
    "departments": {"type": "object", "additionalProperties": False, "required": ["departments"],
                    "properties": {"departments": {"type": "array", "items": {
                        "type": "object", "additionalProperties": False, "required": ["name", "slug"],
                        "properties": {**_REG_ITEM, "keywords": _STR_LIST}}}}},
}

FIELD_NAMES = {
    "number": "期号", "date": "日期", "series": "刊名", "publisher": "发文单位", "report": "通报",
    "title": "标题", "sequence": "通报期次", "running": "总期号", "period": "通报时段", "start": "开始日期",
    "end": "结束日期", "intro": "导语", "distribution": "报送范围", "report_to": "报", "send_to": "发",
    "copy_to": "抄送", "printed": "印发",
    "unplaced": "未归类文字", "draft": "草稿", "corrections": "更正说明", "note": "说明",
    "position": "在通报中的位置", "district": "区县", "summary": "概述", "metrics": "指标",
    "findings": "问题", "text": "原文", "types": "问题类型", "departments": "部门", "place": "地点",
    "observed": "发现时间", "action": "处理情况", "follows": "前情",
    "follows_quote": "前情原文开头", "words": "同义词", "groups": "同义词组", "sections": "部分", "figures": "各地指标表",
    "districts": "区县",
}
_TYPE_NAMES = {"string": "文字", "integer": "整数", "number": "数字", "array": "列表",
               "object": "键值表", "date": "日期（如 2018-09-21）", "boolean": "true 或 false", "null": "空"}


def _is_date(_checker: Any, value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _is_integer(_checker: Any, value: Any) -> bool:
    """33.0 is no issue number: jsonschema would take a float with no fraction as an integer."""
    return isinstance(value, int) and not isinstance(value, bool)


_Validator = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine_many({"date": _is_date, "integer": _is_integer}),
)


def _describe(value: Any) -> str:
    for py, name in ((bool, "是/否"), (int, "整数"), (float, "数字"), (str, "文字"),
                     (list, "列表"), (dict, "键值表"), (dt.datetime, "日期和时间"), (dt.date, "日期"),
                     (type(None), "空值")):
        if isinstance(value, py):
            return name
    return type(value).__name__


def _field(path: tuple) -> str:
    for key in reversed(path):
        if isinstance(key, str):
            return f"“{FIELD_NAMES.get(key, key)}”（{key}）" if key in FIELD_NAMES else f"“{key}”"
    return "文件"


def closest(word: str, options: list[str], n: int = 3, cutoff: float = 0.3) -> list[str]:
    return difflib.get_close_matches(word, options, n=n, cutoff=cutoff)


def _message(err: Any, path: tuple) -> Iterator[tuple[tuple, str]]:
    kind, where = err.validator, _field(path)
    if kind == "type":
        wanted = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        names = "或".join(_TYPE_NAMES.get(w, w) for w in wanted)
        yield path, f"{where}应为{names}，这里是{_describe(err.instance)} — 请改成{names}"
    elif kind == "required":
        for key in err.validator_value:
            if isinstance(err.instance, dict) and key not in err.instance:
                yield path, f"缺少{_field((key,))} — 请补上这一项"
    elif kind == "additionalProperties":
        known = sorted(err.schema.get("properties", {}))
        for key in sorted(set(err.instance) - set(known), key=str):
            near = closest(str(key), known, 1)
            hint = f"是否应为“{near[0]}”？" if near else ""
            yield path + (key,), f"未知的键“{key}” — {hint}可用的键：{'、'.join(known)}"
    elif kind == "minLength":
        yield path, f"{where}不能为空 — 请填写内容"
    elif kind == "maxLength":
        yield path, (f"{where}有 {len(err.instance):,} 字，超过 {err.validator_value:,} 字，不像一条问题 — "
                     "请核对原文，把几条问题分开写")
    elif kind == "minItems":
        yield path, f"{where}至少要有 {err.validator_value} 项，这里只有 {len(err.instance)} 项 — 请补上"
    elif kind == "uniqueItems":
        yield path, f"{where}中有重复的项 — 每项只写一次"
    elif kind == "enum":
        yield path, f"{where}的值“{err.instance}”无效 — 可选：{'、'.join(map(str, err.validator_value))}"
    elif kind in ("minimum", "maximum"):
        yield path, f"{where}的值 {err.instance} 超出范围 — 应{'不小于' if kind == 'minimum' else '不大于'} {err.validator_value}"
    elif kind == "pattern" and path[-1:] == ("follows",):
        yield path, f"{where}的值“{err.instance}”格式不对 — 应为一条问题的编号，如 2024-013-chengqu-2（期、区县、序号）"
    elif kind == "pattern":
        yield path, f"{where}的值“{err.instance}”格式不对 — 只能用小写拼音字母、数字和连字符，如 chengqu"
    else:
        yield path, f"{where}不符合要求（{kind}） — 请对照编辑指南修改"


def check(data: Any, schema: dict) -> list[tuple[tuple, str]]:
    """Every structural error as (path in the data, Chinese message), in document order."""
    validator = _compiled(_NAMES[id(schema)]) if id(schema) in _NAMES else _Validator(schema)
    found = []
    for err in sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        found.extend(_message(err, tuple(err.absolute_path)))
    return found


# The schemas above, by name: each is compiled once (a pure function of a constant).
_BY_NAME = {"issue": ISSUE, "district": DISTRICT, "sections": SECTIONS, **{f"registry:{k}": v for k, v in REGISTRIES.items()}}
_NAMES = {id(v): k for k, v in _BY_NAME.items()}


@lru_cache(maxsize=None)
def _compiled(name: str) -> Any:
    return _Validator(_BY_NAME[name])
