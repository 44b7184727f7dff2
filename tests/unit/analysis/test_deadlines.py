"""deadlines.due, case by case: every unit and numeral, the year's turn, the month's bounds, the
ten-year limit (cases found by a mutation run: doc/testing.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from bulletins.analysis.deadlines import MAX_DAYS, due

D = dt.date


@pytest.mark.parametrize("word,days", [("一", 1), ("两", 2), ("二", 2), ("三", 3), ("四", 4), ("五", 5), ("六", 6),
                                       ("七", 7), ("八", 8), ("九", 9), ("十", 10), ("十五", 15), ("12", 12)])
def test_each_numeral_counts_its_days(word, days):
    assert due(f"限期{word}天内整改", D(2018, 9, 21)) == D(2018, 9, 21) + dt.timedelta(days=days)


@pytest.mark.parametrize("text,expected", [
    ("5 个工作日内完成", D(2018, 9, 28)),    # a working week is seven days
    ("3 个工作日内完成", D(2018, 9, 25)),    # 4.2 days, rounded
    ("两周内完成", D(2018, 10, 5)), ("两个星期内完成", D(2018, 10, 5)), ("一个月内完成", D(2018, 10, 21)),
    ("半个月内完成", D(2018, 10, 6)), ("10 日内完成", D(2018, 10, 1)),
])
def test_each_unit_of_time(text, expected):
    assert due(text, D(2018, 9, 21)) == expected


def test_ten_years_is_the_furthest_a_promise_is_held_to():
    assert MAX_DAYS == 3660
    assert due("3660 天内完成", D(2018, 9, 21)) == D(2028, 9, 28)
    assert due("3661 天内完成", D(2018, 9, 21)) is None


@pytest.mark.parametrize("issued,text,expected", [
    (D(2019, 12, 20), "1 月 15 日前完成", D(2020, 1, 15)),    # a month before the issue's: next year
    (D(2018, 12, 20), "1 月 15 日前完成", D(2019, 1, 15)),
    (D(2019, 12, 20), "12 月 25 日前完成", D(2019, 12, 25)),  # the issue's own month: this year
    (D(2019, 11, 20), "12 月 25 日前完成", D(2019, 12, 25)),
    (D(2019, 12, 20), "2 月 30 日前完成", None),              # no such day
    (D(2019, 12, 20), "1 月底前完成", D(2020, 1, 31)),
    (D(2018, 12, 20), "1 月底前完成", D(2019, 1, 31)),
    (D(2019, 12, 20), "12 月底前完成", D(2019, 12, 31)),
    (D(2019, 1, 10), "1 月底前完成", D(2019, 1, 31)),
    (D(2019, 1, 10), "2 月底前完成", D(2019, 2, 28)),
    (D(2019, 1, 10), "13 月底前完成", None), (D(2019, 1, 10), "0 月底前完成", None),
    (D(2019, 12, 20), "下月底前完成", D(2020, 1, 31)), (D(2019, 11, 20), "下下月底前完成", D(2020, 1, 31)),
    (D(2019, 2, 10), "本月底前完成", D(2019, 2, 28)),
    (D(2018, 9, 21), "去年底已报告，将于月底前完成", D(2018, 9, 30)),  # 年底 elsewhere in the text is not this one
    (D(2018, 9, 21), "本区去年年底报告，月底前完成", D(2018, 9, 30)),
    (D(2018, 9, 21), "于年底前完成", D(2018, 12, 31)),  # 底前 right after 年 is the year's end
    (D(2018, 9, 21), "将于年底前完成", D(2018, 12, 31)), (D(2018, 9, 21), "年内完成", D(2018, 12, 31)),
])
def test_dates_named_by_month_and_day_turn_the_year_where_they_must(issued, text, expected):
    assert due(text, issued) == expected


def test_the_last_year_an_archive_holds_has_no_next_month():
    assert due("下月底前完成", D(9999, 12, 20)) is None and due("1 月 5 日前", D(9999, 12, 20)) is None
