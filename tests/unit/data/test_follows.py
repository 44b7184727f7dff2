"""data/follows.py: a `follows:` link names an earlier, published finding of the same district (or
one it continues) and keeps the quote of its target's text."""

from __future__ import annotations

from bulletins.data import follows
from smallarchive import district, header

FIRST = "巡察发现区行政服务中心二楼窗口人员离岗。"


def _two(small, link: str, quote: str | None = "巡察发现区行政服务中心二楼", *, second_district=("西湖区", "xihu"),
         first_header: str = "", first_district=("西湖区", "xihu"), second_number: int = 32, second_date: str = "2018-09-14"):
    fields = f"|follows: {link}" + (f"|follows_quote: {quote}" if quote is not None else "")
    name, slug = first_district
    other, other_slug = second_district
    small.write({"2018-031": {"issue.yaml": header(31, "2018-09-07", first_header), f"{slug}.yaml": district(name, FIRST)},
                 f"2018-{second_number:03d}": {"issue.yaml": header(second_number, second_date),
                                               f"{other_slug}.yaml": district(other, "已整改。" + fields)}})
    archive, problems = small.load()
    return archive, [(p.severity, p.path, p.line, p.message) for p in problems]


def test_a_good_link_passes(small):
    archive, problems = _two(small, "2018-031-xihu-1")
    assert problems == [] and archive.issues[0].findings[0].follows == "2018-031-xihu-1"


def test_a_link_to_no_finding_says_how_ids_are_made(small):
    _archive, [(severity, path, line, message)] = _two(small, "2018-031-xihu-2")
    assert (severity, path, line) == ("error", "issues/2018-032/xihu.yaml", 5)
    assert message.startswith("找不到编号为 2018-031-xihu-2 的问题 — 请核对期号、区县 slug 和序号")


def test_a_link_to_a_later_or_the_same_issue_is_refused(small):
    _archive, problems = _two(small, "2018-031-xihu-1", second_number=30, second_date="2018-08-31")
    assert [m for *_, m in problems] == ["2018-031-xihu-1 不在更早的一期中 — “前情”只能指向本期之前的问题"]


def test_a_link_to_another_district_is_refused_and_to_a_predecessor_allowed(small):
    _archive, problems = _two(small, "2018-031-xihu-1", second_district=("上城区", "shangcheng"))
    assert [m for *_, m in problems] == ["2018-031-xihu-1 是西湖区的问题，不是上城区（或其前身）的 — “前情”只能指向同一区县的问题"]


def test_a_district_may_follow_up_its_predecessors_finding(small):
    small.write({"2021-010": {"issue.yaml": header(10, "2021-03-05"), "xiacheng.yaml": district("下城区", FIRST)},
                 "2021-020": {"issue.yaml": header(20, "2021-05-14"), "gongshu.yaml": district(
                     "拱墅区", "已整改。|follows: 2021-010-xiacheng-1|follows_quote: 巡察发现")}})
    archive, problems = small.load()
    assert archive is not None and problems == []


def test_a_link_into_a_draft_is_refused_from_a_published_issue(small):
    _archive, problems = _two(small, "2018-031-xihu-1", first_header="draft: true\n")
    assert [m for *_, m in problems] == ["2018-031-xihu-1 在草稿 2018-031 中 — 草稿尚未发布，“前情”只能指向已发布的问题"]


def test_a_quote_that_no_longer_matches_says_the_id_moved(small):
    _archive, [(severity, _p, _l, message)] = _two(small, "2018-031-xihu-1", "巡察发现大厅")
    assert severity == "error"
    assert message.startswith("2018-031-xihu-1 现在是“巡察发现区行政服务中心二楼窗口人…”，不是记下的“巡察发现大厅…” — ")


def test_a_quote_is_compared_without_spaces(small):
    archive, problems = _two(small, "2018-031-xihu-1", "巡察 发现 区行政")
    assert problems == []


def test_a_link_without_its_quote_is_a_warning_that_fmt_mends(small):
    archive, [(severity, _p, _l, message)] = _two(small, "2018-031-xihu-1", None)
    assert archive is not None and severity == "warning"
    assert message == "前情 2018-031-xihu-1 没有记下原文开头（follows_quote） — 运行 bulletins fmt 会补上，这样编号一旦指向别的问题，检查就会发现"


def test_with_only_some_issues_the_links_out_of_and_into_them_are_checked(small):
    _two(small, "2018-031-xihu-9")
    small.write({"2018-029": {"issue.yaml": header(29, "2018-08-24"), "xihu.yaml": district("西湖区", FIRST)}})
    assert small.load()[0] is None
    for checked in ("2018-032", "2018-031"):  # the link is out of 2018-032, and names 2018-031
        _archive, problems = small.load(only=[small.root / "issues" / checked])
        assert [p.message[:22] for p in problems] == ["找不到编号为 2018-031-xihu-9"], checked
    archive, problems = small.load(only=[small.root / "issues/2018-029"])
    assert problems == [] and [i.id for i in archive.issues] == ["2018-029"]


def test_a_link_into_a_checked_issue_is_checked_too(small):
    _two(small, "2018-031-xihu-1", "巡察发现大厅")
    _archive, problems = small.load(only=[small.root / "issues/2018-031"])
    assert [p.path for p in problems] == ["issues/2018-032/xihu.yaml"]


def test_the_quote_kept_is_the_texts_start_without_spaces():
    assert follows.quote_of("巡察 发现\n区行政服务中心二楼窗口人员离岗。") == "巡察发现区行政服务中心二楼窗口人"
    assert len(follows.quote_of(FIRST * 3)) == follows.QUOTE_CHARS == 16


def test_a_link_is_reported_at_its_own_findings_line_and_within_one_issue_refused(small):
    small.write({"2018-031": {"issue.yaml": header(31, "2018-09-07"), "xihu.yaml": district(
        "西湖区", FIRST, "窗口无人。", "已整改。|follows: 2018-031-xihu-1|follows_quote: 巡察发现")}})
    _archive, [problem] = small.load()
    assert (problem.path, problem.line) == ("issues/2018-031/xihu.yaml", 9)  # the third finding's follows: line
    assert problem.message == "2018-031-xihu-1 不在更早的一期中 — “前情”只能指向本期之前的问题"
