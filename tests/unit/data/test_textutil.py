"""data/textutil.py: circled numbers, toneless readings, pinyin keys, sort keys, and whether an
action says more than its finding's text."""

from __future__ import annotations

import pytest

from bulletins.data import textutil


@pytest.mark.parametrize("n,shown", [(1, "①"), (2, "②"), (20, "⑳"), (21, "(21)"), (0, "(0)"), (-1, "(-1)")])
def test_a_number_is_circled_up_to_twenty(n, shown):
    assert textutil.circled(n) == shown


@pytest.mark.parametrize("reading,plain", [("jiāng gān", "jianggan"), ("Xī Hú", "xihu"), ("lǜ", "lu"),
                                           ("shàng-chéng 2", "shangcheng2"), ("ｘｉ", "xi")])
def test_a_reading_loses_its_tones_spaces_and_marks(reading, plain):
    assert textutil.toneless(reading) == plain


def test_pinyin_and_initials_of_chinese_text():
    assert textutil.pinyin_of("西湖区") == "xihuqu"
    assert textutil.initials_of("西湖区") == "xhq"
    assert textutil.pinyin_of("") == textutil.initials_of("") == ""
    assert textutil.pinyin_of.cache_info().maxsize == textutil.initials_of.cache_info().maxsize == 4096


def test_chinese_sorts_by_pinyin_then_by_characters():
    names = ["西湖区", "上城区", "拱墅区", "滨江区"]
    assert sorted(names, key=textutil.pinyin_sort_key) == ["滨江区", "拱墅区", "上城区", "西湖区"]
    assert textutil.pinyin_sort_key("西湖区") == ("xi hu qu", "西湖区")


@pytest.mark.parametrize("extra,text,more", [
    ("已约谈窗口负责人。", "窗口人员离岗，已约谈窗口负责人。", False),  # the text's last sentence, repeated
    ("已约谈，已整改。", "窗口人员离岗，已约谈。", True),  # 已整改 is new
    ("已约谈，整改", "窗口人员离岗；已约谈", True),  # 整改: a clause of two characters, new
    ("改。已约谈", "窗口人员离岗，已约谈", False),  # one character says nothing
    ("已约谈", "已约谈（窗口）", False),
    ("", "窗口", False),
])
def test_an_action_says_more_only_with_a_clause_of_two_characters_the_text_lacks(extra, text, more):
    assert textutil.says_more(extra, text) is more
