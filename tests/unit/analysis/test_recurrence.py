"""recurrence.py, rule by rule: when two findings of a district are the same problem again."""

from __future__ import annotations

import math

import pytest

from bulletins.analysis import recurrence
from bulletins.analysis.recurrence import Measure, place_of, same_problem
from bulletins.data.model import Finding, ProblemType, Registry

REG = Registry(districts=(), metrics=(), departments=(), types=(
    ProblemType("窗口纪律", "chuangkou", "x"), ProblemType("自助设备", "zizhu", "x"),
    ProblemType("满意度回访", "huifang", "x", routine=True)))

TEXT = "巡察发现二楼 17 号税务窗口人员离岗，去向牌未摆放。"


def F(text: str = TEXT, types=("窗口纪律",), place: str = "区行政服务中心", departments=("税务",), **kw) -> Finding:
    return Finding("gongshu", 1, text, types=tuple(types), place=place, departments=tuple(departments), **kw)


def same(a: Finding, b: Finding, *others: Finding) -> bool:
    return same_problem(a, b, REG, Measure([a, b, *others]))


def test_the_same_fault_at_the_same_place_is_the_same_problem():
    assert same(F(), F("复查发现二楼 17 号税务窗口人员又离岗，去向牌仍未摆放。"))


@pytest.mark.parametrize("which", ["later", "earlier"])
def test_a_follow_up_is_never_the_problem_again(which):
    """A finding that `follows` another reports work on it (whichever of the two is the follow-up)."""
    later, earlier = F(), F()
    if which == "later":
        later = F(follows="2018-032-gongshu-1")
    else:
        earlier = F(follows="2018-031-gongshu-1")
    assert same(F(), F())
    assert not same(later, earlier)


def test_a_shared_type_is_needed_and_a_routine_one_does_not_count():
    assert not same(F(types=("窗口纪律",)), F(types=("自助设备",)))
    assert not same(F(types=("满意度回访",)), F(types=("满意度回访",)))
    assert same(F(types=("满意度回访", "窗口纪律")), F(types=("窗口纪律",)))
    assert recurrence.problem_types(F(types=("满意度回访", "窗口纪律", "未登记")), REG) == {"窗口纪律", "未登记"}


def test_another_place_is_another_problem():
    assert not same(F(place="区行政服务中心"), F(place="市民之家"))


def test_a_place_inside_the_other_counts_when_both_name_four_characters_or_more():
    assert same(F(place="区行政服务中心"), F(place="拱墅区行政服务中心"))
    assert same(F(place="拱墅区行政服务中心"), F(place="区行政服务中心"))
    assert same(F(place="市民之家"), F(place="拱墅区市民之家"))  # four characters: enough to name a place
    for short, long in (("大厅", "区行政服务大厅"), ("服务厅", "拱墅办税服务厅")):  # two, three: in every hall's name
        assert not same(F(place=short), F(place=long)) and not same(F(place=long), F(place=short))


def test_without_places_the_department_decides():
    assert same(F(place="", departments=("税务",)), F(place="", departments=("税务", "社保")))
    assert not same(F(place="", departments=("税务",)), F(place="", departments=("交警",)))
    assert same(F(place="", departments=("税务",)), F(place="区行政服务中心", departments=("税务",)))


def test_alike_wording_is_needed_and_the_threshold_is_similar():
    other = F("区行政服务中心自助填表机黑屏，无法使用。")
    assert not same(F(), other)
    a, b = F("窗口人员离岗"), F("窗口人员离岗看手机")
    m = Measure([a, b])
    both, one = 1 + math.log(3 / 2.5), 1 + math.log(3 / 1.5)  # a pair in both findings; in one (1 + idf)
    assert m.similarity(a, b) == pytest.approx(5 * both / (5 * both + 3 * one))  # 窗口 口人 人员 员离 离岗 | 岗看 看手 手机
    assert same_problem(a, b, REG, m)


def test_the_place_the_action_and_the_figures_are_not_the_wording():
    f = F("9 月 18 日 14 时巡察区行政服务中心发现窗口离岗，已约谈。", place="区行政服务中心", action="已约谈。")
    place, pairs = Measure([f]).of(f)
    assert place == "区行政服务中心"
    assert pairs == frozenset({"巡察", "发现", "现窗", "窗口", "口离", "离岗"})


def test_the_place_is_the_field_else_the_hall_the_text_names():
    assert place_of(F(place="祥园路 101 号（办税厅）")) == "祥园路101号办税厅"
    assert place_of(F(TEXT + "检查出入境办证大厅发现排队", place="")) == "出入境办证大厅"
    assert place_of(F("巡查区市民之家时发现", place="")) == "区市民之家"
    assert place_of(F("窗口人员离岗", place="")) == ""


def test_rare_pairs_weigh_more_than_common_ones():
    common = [F("窗口人员离岗" + str(n)) for n in range(5)]
    rare = F("去向牌未摆放")
    m = Measure([*common, rare])
    assert m.weight["去向"] > m.weight["窗口"] > 1
    assert Measure([]).similarity(F(""), F("x")) == 0.0


def test_equal_places_are_the_same_however_short_and_however_written():
    assert same(F(place="大厅（一）"), F(place="大厅(一)"))  # both 大厅一 once brackets are dropped
    assert same(F(place="拱墅区市民之家"), F(place="市民之家"))  # the shorter one of exactly four characters


def test_alike_at_exactly_the_threshold_is_alike():
    a, b = F("甲乙丙丁"), F("甲乙丙丁戊己庚辛壬癸子")  # 3 pairs shared of 10 in all
    m = Measure([a, b])
    m.weight = {}  # every pair weighs 1: the similarity is 3 / 10
    assert m.similarity(a, b) == recurrence.SIMILAR == 0.3
    assert same_problem(a, b, REG, m)


def test_findings_the_measure_never_saw_weigh_each_pair_alike():
    a, b = F("窗口人员离岗"), F("窗口人员离岗看手机")
    assert Measure([]).similarity(a, b) == pytest.approx(5 / 8)


def test_rarity_counts_the_findings_plus_one():
    fs = [F("窗口人员离岗"), F("窗口无人"), F("排队时间长")]
    m = Measure(fs)
    assert m.weight["窗口"] == pytest.approx(1 + math.log(4 / 2.5))  # 3 findings, in 2 of them
    assert m.weight["排队"] == pytest.approx(1 + math.log(4 / 1.5))
