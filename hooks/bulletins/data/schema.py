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

from . import fields

MAX_FINDING_CHARS = fields.MAX_FINDING_CHARS
ISSUE = fields.shape_of(fields.ISSUE)
FINDING = fields.shape_of(fields.DISTRICT_FINDING)
DISTRICT = fields.shape_of(fields.DISTRICT)
SECTIONS = fields.shape_of(fields.SECTIONS)
REGISTRIES = {name: fields.shape_of(record) for name, record in fields.REGISTRIES.items()}

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


def _field(path: tuple, record: tuple[fields.Field, ...] = ()) -> str:
    """The field a path ends in, as “label”（key）: its label read from the record's table."""
    for n, key in reversed(list(enumerate(path))):
        if isinstance(key, str):
            found = fields.at(record, path[:n + 1])
            return f"“{found.label}”（{key}）" if found else f"“{key}”"
    return "文件"


def closest(word: str, options: list[str], n: int = 3, cutoff: float = 0.3) -> list[str]:
    return difflib.get_close_matches(word, options, n=n, cutoff=cutoff)


def _message(err: Any, path: tuple, record: tuple[fields.Field, ...]) -> Iterator[tuple[tuple, str]]:
    kind, where = err.validator, _field(path, record)
    if kind == "type":
        wanted = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        names = "或".join(_TYPE_NAMES.get(w, w) for w in wanted)
        yield path, f"{where}应为{names}，这里是{_describe(err.instance)} — 请改成{names}"
    elif kind == "required":
        for key in err.validator_value:
            if isinstance(err.instance, dict) and key not in err.instance:
                yield path, f"缺少{_field(path + (key,), record)} — 请补上这一项"
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
    name = _NAMES.get(id(schema))
    validator = _compiled(name) if name else _Validator(schema)
    record = _RECORDS.get(name or "", ())
    found = []
    for err in sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        found.extend(_message(err, tuple(err.absolute_path), record))
    return found


# The schemas above, by name: each is compiled once (a pure function of a constant).
_BY_NAME = {"issue": ISSUE, "district": DISTRICT, "sections": SECTIONS, **{f"registry:{k}": v for k, v in REGISTRIES.items()}}
_NAMES = {id(v): k for k, v in _BY_NAME.items()}
_RECORDS = {"issue": fields.ISSUE, "district": fields.DISTRICT, "sections": fields.SECTIONS,
            **{f"registry:{k}": v for k, v in fields.REGISTRIES.items()}}


@lru_cache(maxsize=None)
def _compiled(name: str) -> Any:
    return _Validator(_BY_NAME[name])
