"""data/registry.py on small registries written here: what is read, and each rule that keeps a name,
a slug, a rule of metrics or a synonym meaning one thing."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulletins.data.registry import load_registry

DISTRICTS = """districts:
  - name: 西湖区
    slug: xihu
    pinyin: xī hú
    kind: 区
    order: 2
    aliases: [西湖]
  - name: 上城区
    slug: shangcheng
    pinyin: shàng chéng
    kind: 区
    order: 1
    valid_from: 1955-01-01
    valid_to: 2021-04-08
    successors: [xihu]
"""
TYPES = """types:
  - name: 窗口纪律
    slug: chuangkou-jilv
    description: 离岗、闲聊
    keywords: [离岗]
  - name: 满意度回访
    slug: huifang
    description: 每周的回访数字
    routine: true
"""
METRICS = """metrics:
  - name: 回访量
    slug: huifangliang
    unit: 件
    kind: count
  - name: 满意
    slug: manyi
    unit: 件
    kind: count
  - name: 未接通
    slug: weijietong
    unit: 件
    kind: count
rates:
  - name: 满意率（计算）
    numerator: [满意]
    denominator: [回访量, -未接通]
trends:
  - metric: 回访量
  - metric: 满意
    label: 满意件数
    fallback: 满意率（计算）
sums:
  - parts: [满意]
    total: [回访量, -未接通]
"""
DEPARTMENTS = """departments:
  - name: 税务
    slug: shuiwu
