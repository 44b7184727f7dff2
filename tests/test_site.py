"""The built sample: a faithful bulletin page, the archive page, and the export contract."""

from __future__ import annotations

import csv
import io
import json

from conftest import COUNTS, ORDER, soup


def test_issue_page_reads_like_the_bulletin(sample_site):
    page = soup(sample_site / "issues" / "2018-033" / "index.html")
    article = page.select_one("div.zb-bulletin")
    assert article.select_one(".zb-series").get_text() == "“最多跑一次”改革专报"
    assert article.select_one(".zb-number").get_text() == "第 33 期"
    assert article.select_one(".zb-issued").get_text() == "2018 年 9 月 21 日"
    assert article.select_one(".zb-publisher").get_text() == "杭州市“最多跑一次”改革专题组办公室"
    assert "自查情况通报" in article.select_one("h1.zb-report-title").get_text()
    assert article.select_one(".zb-sequence").get_text() == "（第 2 期）"
    assert article.select_one(".zb-intro").get_text().startswith("9 月 14 日—9 月 20 日")
    headings = article.select("h2.zb-district-title")
    assert [h["id"] for h in headings] == ORDER
    assert [len(h.find_parent("section").select("li.zb-finding")) for h in headings] == COUNTS
    footer = article.select_one("footer.zb-distribution").get_text()
    assert "报：省“最多跑一次”改革办公室" in footer and "发：市直各单位" in footer


def test_findings_have_stable_anchors_markers_and_chips(sample_site):
    page = soup(sample_site / "issues" / "2018-033" / "index.html")
    second = page.find(id="gongshu-2")
    assert second.select_one(".zb-marker").get_text() == "②"
    assert "祥园路 101 号" in second.get_text()
    chips = [a.get_text() for a in second.select("a.zb-chip-type")]
    assert "自助设备" in chips
    href = second.select_one("a.zb-chip-type")["href"]
    assert href.startswith("../../types/") and href.endswith("/")
    assert page.find(id="jianggan-2") and "母婴室" in page.find(id="jianggan-2").get_text()
    single = page.find(id="shangcheng-1")
    assert single.select_one(".zb-marker") is None  # an unnumbered entry stays unnumbered


def test_metrics_table_with_derived_rates(sample_site):
    page = soup(sample_site / "issues" / "2018-033" / "index.html")
    table = page.find(id="shangcheng").find_parent("section").select_one("table.zb-metrics")
    heads = [th.get_text() for th in table.select("th")]
    cells = [td.get_text() for td in table.select("td")]
    assert heads[:5] == ["回访量（件）", "未接通（件）", "满意（件）", "基本满意（件）", "不满意（件）"]
    assert cells[:5] == ["15,729", "3,858", "15,604", "278", "66"]  # the unit is in the header only
    assert any(h.startswith("接通率（%）") for h in heads) and "75.47" in cells


def test_issue_page_toc_lists_districts_and_is_out_of_the_nav(sample_site):
    page = soup(sample_site / "issues" / "2018-033" / "index.html")
    toc = [a.get_text(strip=True) for a in page.select("nav.md-nav--secondary a.md-nav__link")]
    assert toc[:3] == ["上城区", "下城区", "江干区"]
    home = soup(sample_site / "index.html")
    nav = " ".join(a.get_text(" ", strip=True) for a in home.select("nav.md-nav--primary a"))
    assert "第 33 期" not in nav and "往期" in nav


def test_archive_page_lists_issues_by_year(sample_site):
    page = soup(sample_site / "archive" / "index.html")
    year = page.find(id="y2018")
    assert year is not None
    link = page.select_one("ul.zb-issue-list a")
    assert link.get_text() == "第 33 期" and link["href"] == "../issues/2018-033/"


def test_archive_json_contract(sample_site):
    data = json.loads((sample_site / "data" / "archive.json").read_text(encoding="utf-8"))
    issue = data["issues"][0]
    assert (issue["id"], issue["number"], issue["date"]) == ("2018-033", 33, "2018-09-21")
    assert issue["period"] == {"start": "2018-09-14", "end": "2018-09-20"}
    assert issue["url"] == "issues/2018-033/"
    assert [d["slug"] for d in issue["districts"]] == ORDER
    assert [len(d["findings"]) for d in issue["districts"]] == COUNTS
    sc = issue["districts"][0]
    assert sc["name"] == "上城区"
    assert sc["metrics"] == {"回访量": 15729, "未接通": 3858, "满意": 15604, "基本满意": 278, "不满意": 66}
    f = issue["districts"][3]["findings"][1]
    assert f["url"] == "issues/2018-033/#gongshu-2" and f["id"] == "2018-033-gongshu-2"
    assert isinstance(f["types"], list) and isinstance(f["departments"], list)


