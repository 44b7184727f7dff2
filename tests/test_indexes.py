"""Cross-issue pages on the sample plus 40 synthetic issues: links, counts and charts match the model."""

from __future__ import annotations

import pytest
import json
import posixpath
from collections import Counter
from pathlib import Path

from conftest import cli, make_archive, soup


def _archive(site: Path) -> dict:
    return json.loads((site / "data" / "archive.json").read_text(encoding="utf-8"))


def _resolve(page_url: str, href: str) -> str:
    path, _, frag = href.partition("#")
    target = posixpath.normpath(posixpath.join(page_url, path)) + "/"
    return (target.lstrip("./") if target != "./" else "") + (f"#{frag}" if frag else "")


def test_every_district_page_links_each_of_its_findings_and_draws_a_chart(synth_site):
    data = _archive(synth_site)
    assert len(data["issues"]) == 41
    by_district: dict[str, set[str]] = {}
    for issue in data["issues"]:
        for d in issue["districts"]:
            by_district.setdefault(d["slug"], set()).update(f["url"] for f in d["findings"])
    for slug, wanted in by_district.items():
        page_url = f"districts/{slug}/"
        page = soup(synth_site / page_url / "index.html")
        links = set()  # the main page shows the latest; every finding is on its year's page
        for year in page.select(".zb-years a"):
            year_url = _resolve(page_url, year["href"])
            links |= {_resolve(year_url, a["href"]) for a in soup(synth_site / year_url / "index.html").select("a.zb-entry-link")}
        assert links == wanted, slug
        assert page.select("svg.zb-chart"), slug
        assert page.select_one(".zb-total").get_text().startswith(f"共 {len(wanted)} 条问题")


def test_finding_anchors_exist_on_the_issue_pages(synth_site):
    data = _archive(synth_site)
    for issue in data["issues"][:5]:
        page = soup(synth_site / issue["url"] / "index.html")
        for d in issue["districts"]:
            for f in d["findings"]:
                assert page.find(id=f["url"].split("#")[1]) is not None


def test_type_index_links_every_type_in_use_with_counts(synth_site):
    data = _archive(synth_site)
    counts = Counter(t for i in data["issues"] for d in i["districts"] for f in d["findings"] for t in f["types"])
    index = soup(synth_site / "types" / "index.html")
    rows = {row.th.get_text(): (row.th.a["href"], int(row.td.get_text())) for row in index.select("tbody tr")}
    for name, n in counts.items():
        href, shown = rows[name]
        assert shown == n
        page = soup(synth_site / "types" / href / "index.html")
        years = [soup(synth_site / "types" / href / y["href"] / "index.html") for y in page.select(".zb-years a")]
        assert sum(len(y.select("li.zb-entry")) for y in years) == n
        assert len(page.select("li.zb-entry")) == min(n, 20)  # the latest
        assert page.select("svg.zb-chart")


def test_district_chart_data_table_matches_the_metrics(synth_site):
    data = _archive(synth_site)
    slug = "xihu"
    calls = [(i["id"], d["metrics"]["回访量"]) for i in data["issues"] for d in i["districts"]
             if d["slug"] == slug and "回访量" in d["metrics"]]
    page = soup(synth_site / "districts" / slug / "index.html")
    table = next(t for t in page.select("details.zb-data table") if "回访量" in t.caption.get_text())
    shown = [(r.select("td")[0].get_text(), int(r.select("td")[1].get_text().replace(",", ""))) for r in table.select("tbody tr")]
    assert sorted(shown) == sorted(calls)


def test_reorganised_districts_link_to_each_other(synth_site):
    page = soup(synth_site / "districts" / "xiacheng" / "index.html")
    assert [a.get_text() for a in page.select(".zb-successors a")] == ["拱墅区"]
    assert "下城" in page.select_one(".zb-aliases").get_text()
    back = soup(synth_site / "districts" / "gongshu" / "index.html")
    assert [a.get_text() for a in back.select(".zb-predecessors a")] == ["下城区"]


def test_home_page_shows_latest_issue_and_recent_counts(synth_site):
    data = _archive(synth_site)
    latest = data["issues"][0]
    home = soup(synth_site / "index.html")
    assert f"第 {latest['number']} 期" in home.select_one(".zb-latest-title").get_text()
    assert home.select("#top-types ~ ol li") or home.select("ol.zb-top li")
    assert len(home.select("ol.zb-entries li")) == 10


def test_department_pages_and_year_pages_exist(synth_site):
    index = soup(synth_site / "departments" / "index.html")
    names = [r.th.get_text() for r in index.select("tbody tr")]
    assert "交警" in names and "人社局" in names
    assert (synth_site / "archive" / "2019" / "index.html").exists()


@pytest.mark.slow
def test_synth_is_deterministic_and_never_overwrites(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for root in (a, b):
        root.mkdir()
        make_archive(root)
    for root in (a, b):
        assert cli(root, "synth", "--issues", "3", "--seed", "5").returncode == 0
    files = sorted(p.relative_to(a).as_posix() for p in (a / "issues").rglob("*.yaml"))
    assert files == sorted(p.relative_to(b).as_posix() for p in (b / "issues").rglob("*.yaml"))
    for rel in files:
        assert (a / rel).read_bytes() == (b / rel).read_bytes()
    assert cli(a, "synth", "--issues", "2", "--seed", "5").returncode == 0
    assert len(list((a / "issues").glob("20*"))) == 6
    assert cli(a, "validate").returncode == 0
