"""The search index at scale: one Pagefind run per year, cached by content, merged into one bundle.

Every cache and split is checked for what a reader would notice: a build from the cache is the
same site, byte for byte, as a build without it; an edit shows in search and re-indexes its year
only; a deleted issue is gone from search and its year from the cache; results across years come
newest first and their counts add up. No timing here: speed is `bulletins bench` (README).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
from pathlib import Path

import cbor2
import pytest

from conftest import built, cli, make_archive, node_search, serve

CACHE = Path(".cache") / "bulletins" / "search"


@pytest.fixture(scope="module")
def years_archive(tmp_path_factory) -> Path:
    """The sample plus 110 synthetic weekly issues: parts of 2018, all of 2019 and 2020."""
    root = make_archive(tmp_path_factory.mktemp("years"))
    assert cli(root, "synth", "--issues", "110", "--seed", "5").returncode == 0
    built(root)
    return root


def parts(root: Path) -> dict[str, str]:
    """Year → the cache folder holding its part."""
    return {p.name[:4]: p.name for p in (root / CACHE).iterdir() if p.is_dir() and re.match(r"\d{4}-", p.name)}


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def archive_json(site: Path) -> dict:
    return json.loads((site / "data" / "archive.json").read_text(encoding="utf-8"))


def read_pagefind(path: Path):
    return cbor2.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])


@pytest.mark.site
def test_one_part_per_year_and_a_build_from_the_cache_is_the_same_site(years_archive, tmp_path):
    assert sorted(parts(years_archive)) == ["2018", "2019", "2020"]
    warm = tree(years_archive / "site")
    copy = tmp_path / "cold"
    shutil.copytree(years_archive, copy, ignore=shutil.ignore_patterns(".cache", "site"))
    assert tree(built(copy)) == warm  # nothing cached there: every year indexed again


def test_the_merged_bundle_holds_what_queries_read_and_nothing_else(years_archive):
    pf = years_archive / "site" / "pagefind"
    meta = read_pagefind(next(pf.glob("*.pf_meta")))
    pages, chunks, sorts = meta[1], meta[2], meta[4]
    assert sorts == []  # order is in the names: no table of every record in every query
    years = [name[:4] for name, _ in pages]
    assert years == sorted(years, reverse=True)  # newest year first
    assert {name for name, _ in pages} == {p.stem for p in (pf / "fragment").iterdir()}
    total = sum(len(d["findings"]) for i in archive_json(years_archive / "site")["issues"] for d in i["districts"])
    assert len(pages) == total  # one record per finding
    for _low, _high, name in chunks:
        words = [w for w, *_ in read_pagefind(pf / "index" / f"{name}.pf_index")[0]]
        assert words == sorted(words) and all(re.fullmatch(r"[rst][a-q]+", w) for w in words)


@pytest.mark.site
def test_an_edit_shows_in_search_and_reindexes_its_year_only(years_archive, tmp_path):
    root = tmp_path / "edit"
    shutil.copytree(years_archive, root)
    before = parts(root)
    target = sorted((root / "issues").glob("2019-0*"))[3]
    district = sorted(p for p in target.glob("*.yaml") if p.name != "issue.yaml")[0]
    text = district.read_text(encoding="utf-8")
    district.write_text(re.sub(r"(?m)^(\s*- text: [^'\"|>].*?)$", r"\1另查见鹦鹉螺标识", text, count=1),
                        encoding="utf-8")
    site = built(root)
    after = parts(root)
    assert after["2019"] != before["2019"]
    assert {y: after[y] for y in ("2018", "2020")} == {y: before[y] for y in ("2018", "2020")}
    assert not (root / CACHE / before["2019"]).exists()  # the old part is gone with its data
    with serve(site) as url:
        found, = node_search(site, url, [{"q": "鹦鹉螺"}])
    assert [(r["issue"], r["district"]) for r in found] == [(target.name, found[0]["district"])]
    assert "鹦鹉螺" in found[0]["text"]


@pytest.mark.site
def test_a_deleted_issue_and_a_deleted_year_disappear_from_search_and_the_cache(years_archive, tmp_path):
    root = tmp_path / "delete"
    shutil.copytree(years_archive, root)
    gone = next(i["id"] for i in archive_json(root / "site")["issues"] if i["id"].startswith("2019-")
                and not any(f["followed_by"] for d in i["districts"] for f in d["findings"]))
    with serve(root / "site") as url:
        before, = node_search(root / "site", url, [{"q": "", "filters": {"年份": "2019"}}])
    assert any(r["issue"] == gone for r in before)
    shutil.rmtree(root / "issues" / gone)
    for folder in (root / "issues").glob("2020-*"):
        shutil.rmtree(folder)
    site = built(root)
    assert sorted(parts(root)) == ["2018", "2019"]
    with serve(site) as url:
        after, last_year, everything = node_search(site, url, [
            {"q": "", "filters": {"年份": "2019"}}, {"q": "", "filters": {"年份": "2020"}},
            {"open": True, "q": "窗口", "limit": 0}])
    assert not any(r["issue"] == gone for r in after)
    assert len(after) == len(before) - sum(1 for r in before if r["issue"] == gone)
    assert last_year == []
    assert "2020" not in everything["counts"]["年份"]


def test_results_across_years_come_newest_first_and_counts_add_up(years_archive):
    site = years_archive / "site"
    issues = archive_json(site)["issues"]
    expected: dict[str, int] = {}
    for i in issues:
        for d in i["districts"]:
            if d["name"] == "萧山区":
                expected[i["date"][:4]] = expected.get(i["date"][:4], 0) + len(d["findings"])
    with serve(site) as url:
        whole, *by_year = node_search(site, url, [
            {"open": True, "q": "", "filters": {"区县": "萧山区"}},
            *({"open": True, "q": "", "filters": {"区县": "萧山区", "年份": y}} for y in sorted(expected))])
    results = whole["results"]
    assert whole["total"] == len(results) == sum(expected.values())
    assert [r["date"] for r in results] == sorted((r["date"] for r in results), reverse=True)
    assert whole["counts"]["年份"] == expected
    assert [y["total"] for y in by_year] == [expected[y] for y in sorted(expected)]
    assert [r["url"] for y in reversed(by_year) for r in y["results"]] == [r["url"] for r in results]
    position = {(i["id"], d["name"]): d["position"] for i in issues for d in i["districts"]}
    printed = [(position[(r["issue"], r["district"])], int(r["anchor"].rsplit("-", 1)[1])) for r in results]
    for a, b, n, m in zip(results, results[1:], printed, printed[1:]):  # within an issue, as printed
        assert a["issue"] != b["issue"] or n < m


# --- Several archives, each built on its own, searched from one page ----------------------------

@pytest.fixture(scope="module")
def two_archives(tmp_path_factory) -> Path:
    """甲 (the sample and 20 more issues) names 乙 (15 issues of its own) in `extra.search_also`;
    each is built alone, and one web server holds both sites, as an intranet would."""
    top = tmp_path_factory.mktemp("two")
    (top / "a-src").mkdir()
    (top / "b-src").mkdir()
    a = make_archive(top / "a-src")
    b = make_archive(top / "b-src", with_sample=False)
    config = (a / "mkdocs.yml").read_text(encoding="utf-8").replace("site_name: 专报归档", "site_name: 甲归档")
    config = config.replace("extra:\n", "extra:\n  search_also:\n    - name: 乙归档\n      url: ../b/\n", 1)
    (a / "mkdocs.yml").write_text(config, encoding="utf-8")
    assert cli(a, "synth", "--issues", "20", "--seed", "11").returncode == 0
    assert cli(b, "synth", "--issues", "15", "--seed", "12").returncode == 0
    www = top / "www"
    www.mkdir()
    shutil.copytree(built(a), www / "a")
    shutil.copytree(built(b), www / "b")
    return www


def counts_of(site: Path, district: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for i in archive_json(site)["issues"]:
        for d in i["districts"]:
            if d["name"] == district:
                out[i["date"][:4]] = out.get(i["date"][:4], 0) + len(d["findings"])
    return out


def test_two_archives_built_apart_are_searched_together_with_filters_intact(two_archives):
    a, b = counts_of(two_archives / "a", "萧山区"), counts_of(two_archives / "b", "萧山区")
    assert sum(a.values()) and sum(b.values())
    with serve(two_archives) as url:
        both, words = node_search(two_archives / "a", url + "a/", [
            {"open": True, "q": "", "filters": {"区县": "萧山区"}},
            {"open": True, "q": "窗口 2018"}])
    results = both["results"]
    assert both["total"] == len(results) == sum(a.values()) + sum(b.values())
    assert {y: both["counts"]["年份"][y] for y in both["counts"]["年份"]} == {
        y: a.get(y, 0) + b.get(y, 0) for y in set(a) | set(b)}
    assert [r["date"] for r in results] == sorted((r["date"] for r in results), reverse=True)
    assert {r["archive"] for r in results} == {"甲归档", "乙归档"}
    assert all(r["url"].startswith(url + ("a/" if r["archive"] == "甲归档" else "b/")) for r in results)
    assert all(r["district"] == "萧山区" for r in results)
    assert words["understood"] == [{"facet": "年份", "value": "2018", "word": "2018"}]
    found = words["results"]
    assert found and {r["archive"] for r in found} == {"甲归档", "乙归档"}
    assert all("窗口" in r["text"] and r["date"].startswith("2018") for r in found)


def test_the_search_page_shows_and_links_results_of_both_archives(two_archives, page):
    with serve(two_archives) as url:
        page.goto(url + "a/search/?q=" + "窗口&区县=萧山区")
        page.wait_for_selector(".zb-result")
        page.wait_for_function("document.querySelector('.zb-results').children.length >= 10")
        assert "（甲归档、乙归档）" in page.locator("p.zb-status").inner_text()
        for _ in range(10):  # 乙's issues are older: further down, newest first
            if any(p.startswith("乙归档 · ") for p in page.locator(".zb-result__place").all_text_contents()):
                break
            shown = page.locator(".zb-result").count()
            page.click(".zb-more")
            page.wait_for_function(f"document.querySelectorAll('.zb-result').length > {shown}")
        places = page.locator(".zb-result__place").all_text_contents()
        assert any(p.startswith("乙归档 · ") for p in places) and any(p.startswith("甲归档 · ") for p in places)
        link = page.locator(".zb-result__place", has_text="乙归档").first
        href = link.get_attribute("href")
        assert href.startswith(url + "b/issues/")
        link.click()
        page.wait_for_url(url + "b/issues/**")
        assert page.locator(f"[id='{href.split('#')[1]}']").count() == 1


# --- Pages that would grow with the archive stay bounded ----------------------------------------

def test_pages_that_grow_with_the_archive_list_a_bounded_part_and_link_the_rest(years_archive):
    from conftest import soup
    site = years_archive / "site"
    archive = soup(site / "archive" / "index.html")
    lists = archive.select(".zb-archive .zb-issue-list")
    assert len(lists) == 2  # the latest two years; each year has its own page
    older = archive.select_one("#y2018 ~ p.zb-more a")
    assert older is not None and older["href"] == "2018/"
    assert len(soup(site / "archive" / "2018" / "index.html").select("a[href*='issues/2018-']")) >= 10
    pending = soup(site / "pending" / "index.html")
    sections = pending.select(".zb-pending h2")
    assert sections
    for h2 in sections:
        total = int(re.search(r"(\d+) 条", h2.get_text()).group(1))
        items = h2.find_next("ol").select("li")
        assert len(items) == min(total, 5)
        if total > 5:
            slug = h2["id"]
            more = h2.find_next("p", class_="zb-more").a
            assert more["href"] == f"{slug}/"
            everything = soup(site / "pending" / slug / "index.html").select(".zb-pending-list li")
            assert len(everything) == total
            district = soup(site / "districts" / slug / "index.html")
            assert len(district.select("#pending ~ ol.zb-pending-list")[0].select("li")) == 5
    assert any(int(re.search(r"(\d+) 条", h.get_text()).group(1)) > 5 for h in sections)
