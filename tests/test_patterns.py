"""Patterns across issues: a finding's earlier findings that are the same problem (same district or
its predecessors, a shared problem type, the same place, alike in wording: recurrence.py), within
the window set in issues/registry/settings.yaml."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from conftest import built, cli, make_archive, soup


# One problem at one place, as different weeks word it; and another at another place.
PHONE = ("区行政服务中心税务窗口人员在工作时段玩手机。", "复查区行政服务中心，税务窗口仍有人员工作时段玩手机。",
         "区行政服务中心税务窗口人员工作时段玩手机，已约谈。")
MACHINE = ("区市民之家两台自助服务机故障，无法提供 24 小时服务。", "区市民之家自助服务机又出现故障，24 小时服务无法提供。")


def issue(root: Path, number: int, day: str, districts: dict[str, list]) -> str:
    """A hand-made published issue: per district slug, its findings as lists of types (with the
    text of the phone problem) or as (types, text)."""
    date = dt.date.fromisoformat(day)
    folder = root / "issues" / f"{date.year}-{number:03d}"
    folder.mkdir()
    (folder / "issue.yaml").write_text(
        f"number: {number}\ndate: {day}\nseries: 专报\npublisher: 改革办\nreport:\n  title: 自查情况通报\n",
        encoding="utf-8")
    names = {"gongshu": "拱墅区", "xiacheng": "下城区", "xihu": "西湖区"}
    for slug, findings in districts.items():
        body = ""
        for n, spec in enumerate(findings, 1):
            types, text = spec if isinstance(spec, tuple) else (spec, PHONE[(number + n) % len(PHONE)])
            body += f"  - text: {text}\n    types: [{', '.join(types)}]\n"
        (folder / f"{slug}.yaml").write_text(f"district: {names[slug]}\nfindings:\n{body}", encoding="utf-8")
    return folder.name


@pytest.fixture(scope="module")
def patterned(tmp_path_factory) -> dict:
    root = make_archive(tmp_path_factory.mktemp("patterns"), with_sample=False)
    (root / "issues/registry/settings.yaml").write_text("recurrence_window: 3\n", encoding="utf-8")
    ids = [
        issue(root, 1, "2019-01-04", {"gongshu": [["窗口纪律"], ["窗口纪律", "自助设备"]]}),
        issue(root, 2, "2019-01-11", {"gongshu": [["窗口纪律"]], "xihu": [["窗口纪律"]], "xiacheng": [["窗口纪律"]]}),
        issue(root, 3, "2019-01-18", {"gongshu": [["窗口纪律"]]}),
        issue(root, 4, "2019-01-25", {"gongshu": [["排队等候"]]}),  # an editor typed it otherwise
        issue(root, 5, "2019-02-01", {"gongshu": [["窗口纪律"]]}),
        issue(root, 13, "2021-04-02", {"xiacheng": [(["自助设备"], MACHINE[0])]}),
        issue(root, 14, "2021-04-09", {"gongshu": [(["自助设备"], MACHINE[1])]}),  # 2021's 拱墅区 continues 下城区
    ]
    result = cli(root, "validate")
    assert result.returncode == 0, result.stderr
    site = built(root)
    data = json.loads((site / "data/archive.json").read_text(encoding="utf-8"))
    earlier = {f["id"]: f["earlier"] for i in data["issues"] for d in i["districts"] for f in d["findings"]}
    return {"root": root, "site": site, "ids": ids, "earlier": earlier}


def test_earlier_findings_within_the_window_newest_first(patterned):
    e = patterned["earlier"]
    assert e["2019-003-gongshu-1"] == ["2019-002-gongshu-1", "2019-001-gongshu-1", "2019-001-gongshu-2"]
    # issue 5 looks back three issues (4, 3, 2): issue 1 is outside, issue 4's finding has another type
    assert e["2019-005-gongshu-1"] == ["2019-003-gongshu-1", "2019-002-gongshu-1"]
    assert e["2019-001-gongshu-1"] == [] and e["2019-004-gongshu-1"] == []
    assert e["2019-002-xihu-1"] == []  # another district, the same problem: not a recurrence


def test_a_district_renamed_in_2021_carries_its_predecessors_findings(patterned):
    e = patterned["earlier"]
    assert e["2021-014-gongshu-1"] == ["2021-013-xiacheng-1"]
    # in 2019 下城区 still existed beside 拱墅区: its findings are another district's
    assert "2019-002-xiacheng-1" not in e["2019-003-gongshu-1"]
    assert e["2021-013-xiacheng-1"] == []  # the window is in issues: 2019's 拱墅区 is too far back


def test_the_issue_page_marks_a_recurrence_with_links(patterned):
    page = soup(patterned["site"] / "issues/2019-005/index.html")
    mark = page.find(id="gongshu-1").select_one(".zb-recurring")
    assert mark.select_one(".zb-recurring__label").get_text() == "再次出现 · 近 3 期第 3 次"
    assert [a["href"] for a in mark.select("a")] == ["../2019-003/#gongshu-1", "../2019-002/#gongshu-1"]
    assert soup(patterned["site"] / "issues/2019-004/index.html").select(".zb-recurring") == []


def test_the_district_page_lists_recurring_findings_of_the_recent_window(patterned):
    page = soup(patterned["site"] / "districts/gongshu/index.html")
    section = page.find(id="recurring")
    assert section.get_text() == "反复出现的问题（近 3 期）"
    links = [a["href"] for a in section.find_all_next("a", class_="zb-entry-link")]
    assert "../../issues/2021-014/#gongshu-1" in links


def test_the_window_is_a_registry_setting_and_is_validated(tmp_path):
    root = make_archive(tmp_path)
    (root / "issues/registry/settings.yaml").write_text("recurrence_window: 0\n", encoding="utf-8")
    result = cli(root, "validate")
    assert result.returncode == 1 and "issues/registry/settings.yaml:1:" in result.stderr


# --- follow-ups confirmed by editors ---------------------------------------------------------------

def _follow(root: Path, folder: str, slug: str, n: int, target: str) -> None:
    path = root / "issues" / folder / f"{slug}.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    at = [i for i, line in enumerate(lines) if line.startswith("  - text:")][n - 1]
    lines.insert(at + 2, f"    follows: {target}")
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.fixture
def small(tmp_path) -> Path:
    root = make_archive(tmp_path, with_sample=False)
    issue(root, 1, "2019-01-04", {"gongshu": [["窗口纪律"]], "xihu": [["自助设备"]]})
    issue(root, 2, "2019-01-11", {"gongshu": [["窗口纪律"], ["自助设备"]]})
    issue(root, 3, "2019-01-18", {"gongshu": [["窗口纪律"]]})
    return root


@pytest.mark.site
def test_a_follow_up_links_both_pages_and_the_json(small):
    _follow(small, "2019-002", "gongshu", 1, "2019-001-gongshu-1")
    _follow(small, "2019-003", "gongshu", 1, "2019-001-gongshu-1")
    assert cli(small, "validate").returncode == 0
    site = built(small)
    data = json.loads((site / "data/archive.json").read_text(encoding="utf-8"))
    f = {x["id"]: x for i in data["issues"] for d in i["districts"] for x in d["findings"]}
    assert f["2019-002-gongshu-1"]["follows"] == "2019-001-gongshu-1"
    assert f["2019-001-gongshu-1"]["followed_by"] == ["2019-003-gongshu-1", "2019-002-gongshu-1"]
    assert f["2019-002-gongshu-2"]["follows"] is None and f["2019-002-gongshu-2"]["followed_by"] == []
    before = soup(site / "issues/2019-001/index.html").find(id="gongshu-1").select_one(".zb-follow")
    assert "后续" in before.get_text() and [a["href"] for a in before.select("a")] == [
        "../2019-003/#gongshu-1", "../2019-002/#gongshu-1"]
    after = soup(site / "issues/2019-002/index.html").find(id="gongshu-1").select_one(".zb-follow")
    assert after.get_text(" ", strip=True).startswith("前情") and after.a["href"] == "../2019-001/#gongshu-1"


@pytest.mark.parametrize("target, message", [
    ("2019-001-gongshu-9", "找不到编号为 2019-001-gongshu-9 的问题"),
    ("2019-003-gongshu-1", "2019-003-gongshu-1 不在更早的一期中"),
    ("2019-001-xihu-1", "是西湖区的问题，不是拱墅区"),
    ("33-gongshu", "格式不对 — 应为一条问题的编号"),
])
def test_follows_must_name_an_earlier_finding_of_the_same_district(small, target, message):
    _follow(small, "2019-002", "gongshu", 2, target)
    result = cli(small, "validate")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    line = next(n for n, text in enumerate((small / "issues/2019-002/gongshu.yaml").read_text(
        encoding="utf-8").split("\n"), 1) if "follows:" in text)
    assert f"issues/2019-002/gongshu.yaml:{line}:" in result.stderr and message in result.stderr, result.stderr


def test_diff_shows_a_follow_up_added(small):
    from conftest import git
    git(small, "init", "-q")
    git(small, "add", "-A")
    git(small, "commit", "-qm", "x")
    _follow(small, "2019-002", "gongshu", 1, "2019-001-gongshu-1")
    out = cli(small, "diff").stdout
    assert "拱墅区 ① 前情（新增）：2019-001-gongshu-1" in out


# --- open promises and the 规律 search filter ---------------------------------------------------

def test_promises_are_found_in_the_samples_own_actions():
    from bulletins.analysis import patterns
    from bulletins.data.load import load_archive
    from conftest import REPO
    archive, _ = load_archive(REPO)
    found = {f"{i.id}-{f.anchor}" for i in archive.issues for r in i.reports for f in r.findings
             if patterns.promises(f)}
    assert found == {"2018-033-jianggan-2", "2018-033-fuyang-7"}  # 近期将投入使用 / 剩余 3 个正在整改中
    assert "2018-033-gongshu-1" not in found


@pytest.mark.site
def test_a_follow_up_closes_a_promise_on_the_pending_page(tmp_path):
    root = make_archive(tmp_path)
    site = built(root)
    pending = soup(site / "pending/index.html")
    assert pending.find(id="jianggan") and "../issues/2018-033/#jianggan-2" in str(pending)
    district = soup(site / "districts/jianggan/index.html")
    assert district.find(id="pending") and "本期" in district.select_one(".zb-pending-list").get_text()
    issue(root, 34, "2018-09-28", {"xihu": [["设施环境"]]})
    folder = root / "issues/2018-034"
    (folder / "jianggan.yaml").write_text("district: 江干区\nfindings:\n  - text: 母婴室已于 9 月 26 日投入使用。\n"
                                          "    types: [设施环境]\n    follows: 2018-033-jianggan-2\n", encoding="utf-8")
    site = built(root)
    pending = soup(site / "pending/index.html")
    assert "2018-033/#jianggan-2" not in str(pending) and "已过 1 期" in pending.get_text()  # 富阳区's still waits


def test_the_search_filter_finds_exactly_the_recurring_and_the_pending(patterned):
    from conftest import node_search, serve
    data = json.loads((patterned["site"] / "data/archive.json").read_text(encoding="utf-8"))
    recurring = {f["id"] for i in data["issues"] for d in i["districts"] for f in d["findings"] if f["earlier"]}
    with serve(patterned["site"]) as url:
        again, pending = node_search(patterned["site"], url, [{"q": "", "filters": {"规律": "反复出现"}},
                                                              {"q": "", "filters": {"规律": "待跟进"}}])
    assert {f"{r['issue']}-{r['anchor']}" for r in again} == recurring
    assert pending == []  # the hand-made issues promise nothing
    page = soup(patterned["site"] / "search/index.html")
    assert page.select_one("input[name='规律'][value='反复出现']") is not None


# --- heat maps ------------------------------------------------------------------------------------

def _heat_cells(page_path: Path) -> list[tuple[str, str, int, str | None]]:
    fig = soup(page_path).find(id="heat-chart")
    months = [th.get_text() for th in fig.select("thead th")][1:]
    cells = []
    for row in fig.select("tbody tr"):
        for month, td in zip(months, row.select("td")):
            a = td.find("a")
            cells.append((row.th.get_text(), month, int(td.get_text()), a["href"] if a else None))
    return cells


@pytest.mark.parametrize("path, facet", [("districts/xiaoshan/", "types"), ("types/zizhu-shebei/", "district")])
def test_heat_map_counts_match_the_model_and_link_to_exactly_them(synth_site, path, facet):
    from collections import Counter
    from urllib.parse import parse_qs, urlparse

    from conftest import node_search, serve
    data = json.loads((synth_site / "data/archive.json").read_text(encoding="utf-8"))
    counts: Counter = Counter()
    for i in data["issues"]:
        for d in i["districts"]:
            for f in d["findings"]:
                if path.startswith("districts/") and d["slug"] == "xiaoshan":
                    counts.update((t, i["date"][:7]) for t in f["types"])
                elif path.startswith("types/") and "自助设备" in f["types"]:
                    counts[(d["name"], i["date"][:7])] += 1
    cells = _heat_cells(synth_site / path / "index.html")
    months = sorted({m for _, m in counts})[-12:]
    assert sorted({m for _, m, _, _ in cells}) == months
    assert all(n == counts[(row, m)] for row, m, n, _ in cells)
    assert sum(n for *_, n, _ in cells) == sum(v for (r, m), v in counts.items() if m in months)
    sample = [c for c in cells if c[2]][:6]
    with serve(synth_site) as url:
        found = node_search(synth_site, url, [
            {"q": "", "filters": {k: v[0] for k, v in parse_qs(urlparse(href).query).items()}} for *_, href in sample])
    for (row, month, n, href), results in zip(sample, found):
        assert len(results) == n and all(r["date"].startswith(month) for r in results), (row, month)
    svg = soup(synth_site / path / "index.html").find(id="heat-chart").select_one("svg.zb-chart--wide")
    assert svg["role"] == "group" and len(svg.select("a")) == sum(1 for c in cells if c[2])
    assert all(a["aria-label"].endswith(" 条") for a in svg.select("a"))


def test_synth_plants_recurrences_follow_ups_and_promises(synth_site):
    data = json.loads((synth_site / "data/archive.json").read_text(encoding="utf-8"))
    findings = [f for i in data["issues"] for d in i["districts"] for f in d["findings"]]
    assert sum(1 for f in findings if f["earlier"]) > 50
    followed = [f for f in findings if f["follows"]]
    assert len(followed) > 10 and all(f["follows"] in {g["id"] for g in findings} for f in followed)
    pending = soup(synth_site / "pending/index.html").select(".zb-pending-list li")
    assert pending and len(pending) < sum(1 for f in findings if "将" in (f["action"] or "") or "正在" in (f["action"] or ""))


def test_the_pending_page_names_the_date_it_counts_to_and_reaches_every_entry(synth_site):
    data = json.loads((synth_site / "data/archive.json").read_text(encoding="utf-8"))
    latest = data["issues"][0]
    page = soup(synth_site / "pending/index.html")
    y, m, d = (int(x) for x in latest["date"].split("-"))
    assert f"逾期天数截至第 {latest['number']} 期，{y} 年 {m} 月 {d} 日" in page.get_text()
    said = int(re.search(r"共 (\d+) 条", page.get_text()).group(1))
    reached = {a["href"].removeprefix("../") for a in page.select(".zb-pending-list li a.zb-entry-link")}
    more = page.select(".zb-more a")
    assert more and all("另有" in a.parent.get_text() for a in more)
    for link in more:  # one click from the overview: the district's page of all its entries
        district = soup(synth_site / "pending" / link["href"] / "index.html")
        assert f"逾期天数截至第 {latest['number']} 期" in district.get_text()
        reached |= {a["href"].removeprefix("../../") for a in district.select(".zb-pending-list li a.zb-entry-link")}
    assert len(reached) == said


@pytest.mark.site
def test_the_importer_proposes_a_follow_up_as_a_comment_to_confirm(archive):
    from conftest import FIXTURES
    result = cli(archive, "import", "--publish", str(FIXTURES / "2018-034-followup.txt"))
    assert result.returncode == 0, result.stderr
    assert "建议：江干区 第 1 条可能是对 2018-033-jianggan-2 的跟进" in result.stderr
    path = archive / "issues/2018-034/jianggan.yaml"
    text = path.read_text(encoding="utf-8")
    assert "    # follows: 2018-033-jianggan-2  # 导入时的建议" in text
    assert text.count("# follows:") == 1, "a similar finding without follow-up wording is a recurrence, not proposed"
    assert cli(archive, "validate").returncode == 0 and cli(archive, "fmt", "--check").returncode == 0
    path.write_text(text.replace("    # follows: ", "    follows: "), encoding="utf-8")  # the editor confirms
    assert cli(archive, "validate").returncode == 0
    site = built(archive)
    assert "后续" in soup(site / "issues/2018-033/index.html").find(id="jianggan-2").select_one(".zb-follow").get_text()
    assert "2018-033/#jianggan-2" not in str(soup(site / "pending/index.html"))


# --- the same problem again, not the same label ------------------------------------------------

@pytest.mark.site
def test_a_reworded_repeat_recurs_and_look_alikes_do_not(tmp_path):
    root = make_archive(tmp_path, with_sample=False)
    issue(root, 1, "2019-01-04", {"gongshu": [
        (["窗口纪律"], "区行政服务中心税务窗口人员在工作时段玩手机。"),
        (["满意度回访"], "本周电话回访办件 1200 件，满意 1180 件。"),
        (["自助设备"], "区市民之家两台自助服务机故障。")]})
    issue(root, 2, "2019-01-11", {"gongshu": [
        (["窗口纪律"], "复查区行政服务中心，税务窗口仍有人员工作时段玩手机。"),   # the same problem, reworded
        (["窗口纪律"], "区市民之家税务窗口人员在工作时段玩手机。"),             # the same fault at another place
        (["窗口纪律"], "区行政服务中心税务窗口工作人员离岗未放置去向牌。"),       # another fault at the same place
        (["满意度回访"], "本周电话回访办件 1210 件，满意 1190 件。"),            # the weekly figures: a report
        (["自助设备"], "区行政服务中心自助服务机故障。")]})                      # the same fault, another place
    site = built(root)
    data = json.loads((site / "data/archive.json").read_text(encoding="utf-8"))
    e = {f["id"]: f["earlier"] for i in data["issues"] for d in i["districts"] for f in d["findings"]}
    assert e["2019-002-gongshu-1"] == ["2019-001-gongshu-1"]
    assert e["2019-002-gongshu-2"] == e["2019-002-gongshu-3"] == e["2019-002-gongshu-4"] == e["2019-002-gongshu-5"] == []


@pytest.mark.slow
def test_synthetic_repeats_are_found_with_precision_and_recall_of_at_least_90_percent(tmp_path):
    """`bulletins synth --truth` writes each finding's problem (family and place): two findings of a
    district within the window are the same problem exactly when both match."""
    from bulletins.data.load import load_archive
    from bulletins.analysis import patterns
    from bulletins.data.model import finding_id

    root = make_archive(tmp_path, with_sample=False)
    assert cli(root, "synth", "--issues", "60", "--seed", "3", "--truth", "truth.json").returncode == 0
    truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    archive, _ = load_archive(root)
    window = archive.registry.recurrence_window
    expected = set()
    for k, iss in enumerate(archive.issues):
        for r in iss.reports:
            lineage = archive.registry.lineage(r.district.slug, iss.date)
            for f in r.findings:
                me = truth.get(finding_id(iss, f))
                if me and any(truth.get(finding_id(older, g)) == me for older in archive.issues[k + 1:k + 1 + window]
                              for r2 in older.reports if r2.district.slug in lineage for g in r2.findings):
                    expected.add(finding_id(iss, f))
    found = set(patterns.earlier_findings(archive))
    everything = sum(len(i.findings) for i in archive.issues)
    precision, recall = len(found & expected) / len(found), len(found & expected) / len(expected)
    print(f"synthetic recurrence: precision {precision:.3f}, recall {recall:.3f}, "
          f"{len(found)} of {everything} findings marked ({len(found) / everything:.0%})")
    assert precision >= 0.9 and recall >= 0.9
    assert len(found) <= everything / 3 and len(expected) > 100


# --- the year in review -------------------------------------------------------------------------

def test_the_year_in_review_counts_match_archive_json_and_link_to_exactly_them(synth_site):
    from collections import Counter
    from urllib.parse import parse_qs, urlparse
    data = json.loads((synth_site / "data/archive.json").read_text(encoding="utf-8"))
    years = sorted({i["date"][:4] for i in data["issues"]})
    assert len(years) >= 2
    for year in years:
        page = soup(synth_site / "years" / year / "index.html")
        mine = [(d["name"], f) for i in data["issues"] if i["date"].startswith(year) for d in i["districts"] for f in d["findings"]]
        before = Counter(d["name"] for i in data["issues"] if i["date"].startswith(str(int(year) - 1))
                         for d in i["districts"] for f in d["findings"])
        cells = Counter((name, t) for name, f in mine for t in f["types"])
        per_district = Counter(name for name, _ in mine)
        table = page.select_one("table.zb-review-table")
        types = [th.get_text() for th in table.select("thead th.zb-num")][:-1 - 2 * (str(int(year) - 1) in years)]
        assert f"{len(mine)} 条问题" in page.select_one(".zb-review__lead").get_text()
        for row in table.select("tbody tr"):
            district = row.select_one("th").get_text()
            values = [td.get_text() for td in row.select("td")]
            assert [int(v) for v in values[:len(types)]] == [cells[(district, t)] for t in types], (year, district)
            assert int(values[len(types)]) == per_district[district]
            if str(int(year) - 1) in years:
                assert int(values[len(types) + 1]) == before[district]
            for a, t in zip(row.select("td"), types):
                link = a.select_one("a")
                if link:
                    q = parse_qs(urlparse(link["href"]).query)
                    assert q == {"区县": [district], "问题类型": [t], "年份": [year]}
        assert sum(per_district.values()) == len(mine) and {r.select_one("th").get_text() for r in table.select("tbody tr")} == set(per_district)
        recurring = sum(1 for _, f in mine if f["earlier"])
        assert f"这一年共 {recurring} 条" in page.find(id="recurring").find_next("p").get_text()
    archive = soup(synth_site / "archive/index.html")
    assert {a["href"] for a in archive.select(".zb-review-link a")} == {f"../years/{y}/" for y in years}
    assert soup(synth_site / "index.html").select_one(f"a[href='years/{years[-1]}/']")