"""


def _registry(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "issues" / "registry"
    folder.mkdir(parents=True)
    texts = {"districts": DISTRICTS, "problem_types": TYPES, "metrics": METRICS, "departments": DEPARTMENTS, **files}
    for name, text in texts.items():
        if text is not None:
            (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def _problems(tmp_path: Path, **files: str) -> list[str]:
    registry, problems = load_registry(_registry(tmp_path, **files))
    assert registry is None or not problems
    return [f"{p.path}:{p.line}: {p.message}" for p in problems]


def test_the_registries_are_read_districts_in_their_order(tmp_path):
    reg, problems = load_registry(_registry(tmp_path))
    assert problems == []
    assert [d.slug for d in reg.districts] == ["shangcheng", "xihu"]
    assert reg.district_by_any_name("西湖").slug == "xihu" and reg.districts[0].successors == ("xihu",)
    assert [(t.name, t.routine, t.keywords) for t in reg.types] == [("窗口纪律", False, ("离岗",)), ("满意度回访", True, ())]
    [rate] = reg.rates
    assert (rate.numerator.plus, rate.denominator.plus, rate.denominator.minus) == (("满意",), ("回访量",), ("未接通",))
    assert [(t.metric, t.label, t.fallback) for t in reg.trends] == [("回访量", "回访量", ""), ("满意", "满意件数", "满意率（计算）")]
    assert reg.sums[0].total.minus == ("未接通",) and reg.recurrence_window == 8 and reg.synonyms == ()


def test_settings_and_synonyms_are_read_when_there(tmp_path):
    reg, problems = load_registry(_registry(tmp_path, settings="recurrence_window: 4\n",
                                            synonyms="groups:\n  - words: [自助机, 自助终端]\n"))
    assert problems == [] and reg.recurrence_window == 4 and reg.synonyms == (("自助机", "自助终端"),)


@pytest.mark.parametrize("files,problem", [
    ({"settings": "recurrence_window: 0\n"}, "issues/registry/settings.yaml:1: “判断再次出现时往前看的期数”（recurrence_window）的值 0 超出范围 — 应不小于 1"),
    ({"synonyms": "groups:\n  - words: [自助机, 自助终端]\n  - words: [自助终端, 一体机]\n"},
     "issues/registry/synonyms.yaml:3: “自助终端”已在第 1 组（“自助终端”） — 一个词只能属于一组：请把两组合并，或删去其中一处"),
    ({"synonyms": "groups:\n  - words: [机, 自助终端]\n"},
     "issues/registry/synonyms.yaml:2: “机”只有一个字 — 同义词至少两个字，否则会找到太多无关的问题"),
    ({"synonyms": "groups:\n  - words: [自助机]\n"},
     "issues/registry/synonyms.yaml:2: “同义词”（words）至少要有 2 项，这里只有 1 项 — 请补上"),
])
def test_settings_and_synonyms_are_checked_at_their_lines(tmp_path, files, problem):
    assert _problems(tmp_path, **files) == [problem]


def test_a_file_nothing_reads_and_a_missing_folder_are_named(tmp_path):
    root = _registry(tmp_path)
    (root / "issues/registry/types.yaml").write_text("x", encoding="utf-8")
    (root / "issues/registry/.hidden.yaml").write_text("x", encoding="utf-8")
    registry, problems = load_registry(root)
    assert registry is None and [p.path for p in problems] == ["issues/registry/types.yaml"]
    assert problems[0].message.endswith("types.yaml 不会被读取，请移走或删除")
    registry, problems = load_registry(tmp_path / "nowhere")
    assert registry is None and problems[0].message.startswith("找不到登记表文件夹")


def _district(name: str, slug: str, pinyin: str, extra: str = "") -> str:
    return f"  - name: {name}\n    slug: {slug}\n    pinyin: {pinyin}\n    kind: 区\n    order: 3\n{extra}"


@pytest.mark.parametrize("entry,problem", [
    (_district("西湖区", "xihuer", "xī hú ér"), "“西湖区”重复登记 — 每个name只能用一次"),
    (_district("东湖区", "xihu", "xī hú"), "“xihu”重复登记 — 每个slug只能用一次"),
    (_district("东湖区", "issue", "issue"), "slug 不能是“issue”"),
    (_district("东湖区", "donghu-2", "dōng hú 2"), "slug“donghu-2”以“-数字”结尾"),
    (_district("东湖区", "donghu", "dōng hū hú"), "slug“donghu”与读音“dōng hū hú”不一致"),
    (_district("东湖区", "donghu", "dōng hú", "    predecessors: [beihu]\n"), "“beihu”不是已登记的 slug — 可用：donghu、shangcheng、xihu"),
    (_district("东湖区", "donghu", "dōng hú", "    valid_from: 2021-04-09\n    valid_to: 2021-04-08\n"),
     "valid_to 早于 valid_from — 请检查日期"),
    (_district("西湖 区", "donghu", "dōng hú"), "“西湖 区”与西湖区的“西湖区”相同（或只差全角半角、空格）"),
    (_district("东湖区", "donghu", "dōng hú", "    aliases: [西湖]\n"), "“西湖”与西湖区的“西湖”相同"),
    (_district("东湖⾦区", "donghu", "dōng hú"), "“东湖⾦区”中的“⾦”（U+2FA6）是兼容字符"),
])
def test_each_district_rule_names_its_entry(tmp_path, entry, problem):
    found = _problems(tmp_path, districts=DISTRICTS + entry)
    assert any(problem in f for f in found), found
    assert all(int(f.split(":")[1]) >= 16 for f in found)  # each at the new entry (from line 16)


def test_an_alias_may_repeat_its_own_name(tmp_path):
    assert _problems(tmp_path, districts=DISTRICTS + _district("东湖区", "donghu", "dōng hú", "    aliases: [东湖区, 东湖]\n")) == []


@pytest.mark.parametrize("rules,problem", [
    ("rates:\n  - name: r\n    numerator: [满意]\n    denominator: [-接通]\n", "“接通”不是登记的指标 — 可用：回访量、未接通、满意"),
    ("trends:\n  - metric: 接通\n", "“接通”不是登记的指标"),
    ("trends:\n  - metric: 满意\n    fallback: 接通率\n", "“接通率”不是 rates 中的计算值 — 可用："),
    ("sums:\n  - parts: [满意, 好评]\n    total: [回访量]\n", "“好评”不是登记的指标"),
    ("sums:\n  - parts: [满意]\n    total: [回访]\n", "“回访”不是登记的指标"),
])
def test_the_rules_of_metrics_name_only_registered_metrics(tmp_path, rules, problem):
    metrics = METRICS[:METRICS.index("rates:")] + rules
    found = _problems(tmp_path, metrics=metrics)
    assert len(found) == 1 and problem in found[0] and found[0].startswith("issues/registry/metrics.yaml:")


def test_types_and_departments_are_checked_alike(tmp_path):
    found = _problems(tmp_path, problem_types=TYPES + "  - name: 窗口纪律\n    slug: chuangkou\n    description: x\n",
                      departments=DEPARTMENTS + "  - name: 税收\n    slug: shuiwu\n")
    assert found == ["issues/registry/problem_types.yaml:10: “窗口纪律”重复登记 — 每个name只能用一次",
                     "issues/registry/problem_types.yaml:10: “窗口纪律”与窗口纪律的“窗口纪律”相同（或只差全角半角、空格） — "
                     "每个名称和别名只能属于一个问题类型，否则无法分辨指的是哪一个",
                     "issues/registry/departments.yaml:5: “shuiwu”重复登记 — 每个slug只能用一次"]


def test_a_name_that_would_break_a_page_stops_the_registry_before_its_rules(tmp_path):
    found = _problems(tmp_path, departments=DEPARTMENTS + '  - name: "税务 "\n    slug: shuiwu\n')
    assert found == ["issues/registry/departments.yaml:4: “税务 ”首尾有空格 — 请删去名称前后的空格（包括全角空格）"]


def test_a_word_twice_in_one_group_as_written_differently_is_one_word(tmp_path):
    assert _problems(tmp_path, synonyms='groups:\n  - words: [自助机, "自助 机", 一体机]\n') == []


def test_a_word_again_in_a_later_group_names_the_group_it_is_in(tmp_path):
    found = _problems(tmp_path, synonyms="groups:\n  - words: [母婴室, 哺乳室]\n  - words: [自助机, 自助终端]\n"
                                         "  - words: [一体机, 自助终端]\n")
    assert found == ["issues/registry/synonyms.yaml:4: “自助终端”已在第 2 组（“自助终端”） — 一个词只能属于一组：请把两组合并，或删去其中一处"]


def test_a_stray_file_and_a_missing_folder_are_at_the_start_of_the_file(tmp_path):
    root = _registry(tmp_path)
    (root / "issues/registry/x.yaml").write_text("x", encoding="utf-8")
    _reg, problems = load_registry(root)
    assert [(p.line, p.col) for p in problems] == [(1, 1)]
    _reg, problems = load_registry(tmp_path / "nowhere")
    assert (problems[0].path, problems[0].line, problems[0].col) == ("issues/registry", 1, 1)
