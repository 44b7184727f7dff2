"""Finding things: names in queries, district × type in one click, live counts, no dead ends,
results first on a phone, and pages that stay small at any archive size."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from conftest import built, cli, make_archive, node_search, serve, soup


def ids(results: list[dict]) -> list[tuple[str, str]]:
    return [(r["issue"], r["anchor"]) for r in results]


# --- names in queries (Node, the API every page uses) ---------------------------------------------

def test_a_district_name_or_alias_filters_and_the_rest_is_text(synth_site):
    with serve(synth_site) as url:
        named, filtered, alias, short, literal = node_search(synth_site, url, [
            {"q": "萧山区 自助"}, {"q": "自助", "filters": {"区县": "萧山区"}}, {"q": "萧山 自助"},
            {"q": "杭州市萧山区 自助"}, {"q": "萧山 自助", "literal": True}])
    assert named and ids(named) == ids(filtered) == ids(alias) == ids(short)
    assert all(r["district"] == "萧山区" and "自助" in r["text"] for r in named)
    assert all("萧山" in r["text"] and "自助" in r["text"] for r in literal)  # the text reading


@pytest.mark.parametrize("query, facet, value", [
    ("高新区", "区县", "高新区（滨江）"), ("自助设备", "问题类型", "自助设备"), ("税务", "部门", "税务"),
    ("2019", "年份", "2019"), ("2019年", "年份", "2019"), ("2019 年", "年份", "2019")])
def test_types_departments_aliases_and_years_are_understood(synth_site, query, facet, value):
    with serve(synth_site) as url:
        [cursor] = node_search(synth_site, url, [{"open": True, "q": query + " 窗口"}])
    assert cursor["understood"][0]["facet"] == facet and cursor["understood"][0]["value"] == value
    assert cursor["terms"] == ["窗口"] and cursor["filters"] == {facet: [value]}
    key = {"区县": "district", "问题类型": "types", "部门": "departments"}.get(facet)
    for r in cursor["results"]:
        assert "窗口" in r["text"]
        assert (r["date"].startswith(value) if facet == "年份" else
                r[key] == value if key == "district" else value in r[key])


def test_quoted_words_stay_text(synth_site):
    with serve(synth_site) as url:
        [cursor] = node_search(synth_site, url, [{"open": True, "q": '"萧山" “自助”'}])
    assert cursor["understood"] == [] and cursor["terms"] == ["萧山", "自助"]


# --- live counts and no dead ends ------------------------------------------------------------------

def test_the_total_and_every_facet_count_follow_the_query_and_the_other_filters(synth_site):
    with serve(synth_site) as url:
        [c] = node_search(synth_site, url, [{"open": True, "q": "自助", "filters": {"问题类型": "自助设备"}}])
        assert c["total"] == len(c["results"]) > 0
        districts = sorted(c["counts"]["区县"].items(), key=lambda kv: -kv[1])[:3]
        checks = node_search(synth_site, url, [{"q": "自助", "filters": {"问题类型": "自助设备", "区县": d}}
                                               for d, _ in districts])
        # the type's own counts ignore its own filter (other types stay choosable)
        [plain] = node_search(synth_site, url, [{"q": "自助", "filters": {"问题类型": "设施环境"}}])
    for (d, n), found in zip(districts, checks):
        assert n == len(found) > 0, d
    assert c["counts"]["问题类型"]["设施环境"] == len(plain)
    assert sum(c["counts"]["年份"].values()) == c["total"]


def test_nothing_found_offers_nearby_searches_that_do_find(synth_site):
    with serve(synth_site) as url:
        [c] = node_search(synth_site, url, [{"open": True, "q": "萧山区 取号机坏了没有人修"}])
        assert c["total"] == 0 and c["suggestions"]
        rerun = node_search(synth_site, url, [{"q": s["query"], "filters": s["filters"]} for s in c["suggestions"]])
    for s, found in zip(c["suggestions"], rerun):
        assert s["total"] == len(found) > 0, s


# --- district × type in one click ----------------------------------------------------------------

def _count_links(page_path: Path) -> list[tuple[str, int, dict]]:
    page = soup(page_path)
    out = []
    for a in page.select("table.zb-counts td.zb-num a"):
        query = parse_qs(urlparse(a["href"]).query)
        out.append((unquote(a["href"]), int(a.get_text().replace(",", "")), {k: v[0] for k, v in query.items()}))
    return out


@pytest.mark.parametrize("path", ["districts/xiaoshan/", "types/zizhu-shebei/", "departments/shuiwu/", "archive/2019/"])
def test_every_count_links_to_exactly_those_findings(synth_site, path):
    links = _count_links(synth_site / path / "index.html")
    assert len(links) >= 3
    with serve(synth_site) as url:
        found = node_search(synth_site, url, [{"q": "", "filters": filters} for _, _, filters in links])
    for (href, n, filters), results in zip(links, found):
        assert "search/?" in href and len(filters) == 2, href
        assert len(results) == n, (filters, n, len(results))


def test_a_count_opens_the_search_page_listing_them_newest_first(page, synth_site):
    href, n, filters = _count_links(synth_site / "districts/xiaoshan/index.html")[0]
    with serve(synth_site) as url:
        page.goto(url + "districts/xiaoshan/")
        page.click(f"table.zb-counts td.zb-num a >> nth=0")
        page.wait_for_url("**/search/**")
        page.wait_for_function("document.querySelector('.zb-status')?.textContent.startsWith('共 ')")
        status = page.inner_text(".zb-status")
        assert status.startswith(f"共 {n} 条")
        for name, value in filters.items():
            assert page.is_checked(f"input[name='{name}'][value='{value}']")
        places = page.eval_on_selector_all(".zb-result__place", "els => els.map(e => e.textContent)")
    dates = [tuple(map(int, re.search(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", p).groups())) for p in places]
    assert len(dates) >= 2 and dates == sorted(dates, reverse=True), dates


# --- the search page: live counts, status, suggestions, phone --------------------------------------

def test_the_filter_pane_counts_follow_the_query(page, synth_site):
    with serve(synth_site) as url:
        page.goto(url + "search/?q=自助")
        page.wait_for_function("document.querySelector('.zb-status').textContent.startsWith('共 ')")
        total = int(re.search(r"共 (\d+) 条", page.inner_text(".zb-status")).group(1))
        page.wait_for_selector("[data-zb-searchpage][data-counts=live]", state="attached")
        counts = page.eval_on_selector_all("input[name='年份']",
                                           "els => els.map(b => Number(b.closest('label').querySelector('.zb-count').textContent))")
        assert sum(counts) == total
        xs = int(page.eval_on_selector("input[name='区县'][value='萧山区']",
                                       "b => b.closest('label').querySelector('.zb-count').textContent"))
        page.check("input[name='区县'][value='萧山区']")
        page.wait_for_function("document.querySelectorAll('.zb-chip-active').length === 1")
        page.wait_for_function(f"document.querySelector('.zb-status').textContent.startsWith('共 {xs} 条')")


def test_an_empty_search_is_no_dead_end(page, synth_site):
    with serve(synth_site) as url:
        page.goto(url + "search/?q=萧山区 取号机坏了没有人修")
        hint = page.wait_for_selector(".zb-hint")
        label = hint.inner_text()
        n = int(re.search(r"（(\d+) 条）", label).group(1))
        hint.click()
        page.wait_for_function(f"document.querySelector('.zb-status').textContent.startsWith('共 {n} 条')")


def test_on_a_phone_results_come_first_and_filters_fold(browser, synth_site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    try:
        with serve(synth_site) as url:
            page.goto(url + "search/?q=自助&区县=萧山区")
            page.wait_for_selector(".zb-result")
            facts = page.evaluate("""() => ({
              first: document.querySelector('.zb-result').getBoundingClientRect().top + scrollY,
              open: document.querySelector('details.zb-filters').open,
              summary: document.querySelector('details.zb-filters > summary').textContent,
              chips: [...document.querySelectorAll('.zb-chip-active')].map(c => c.textContent)})""")
            page.click("details.zb-filters > summary")
            assert page.is_visible("input[name='区县'][value='萧山区']")
    finally:
        context.close()
    assert facts["first"] < 1.5 * 844, facts
    assert not facts["open"] and facts["summary"].startswith("筛选") and "已选 1 项" in facts["summary"]
    assert any("萧山区" in c for c in facts["chips"])


# --- pages stay small -----------------------------------------------------------------------------

def test_year_pages_hold_every_finding_once_with_a_year_nav(synth_site):
    data = json.loads((synth_site / "data/archive.json").read_text(encoding="utf-8"))
    wanted = {f["url"] for i in data["issues"] for d in i["districts"] for f in d["findings"] if "自助设备" in f["types"]}
    base = synth_site / "types/zizhu-shebei"
    years = sorted(p.name for p in base.iterdir() if p.is_dir())
    assert years == sorted({i["date"][:4] for i in data["issues"]})
    seen: list[str] = []
    for y in years:
        page = soup(base / y / "index.html")
        assert [a.get_text() for a in page.select(".zb-years a")] == [f"{x} 年" for x in reversed(years) if x != y]
        seen += [a["href"].replace("../../../", "") for a in page.select(".zb-entry-link")]
    assert sorted(seen) == sorted(wanted)  # each once
    main = soup(base / "index.html")
    assert len(main.select(".zb-entry-link")) == 20 and main.select(".zb-years a")


@pytest.fixture(scope="module")
def ten_years(tmp_path_factory) -> Path:
    root = make_archive(tmp_path_factory.mktemp("ten"))
    assert cli(root, "synth", "--issues", "519", "--seed", "8").returncode == 0
    return built(root)


def test_no_page_is_over_300_kb_at_520_issues(ten_years):
    sizes = sorted(((p.stat().st_size, p) for p in ten_years.rglob("*.html")), reverse=True)
    assert sizes[0][0] < 300 * 1024, [(s // 1024, str(p.relative_to(ten_years))) for s, p in sizes[:5]]


def test_the_header_box_reads_names_the_same_way(page, synth_site):
    with serve(synth_site) as url:
        [named] = node_search(synth_site, url, [{"q": "自助", "filters": {"区县": "萧山区"}}])
        page.goto(url)
        page.click("#zb-q")
        page.keyboard.type("萧山 自助")
        page.wait_for_function("document.querySelector('.zb-suggest__status').textContent.includes('萧山区')")
        status = page.inner_text(".zb-suggest__status")
        places = [p.inner_text() for p in page.query_selector_all("#zb-suggest .zb-option__place")]
    assert status == f"按 区县“萧山区” 筛选，共 {len(named)} 条"
    assert places and all("萧山区" in p for p in places)
