"""One table of fields (data/fields.py): every field of a finding reaches the schema, the canonical
order, the model, the review and the exports, and each label is the same wherever it is shown."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from bulletins.data import fields, load, schema, yamlio
from bulletins.data.model import Finding
from bulletins.edit import canonical
from bulletins.review import facts, semdiff
from bulletins.web import export

# A finding with every field a district file's finding may have, each a value one can find again.
EVERY = {"text": "9 月 18 日巡察发现二楼 17 号窗口无人。", "types": ["窗口纪律", "在岗情况"], "departments": ["税务"],
         "place": "区行政服务中心", "observed": "2018-09-18 14:43", "action": "已约谈窗口负责人",
         "follows": "2018-032-gongshu-1", "follows_quote": "9月10日"}


def test_the_sample_finding_names_every_field_of_the_table():
    assert set(EVERY) == set(fields.names(fields.DISTRICT_FINDING))


def test_every_field_is_in_the_schema_and_nothing_else_is():
    assert schema.check({"district": "拱墅区", "findings": [EVERY]}, schema.DISTRICT) == []
    for name in EVERY:
        assert name in schema.FINDING["properties"]
    refused = schema.check({"district": "拱墅区", "findings": [{**EVERY, "plcae": "x"}]}, schema.DISTRICT)
    assert refused and "未知的键“plcae”" in refused[0][1] and "是否应为“place”" in refused[0][1]


@pytest.mark.parametrize("name", fields.names(fields.DISTRICT_FINDING))
def test_a_field_reaches_the_model_the_review_and_the_exports(name):
    f = load._finding(EVERY, "gongshu", 3)
    value = getattr(f, name)
    assert value == (tuple(EVERY[name]) if isinstance(EVERY[name], list) else EVERY[name])
    field = fields.field(fields.FINDING, name)
    said = [fact for fact in facts.finding_facts("拱墅区", 3, EVERY) if fact.key == ("finding", 3, name)]
    assert [fact.what for fact in said] == [f"③ {field.review}"]
    assert said[0].value == facts.words(EVERY[name])
    row = _csv_row(f)
    js = _json_finding(f)
    if field.export:
        assert js[name] == (list(value) if isinstance(value, tuple) else value)
        assert row[field.label] == ("\n".join(value) if isinstance(value, tuple) else value)
    else:
        assert name not in js and field.label not in row


def test_an_empty_optional_field_is_null_in_archive_json_and_empty_in_the_csv():
    f = Finding("gongshu", 1, "窗口无人。")
    js = _json_finding(f)
    assert js["text"] == "窗口无人。"
    assert all(js[n] is None for n in ("place", "observed", "action", "follows"))
    assert js["types"] == [] and js["departments"] == [] and js["districts"] == ["gongshu"]
    assert _csv_row(f)["地点"] == ""


def test_the_canonical_order_is_the_tables():
    shuffled = dict(reversed(list(EVERY.items())))
    text = canonical.render({"findings": [shuffled], "district": "拱墅区"}, "district")
    keys = [line.strip().lstrip("- ").split(":")[0] for line in text.splitlines() if line.startswith("  ")]
    assert keys == list(fields.names(fields.DISTRICT_FINDING))
    assert text.startswith("district: 拱墅区\nfindings:\n")
    assert "types: [窗口纪律, 在岗情况]" in text  # a list of names on one line


def test_a_label_is_the_same_in_an_error_and_in_the_review():
    """`period` was 时段 in the review and 通报时段 in errors: one label now."""
    head = {"number": 1, "date": dt.date(2018, 9, 21), "series": "专报", "publisher": "办公室", "report": {"title": "t"}}
    errors = [m for _, m in schema.check({**head, "period": "九月"}, schema.ISSUE)]
    assert errors == ["“通报时段”（period）应为键值表，这里是文字 — 请改成键值表"]
    errors = [m for _, m in schema.check({**head, "period": {"start": "九月"}}, schema.ISSUE)]
    assert any(m.startswith("“开始日期”（start）应为日期") for m in errors), errors
    assert "缺少“结束日期”（end） — 请补上这一项" in errors
    review = facts.issue_facts({"period": {"start": dt.date(2018, 9, 17), "end": dt.date(2018, 9, 21)}})
    assert [(f.what, f.value) for f in review] == [("通报时段", "2018-09-17 至 2018-09-21")]


def test_archive_json_and_the_csv_keep_their_published_columns():
    """A public contract (doc/data.md): a field of the table that stops being exported is a test failure."""
    assert list(_json_finding(load._finding(EVERY, "gongshu", 1))) == [
        "id", "number", "text", "districts", "types", "departments", "place", "observed", "action", "url",
        "earlier", "follows", "followed_by"]
    assert list(_csv_row(load._finding(EVERY, "gongshu", 1))) == [
        "期", "日期", "区县", "序号", "原文", "问题类型", "部门", "地点", "发现时间", "处理情况", "前情", "本期更正说明", "链接"]


def test_an_error_names_the_field_of_its_own_record():
    """`text` is 原文 in a finding and 正文 in a part of a bulletin by category; `title` 标题 in both."""
    bad = {"sections": [{"title": "一、窗口纪律", "text": 3, "findings": [{"text": 4, "districts": ["拱墅区"]}]}]}
    messages = [m for _, m in schema.check(bad, schema.SECTIONS)]
    assert any(m.startswith("“正文”（text）应为文字") for m in messages), messages
    assert any(m.startswith("“原文”（text）应为文字") for m in messages), messages


def test_a_registry_field_is_named_in_chinese_in_its_error():
    errors = schema.check({"types": [{"name": "窗口纪律", "slug": "chuangkou", "description": "x", "routine": "是"}]},
                          schema.REGISTRIES["problem_types"])
    assert errors and errors[0][1].startswith("“例行报告（不算再次出现）”（routine）应为true 或 false")


def test_a_records_fields_are_unique_and_labelled():
    records = [fields.ISSUE, fields.REPORT, fields.PERIOD, fields.DISTRIBUTION, fields.CORRECTION, fields.DISTRICT,
               fields.FINDING, fields.SECTION, fields.SECTIONS, *fields.REGISTRIES.values(),
               *(f.items for f in fields.REGISTRY_LISTS)]
    for record in records:
        assert len(set(fields.names(record))) == len(record)
        assert all(f.label and (f.shape or f.parts or f.items) for f in record)


def test_the_model_holds_every_finding_field():
    assert set(fields.names(fields.DISTRICT_FINDING)) <= set(Finding.__dataclass_fields__)


def test_a_review_of_an_edited_field_says_its_label():
    old = yamlio.dump_canonical({"district": "拱墅区", "findings": [EVERY]})
    new = old.replace("区行政服务中心", "区市民之家")
    lines = "\n".join(semdiff.diff({"issues/2018-033/gongshu.yaml": old}, {"issues/2018-033/gongshu.yaml": new}))
    assert "① 地点" in lines and "区市民之家" in lines, lines


def _json_finding(f: Finding) -> dict:
    from bulletins.analysis.patterns import FollowLinks
    from bulletins.data.model import Issue

    issue = Issue.__new__(Issue)
    object.__setattr__(issue, "id", "2018-033")
    out = export._finding(issue, f, {}, FollowLinks({}, {}))
    return json.loads(json.dumps(out, ensure_ascii=False))


def _csv_row(f: Finding) -> dict:
    class R:
        district = type("D", (), {"slug": f.district, "name": "拱墅区"})()
        findings = (f,)

    class I:
        id, date, corrections, reports = "2018-033", dt.date(2018, 9, 21), (), (R,)

    class A:
        issues = (I,)
        registry = type("Reg", (), {"district_by_slug": staticmethod(lambda s: None)})()

    text = export.findings_csv(A).decode("utf-8").lstrip("\ufeff")
    header, row = list(csv.reader(io.StringIO(text)))
    return dict(zip(header, [c.lstrip("'") for c in row]))


def test_a_field_of_registered_names_is_checked_against_its_registry():
    from bulletins.data import validate
    from bulletins.data.located import FileProblems
    from bulletins.data.registry import load_registry

    registry, _ = load_registry(Path(__file__).resolve().parents[3])
    for field in (f for f in fields.FINDING if f.registered):
        fp = FileProblems(Path("x.yaml"), "x.yaml")
        validate.finding({"text": "x", field.name: ["没有登记的名称"]}, 0, registry, fp, None)
        [(where, message, _)] = fp.queued
        assert where == ("findings", 0, field.name, 0)
        assert message.startswith(f"未知的{field.label}“没有登记的名称”") and f"issues/registry/{field.registered}.yaml" in message


FORMAT = Path(__file__).resolve().parents[2] / "fixtures" / "data-format.json"


def _described(record) -> list[dict]:
    out = []
    for f in record:
        row = {k: v for k, v in vars(f).items() if k not in ("parts", "items") and v not in ("", False, None, ())}
        if f.parts or f.items:
            row["parts" if f.parts else "items"] = _described(f.parts or f.items)
        out.append(row)
    return out


def test_the_data_format_changes_only_on_purpose():
    """The table is the data format every archive's files follow (doc/data.md): a required key, a
    bound, a label or an exported column changed is a change to check here, with its tests. After a
    deliberate change: ZB_UPDATE_FORMAT=1 .venv/bin/python -m pytest tests/unit/data/test_fields.py"""
    import os

    now = {"issue": _described(fields.ISSUE), "district": _described(fields.DISTRICT),
           "sections": _described(fields.SECTIONS),
           **{f"registry/{k}": _described(v) for k, v in fields.REGISTRIES.items()}}
    text = json.dumps(now, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if os.environ.get("ZB_UPDATE_FORMAT") == "1":
        FORMAT.write_text(text, encoding="utf-8")
    assert FORMAT.read_text(encoding="utf-8") == text