def test_findings_csv_opens_in_excel(sample_site):
    raw = (sample_site / "data" / "findings.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["期", "日期", "区县"] and len(rows) == 45


def test_feed_and_print_stylesheet(sample_site):
    home = soup(sample_site / "index.html")
    feed = home.find("link", rel="alternate", type="application/rss+xml")
    assert feed and feed["href"].endswith("feed.xml")
    # elsewhere none: Material would fetch the whole sitemap.xml for it on every page
    page = soup(sample_site / "issues" / "2018-033" / "index.html")
    assert not page.find("link", rel="alternate")
    assert "第 33 期" in (sample_site / "feed.xml").read_text(encoding="utf-8")
    css = (sample_site / "assets" / "zb" / "zb.css").read_text(encoding="utf-8")
    assert "@media print" in css and "size: A4" in css


def test_each_district_and_problem_type_has_its_own_feed_listed_on_its_page(sample_site):
    import xml.etree.ElementTree as ET
    page = soup(sample_site / "districts" / "jianggan" / "index.html")
    link = page.select_one("a.zb-feed")
    assert link["href"] == "feed.xml" and "江干区" in link.get_text()
    rss = ET.fromstring((sample_site / "districts" / "jianggan" / "feed.xml").read_bytes())
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    items = rss.findall("channel/item")
    assert len(items) == 3 and items[1].findtext("link").endswith("/issues/2018-033/#jianggan-2")  # 江干区's three
    assert "母婴" in items[1].findtext("description") and items[1].findtext("guid") == items[1].findtext("link")
    assert all(item.findtext("pubDate").startswith("Fri, 21 Sep 2018") for item in items)
    # each title carries the finding's first words (a reader scans those), not only 第 N 期 第 N 条
    assert items[1].findtext("title").startswith("江干区：多名办事群众反映大厅缺乏母婴设施")
    assert len({item.findtext("title") for item in items}) == len(items)
    atom = "{http://www.w3.org/2005/Atom}link"
    self_link = rss.find(f"channel/{atom}")
    assert self_link.get("rel") == "self" and self_link.get("href").endswith("/districts/jianggan/feed.xml")
    site = ET.fromstring((sample_site / "feed.xml").read_bytes()).find(f"channel/{atom}")
    assert site.get("rel") == "self" and site.get("href").endswith("/feed.xml")
    typed = ET.fromstring((sample_site / "types" / "zizhu-shebei" / "feed.xml").read_bytes())
    assert typed.findtext("channel/title").endswith("自助设备") and len(typed.findall("channel/item")) >= 3
    assert soup(sample_site / "types" / "zizhu-shebei" / "index.html").select_one("a.zb-feed")["href"] == "feed.xml"
    assert not soup(sample_site / "departments" / "shuiwu" / "index.html").select_one("a.zb-feed")
    assert (sample_site / "feed.xml").is_file()  # the site's own feed stays
    # discoverable: each page names its feed in its head, as feed readers look for it
    for path, feed in (("districts/jianggan/", "districts/jianggan/feed.xml"), ("types/zizhu-shebei/", "types/zizhu-shebei/feed.xml"),
                       ("", "feed.xml")):
        head = soup(sample_site / path / "index.html").find_all("link", rel="alternate", type="application/rss+xml")
        assert len(head) == 1 and (sample_site / path / head[0]["href"]).resolve() == (sample_site / feed).resolve(), path
        assert head[0]["title"].strip()
    assert not soup(sample_site / "departments" / "shuiwu" / "index.html").find("link", rel="alternate")


def _chips(node) -> list[str]:
    return [a.get_text() for a in node.select("a.zb-chip")]


def test_a_type_or_department_page_leaves_out_its_own_chip_and_keeps_the_rest(sample_site):
    """Every finding on 窗口纪律's page is 窗口纪律: its chip there says nothing (and was a sixth of
    the busiest page's bytes); the finding's other types and departments are what a reader learns."""
    issue = soup(sample_site / "issues" / "2018-033" / "index.html")
    truth = {li["id"]: _chips(li) for li in issue.select("li.zb-finding[id]")}
    seen = 0
    for folder, district in (("types", False), ("departments", False), ("districts", True)):
        for index in sorted((sample_site / folder).glob("*/index.html")):
            page = soup(index)
            own = page.select_one("h1").get_text(strip=True)
            for li in page.select("ol.zb-entries:not(.zb-pending-list) > li.zb-entry"):  # promises: no chips
                anchor = li.select_one("a.zb-entry-link")["href"].rsplit("#", 1)[1]
                expected = truth[anchor] if district else [c for c in truth[anchor] if c != own]
                assert _chips(li) == expected, (index, anchor)
                if not district:
                    assert own in truth[anchor]  # it is on this page because it has the chip left out
                seen += 1
    assert seen > 40
