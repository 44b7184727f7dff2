"""A promise's deadline, read from its own words (限期一周内, 两周内, 月底前, 10 月底前, 下月底前,
年底前, 10 月 15 日前) and counted from the issue's date. 近期 and 正在 name none.

RULE is the sentence the 待跟进 pages print, so readers know how a date was reached.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

RULE = ("期限按处理情况中的说法从通报日期算起（如“限期一周内”“两周内”“月底前”“10 月底前”“下月底前”“年底前”），"
        "逾期天数算到最新一期的日期；只说“近期”“正在”的没有期限。")

_NUM = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
        "十五": 15, "半": 0.5}
_N = r"(?<!\d)(\d{1,9}|十五|[一两二三四五六七八九十半])"
_WITHIN = re.compile(_N + r"\s*(?:个)?\s*(天|日|周|星期|工作日|月)(?:之)?内")
MAX_DAYS = 3660  # a promise further off than ten years names no date the archive can hold it to
_DAY_BEFORE = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日(?:之)?前")
_MONTH_END = re.compile(r"(?:(\d{1,2})\s*月|((?:下个?)+月|本月|当月))?\s*(?:月)?底(?:之)?前")
_YEAR_END = re.compile(r"年底(?:之)?前|年内")


def _number(text: str) -> float:
    return float(text) if text.isdigit() else _NUM[text]


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def due(text: str, issued: dt.date) -> dt.date | None:
    """The date by which `text` promises the work, or None when it names no time (or one past
    any date the archive holds: 9999 has no next month)."""
    try:
        return _due(text, issued)
    except (ValueError, OverflowError):
        return None


def _due(text: str, issued: dt.date) -> dt.date | None:
    if not text:
        return None
    m = _WITHIN.search(text)
    if m:
        n, unit = _number(m.group(1)), m.group(2)
        days = {"天": 1, "日": 1, "工作日": 7 / 5, "周": 7, "星期": 7, "月": 30}[unit] * n
        return issued + dt.timedelta(days=round(days)) if days <= MAX_DAYS else None
    m = _DAY_BEFORE.search(text)
    if m:
        month, day = int(m.group(1)), int(m.group(2))
        year = issued.year + (1 if month < issued.month else 0)
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    m = _MONTH_END.search(text)
    if m and "年底" not in text[max(0, m.start() - 1):m.end()]:
        if m.group(1):
            month = int(m.group(1))
            if 1 <= month <= 12:
                return _month_end(issued.year + (1 if month < issued.month else 0), month)
            return None
        if m.group(2) and m.group(2).startswith("下"):
            ahead = m.group(2).count("下")  # 下月 1, 下下月 2
            year, month = divmod(issued.year * 12 + issued.month - 1 + ahead, 12)
            return _month_end(year, month + 1)
        return _month_end(issued.year, issued.month)
    if _YEAR_END.search(text):
        return dt.date(issued.year, 12, 31)
    return None
