"""Promised work is read from phrases in context, and reports of work done win (待跟进 lists only
what is still open). Every action of the sample, and hand-made traps."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from bulletins.analysis.patterns import promised
from zbtools import synth

SAMPLE = Path(__file__).resolve().parents[1] / "issues" / "2018-033"
OPEN_IN_SAMPLE = {("jianggan", 2), ("fuyang", 7)}


def sample_findings():
    y = YAML(typ="safe")
    for path in sorted(SAMPLE.glob("*.yaml")):
        if path.name != "issue.yaml":
            for n, f in enumerate(y.load(path.read_text(encoding="utf-8")).get("findings") or [], 1):
                yield path.stem, n, f


@pytest.mark.parametrize("slug,n,finding", list(sample_findings()), ids=lambda v: str(v)[:20])
def test_every_action_of_the_sample(slug, n, finding):
    assert promised(finding.get("action") or finding["text"]) == ((slug, n) in OPEN_IN_SAMPLE)


@pytest.mark.parametrize("text", [
    "已将窗口由 2 个增至 4 个，问题已解决。",
    "整改到位，不再拟定新的方案。",
    "正在整改，现已整改到位。",
    "已将自助机更换，已恢复使用。",
    "已经将导服人员增至 3 名。",
    "原计划下月开通，现已提前开通并投入使用。",
])
def test_finished_work_is_not_a_promise(text):
    assert not promised(text)


@pytest.mark.parametrize("text", [
    "已增设母婴室，近期将投入使用。",
    "目前已完成 6 个问题的整改工作，剩余 3 个正在整改中。",
    "已要求限期两周内完成整改。",
    "拟于 10 月底前更换全部自助机。",
    "已联系厂家，月底前完成维修。",
    "系统尚未恢复，待厂家维修。",
    *synth.PROMISES,
])
def test_work_still_to_come_is_a_promise(text):
    assert promised(text)


# --- deadlines: from the promise's own words, counted from the issue's date ------------------------

@pytest.mark.parametrize("text, due", [
    ("正在整改中，限期一周内完成。", "2018-09-28"), ("限期两周内完成", "2018-10-05"), ("3 天内整改到位", "2018-09-24"),
    ("将于月底前完成", "2018-09-30"), ("10 月底前完成", "2018-10-31"), ("已制定计划，将于下月底前完成。", "2018-10-31"),
    ("计划于 2 月底前完成", "2019-02-28"), ("年底前完成整改", "2018-12-31"), ("10 月 15 日前完成", "2018-10-15"),
    ("近期将投入使用。", None), ("正在整改中。", None)])
def test_a_deadline_is_read_from_the_promise_and_the_issue_date(text, due):
    import datetime as dt
    from bulletins.analysis.deadlines import due as due_of
    got = due_of(text, dt.date(2018, 9, 21))
    assert (got.isoformat() if got else None) == due


@pytest.mark.site
def test_the_pending_page_says_by_when_and_how_late_most_overdue_first(tmp_path):
    import re
    from conftest import built, make_archive, soup
    root = make_archive(tmp_path)
    # the sample (2018-09-21) promises 近期 (江干区 ②, 富阳区 ⑦); a later issue adds a dated promise
    later = root / "issues/2018-036"
    later.mkdir()
    (later / "issue.yaml").write_text("number: 36\ndate: 2018-10-12\nseries: 专报\npublisher: 改革办\n"
                                      "report:\n  title: 自查情况通报\n", encoding="utf-8")
    (later / "xihu.yaml").write_text("district: 西湖区\nfindings:\n"
                                     "  - text: 区行政服务中心两台自助机故障，限期一周内修复。\n    types: [自助设备]\n",
                                     encoding="utf-8")
    (root / "issues/2018-033/jianggan.yaml").write_text(
        (root / "issues/2018-033/jianggan.yaml").read_text(encoding="utf-8").replace("近期将投入使用", "限期一周内投入使用"),
        encoding="utf-8")
    site = built(root)
    page = soup(site / "pending/index.html")
    text = page.select_one(".zb-pending").get_text(" ", strip=True)
    assert "逾期天数算到最新一期的日期" in text and "follows" not in text and "编号" not in text
    items = page.select(".zb-pending-list > li")
    first = items[0].get_text(" ", strip=True)
    # 2018-09-21 + a week = 2018-09-28; the latest issue is 2018-10-12: 14 days late
    assert "江干区 ②" in first and "到期 2018-09-28" in first and "逾期 14 天" in first
    assert "多名办事群众反映大厅缺乏母婴设施" in first  # the problem itself, not only what was promised
    xihu = next(li.get_text(" ", strip=True) for li in items if "西湖区" in li.get_text())
    assert "到期 2018-10-19" in xihu and "逾期" not in xihu  # still in time
    fuyang = next(li.get_text(" ", strip=True) for li in items if "富阳区" in li.get_text())
    assert re.search(r"未定期限 · 已过 1 期", fuyang)
