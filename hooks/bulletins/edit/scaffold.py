"""`bulletins new`: the next issue's folder, ready to fill in."""

from __future__ import annotations

import datetime as dt
import re

from bulletins.data.model import Archive


_DATES = re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*日\s*[—–\-~～至到]+\s*(?:\d{1,2}\s*月\s*)?\d{1,2}\s*日")


def next_intro(last: str, start: dt.date, end: dt.date) -> str:
    """The last issue's own opening words with this week's dates: each office words it its own way."""
    dates = f"{start.month} 月 {start.day} 日—{end.month} 月 {end.day} 日"
    if _DATES.search(last):
        return _DATES.sub(dates, last, count=1)
    return f"{dates}，{last}" if last else f"{dates}情况如下："


def next_issue(archive: Archive, today: dt.date | None = None) -> tuple[str, dict, dict[str, dict]]:
    """(folder name, issue data, district files) for the issue after the latest one."""
    last = archive.latest
    if last is None:
        raise ValueError("归档中还没有任何一期 — 请先用 bulletins import 导入一期通报")
    date = last.date + dt.timedelta(days=7)
    number = last.number + 1 if date.year == last.year else 1
    start = (last.period_end or last.date) + dt.timedelta(days=1)
    end = start + dt.timedelta(days=6)
    seq = re.search(r"\d+", last.report_sequence or "")
    issue: dict = {
        "draft": True,  # appears nowhere on the site until the editor removes this line
        "number": number, "date": date, "series": last.series, "publisher": last.publisher,
        "report": {"title": last.report_title},
        "period": {"start": start, "end": end},
        "intro": next_intro(last.intro, start, end),
    }
    if seq:
        issue["report"]["sequence"] = f"第 {int(seq.group(0)) + 1} 期"
    if last.report_to or last.send_to:
        issue["distribution"] = {"report_to": last.report_to, "send_to": last.send_to}
    districts = {d.slug: {"district": d.name, "findings": []}
                 for d in archive.registry.districts if d.valid_on(date)}
    return f"{date.year}-{number:03d}", issue, districts
