"""Every field of every kind of data file, edited one at a time: each edit shows in `bulletins diff`
(text, Markdown, HTML) and in the textconv view of `git diff`, in words, and nothing else shows.

The edits are generated from the schema, so a field added to the schema is covered (or this test
says which base document lacks it)."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Any, Iterator

import markdown
import pytest
from bs4 import BeautifulSoup
from ruamel.yaml import YAML

from bulletins.data import schema
from bulletins.review import diffviews, semdiff

REPO = Path(__file__).resolve().parent.parent
NOTATION = re.compile(r"datetime\.|\{'|\['|PrintedFloat|None\b|True\b|False\b")

ISSUE = """\
number: 33
date: 2018-09-21
series: “最多跑一次”改革专报
publisher: 改革专题组办公室
report:
  title: 各区、县(市) 和管委会自查情况通报
  sequence: 第 2 期
period:
  start: 2018-09-14
  end: 2018-09-20
intro: 9 月 14 日—9 月 20 日整体自查情况如下
distribution:
  report_to: 省改革办公室
  send_to: 市直各单位
  copy_to: 市委办公厅
  printed: 2018 年 9 月 21 日印发
unplaced:
  - 一段没归入任何区县的文字
draft: false
corrections:
  - date: 2018-09-28
    note: 更正上城区的满意数
"""

DISTRICT = """\
district: 上城区
position: 1
summary: 本周共巡查 3 次
metrics:
  回访量: 120
  满意率: 97.30
findings:
  - text: 窗口人员离岗十分钟
    types: [窗口纪律]
    departments: [税务]
    place: 区行政服务中心
    observed: 2018-09-18 14:43
    action: 已约谈当事人
    follows: 2018-032-shangcheng-1
    follows_quote: 窗口人员离岗
  - text: 自助机故障无人处理
    types: [自助设备]
"""

# registry file → its schema name; the committed registries, which use (nearly) every field
REGISTRIES = {"districts.yaml": "districts", "problem_types.yaml": "problem_types", "metrics.yaml": "metrics",
              "departments.yaml": "departments", "settings.yaml": "settings", "synonyms.yaml": "synonyms"}

_yaml = YAML(typ="safe", pure=True)


def load(text: str) -> Any:
    return _yaml.load(text)


def dump(data: Any) -> str:
    import io
    out = io.StringIO()
    y = YAML(typ="safe", pure=True)
    y.allow_unicode = True
    y.default_flow_style = False
    y.dump(data, out)
    return out.getvalue()


def changed(value: Any, spec: dict) -> Any:
    """A different value of the same kind, easy to find in the output."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, dt.datetime):
        return value + dt.timedelta(minutes=7)
    if isinstance(value, dt.date):
        return value + dt.timedelta(days=1)
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value + 1.5
    if isinstance(value, list):
        return [*value, "新加一项"]
    return f"{value}改过"


def sample(spec: dict) -> Any:
    """A value for a field that the base document leaves out."""
    kind = spec.get("type")
    if spec.get("enum"):
        return spec["enum"][-1]
    return {"integer": 7, "number": 7, "boolean": True, "array": ["新加一项"], "date": dt.date(2019, 1, 2)}.get(
        kind if isinstance(kind, str) else "string", "新写的文字")


Edit = tuple[str, Any, str]  # (what was done, the edited document, a word the change must show)


def edits(spec: dict, data: Any, where: str = "") -> Iterator[Edit]:
    """Change every field the schema knows; add the optional ones that are absent, remove present ones."""
    props = spec.get("properties", {})
    required = set(spec.get("required", []))
    for key, sub in props.items():
        here = f"{where}.{key}" if where else key
        if key not in data:
            if sub.get("type") in ("object", "array") and "items" in sub and sub["items"].get("type") == "object":
                continue  # a list of records: covered where the base has one
            if sub.get("type") == "object":
                continue
            value = sample(sub)
            yield here + " 新增", {**data, key: value}, _shown(value)
            continue
        value = data[key]
        if isinstance(value, dict) and "properties" in sub:
            for what, inner, word in edits(sub, value, here):
                yield what, {**data, key: inner}, word
            continue
        if isinstance(value, dict):  # metrics: a name → a number
            name, number = next(iter(value.items()))
            yield here + " 改值", {**data, key: {**value, name: changed(number, {})}}, _shown(changed(number, {}))
            yield here + " 新增一项", {**data, key: {**value, "新指标": 5}}, "新指标"
            continue
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for i in sorted({0, len(value) - 1}):
                for what, inner, word in edits(sub["items"], value[i], f"{here}[{i}]"):
                    items = list(value)
                    items[i] = inner
                    yield what, {**data, key: items}, word
            continue
        new = changed(value, sub)
        yield here + " 改", {**data, key: new}, "改过" if isinstance(new, str) else _shown(new)
        if key not in required:
            yield here + " 删去", {k: v for k, v in data.items() if k != key}, ""


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return str(value[-1])
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def leaves(spec: dict, where: str = "") -> Iterator[str]:
    for key, sub in spec.get("properties", {}).items():
        here = f"{where}.{key}" if where else key
        if "properties" in sub:
            yield from leaves(sub, here)
        elif sub.get("type") == "array" and sub.get("items", {}).get("type") == "object":
            yield from leaves(sub["items"], here)
        else:
            yield here


def cases() -> Iterator[tuple[str, str, str, str]]:
    """(id, path, old text, new text, word) for every generated edit of every kind of file."""
    docs = [("issues/2018-033/issue.yaml", ISSUE, schema.ISSUE), ("issues/2018-033/shangcheng.yaml", DISTRICT, schema.DISTRICT)]
    for name, kind in REGISTRIES.items():
        docs.append((f"issues/registry/{name}", (REPO / "issues/registry" / name).read_text(encoding="utf-8"),
                     schema.REGISTRIES[kind]))
    for path, text, spec in docs:
        base = load(text)
        for what, edited, word in edits(spec, base):
            yield f"{path.split('/')[-1]}:{what}", path, dump(base), dump(edited), word


CASES = list(cases())


def test_the_edits_cover_every_field_of_every_kind_of_file():
    covered = {c[0].split(":", 1)[1].split(" ")[0] for c in CASES}
    plain = {re.sub(r"\[\d+\]", "", c) for c in covered}
    specs = {"issue.yaml": schema.ISSUE, "shangcheng.yaml": schema.DISTRICT} | {
        n: schema.REGISTRIES[k] for n, k in REGISTRIES.items()}
    for name, spec in specs.items():
        mine = {re.sub(r"\[\d+\]", "", c[0].split(":", 1)[1].split(" ")[0]) for c in CASES if c[0].startswith(name + ":")}
        assert set(leaves(spec)) <= mine, f"{name}: no edit of {set(leaves(spec)) - mine}"
    assert len(CASES) > 100 and plain


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_each_edit_shows_and_only_it(case):
    _, path, old, new, word = case
    before, after = {path: old}, {path: new}
    sections = semdiff.sections(before, after)
    changes = [c for s in sections for c in s.changes]
    assert len(changes) == 1, changes
    line = semdiff.change_line(changes[0])
    if word:
        assert word in line, line
    label = line.split("：", 1)[0]
    assert not re.search(r"[A-Za-z_]{3,}", label), f"a field left without a Chinese name: {line}"

    old_view, new_view = semdiff.textconv(old).splitlines(), semdiff.textconv(new).splitlines()
    delta = [d for d in difflib.ndiff(old_view, new_view) if d[:1] in "+-"]
    assert 1 <= len(delta) <= 2 and len([d for d in delta if d[0] == "+"]) <= 1 and len([d for d in delta if d[0] == "-"]) <= 1, delta
    if word:
        assert any(word in d for d in delta if d[0] == "+"), delta

    text = "\n".join(semdiff.diff(before, after))
    md = diffviews.markdown(sections, "A → B")
    page = diffviews.html_page(sections, "A → B")
    for shown in (text, md, page, "\n".join(old_view + new_view)):
        assert not NOTATION.search(shown), NOTATION.search(shown)
    rendered = BeautifulSoup(markdown.markdown(md), "html.parser").get_text()
    shown_page = BeautifulSoup(page, "html.parser").get_text()
    for view in (rendered, shown_page):
        if word:
            assert word in view
        assert changes[0].what.split("：")[0] in view


def test_markdown_renders_to_html_naming_every_change_with_the_changed_characters_marked():
    old = {"issues/2018-033/shangcheng.yaml": DISTRICT, "issues/2018-033/issue.yaml": ISSUE}
    new_district = DISTRICT.replace("离岗十分钟", "离岗二十分钟").replace("回访量: 120", "回访量: 121")
    new_district = new_district.replace("自助机故障", "<script>alert(1)</script> *自助机* 故障")
    new = {"issues/2018-033/shangcheng.yaml": new_district, "issues/2018-033/issue.yaml": ISSUE.replace("市直各单位", "市直各单位、各区")}
    sections = semdiff.sections(old, new)
    soup = BeautifulSoup(markdown.markdown(diffviews.markdown(sections, "HEAD → 工作区")), "html.parser")
    assert soup.find("h3").get_text() == "2018-033"
    district = next(li for li in soup.find_all("li") if li.find("strong") and li.find("strong").get_text() == "上城区")
    items = [li.get_text() for li in district.find_all("li")]
    assert any("回访量" in i and "120" in i and "121" in i for i in items)
    assert [d.get_text() for d in soup.find_all("ins")].count("二") >= 1
    assert "、各区" in [i.get_text() for i in soup.find_all("ins")]
    assert soup.find("script") is None and "<script>alert(1)</script> *自助机* 故障" in soup.get_text()
    assert soup.find("blockquote") and "已发布" in soup.find("blockquote").get_text()
    assert not soup.find("em")  # the data's asterisks stay asterisks


def test_the_review_page_shows_old_and_new_side_by_side_and_loads_nothing(tmp_path):
    new = DISTRICT.replace("离岗十分钟", "离岗二十分钟")
    page = diffviews.html_page(semdiff.sections({"issues/2018-033/a.yaml": DISTRICT}, {"issues/2018-033/a.yaml": new}), "x")
    soup = BeautifulSoup(page, "html.parser")
    old_side, new_side = soup.select_one(".side.old"), soup.select_one(".side.new")
    assert "离岗十分钟" in old_side.get_text() and "离岗二十分钟" in new_side.get_text()
    assert [i.get_text() for i in new_side.find_all("ins")] == ["二"]
    assert not soup.select("[src], link[href]") and "@import" not in page and "url(" not in page
