"""Ready for the intranet: built for a subpath, crawled with no broken link or anchor, nothing loaded
from another host, a Chinese 404, a feed, print to PDF like the paper bulletin, and axe-core."""

from __future__ import annotations

import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections import deque
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlparse

import pytest
from bs4 import BeautifulSoup

from conftest import built, cli, make_archive, node_search, serve

SITE_URL = "http://zb.intranet.test/zhuanbao/"
PREFIX = "/zhuanbao/"
AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def subpath_site(tmp_path_factory) -> Path:
    root = make_archive(tmp_path_factory.mktemp("subpath"))
    config = root / "mkdocs.yml"
    config.write_text(re.sub(r"(?m)^site_url:.*$", f"site_url: {SITE_URL}", config.read_text(encoding="utf-8")),
                      encoding="utf-8")
    assert cli(root, "synth", "--issues", "6", "--seed", "3").returncode == 0
    return built(root)  # --strict: any warning fails the build


@pytest.fixture(scope="module")
def subpath_url(subpath_site):
    with serve(subpath_site, PREFIX) as url:
        yield url


def fetch(url: str) -> tuple[int, str, bytes]:
    url = urllib.parse.quote(url, safe=":/?#[]@!$&'()*+,;=%~")  # a link's letters beyond ASCII, as a browser sends them
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def local(url: str, base: str) -> str:
    """The published address (site_url) of a page, as served here."""
    return base + url[len(SITE_URL):] if url.startswith(SITE_URL) else url


REFS = (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("source", "src"), ("iframe", "src"))


def crawl(base: str):
    pages: dict[str, set[str]] = {}  # page URL → ids on it
    checked: dict[str, int] = {}
    anchors: list[tuple[str, str, str]] = []  # (from, page, fragment)
    broken: list[str] = []
    queue = deque([base])
    while queue:
        url = queue.popleft()
        if url in pages or url in checked:
            continue
        status, ctype, body = fetch(url)
        checked[url] = status
        if status != 200:
            continue
        if "text/html" not in ctype:
            if "css" in ctype:  # url(...) in stylesheets are resources too
                for ref in re.findall(r"url\(['\"]?([^'\")]+)", body.decode("utf-8", "replace")):
                    if not ref.startswith("data:"):
                        queue.append(urldefrag(urljoin(url, ref))[0])
            continue
        page = BeautifulSoup(body, "html.parser")
        pages[url] = {el["id"] for el in page.select("[id]")} | {el["name"] for el in page.select("a[name]")}
        for tag, attr in REFS:
            for el in page.find_all(tag):
                ref = el.get(attr)
                if not ref or (tag == "link" and "canonical" in el.get("rel", [])):
                    continue
                target = local(urljoin(url, ref), base)
                parts = urlparse(target)
                if parts.scheme not in ("http", "https") or parts.netloc != urlparse(base).netloc:
                    broken.append(f"{url}: {tag} {ref} leaves the intranet")
                    continue
                clean, fragment = urldefrag(target)
                if fragment:
                    anchors.append((url, clean, unquote(fragment)))
                queue.append(clean)
    broken += [f"{u}: HTTP {s}" for u, s in checked.items() if s != 200]
    for origin, target, fragment in anchors:
        if target in pages and fragment not in pages[target]:
            broken.append(f"{origin}: #{fragment} is not on {target}")
    return pages, broken


@pytest.mark.slow  # every page of the site, fetched and parsed: an integration test
def test_crawl_from_the_home_page_reaches_every_page_with_no_broken_link_or_anchor(subpath_site, subpath_url):
    pages, broken = crawl(subpath_url)
    assert not broken, "\n".join(broken[:20])
    folders = (p.parent.relative_to(subpath_site).as_posix() for p in subpath_site.rglob("index.html"))
    on_disk = {subpath_url + ("" if f == "." else f + "/") for f in folders}
    reached = set(pages)
    assert on_disk - reached == set(), sorted(on_disk - reached)[:10]
    assert len(reached) > 40


def test_feed_and_sitemap_point_into_the_subpath(subpath_site, subpath_url):
    rss = ET.fromstring((subpath_site / "feed.xml").read_bytes())
    links = [i.findtext("link") for i in rss.iter("item")]
    assert len(links) == 7 and all(link.startswith(SITE_URL + "issues/") for link in links)
    assert all(fetch(local(link, subpath_url))[0] == 200 for link in links)
    sitemap = ET.fromstring((subpath_site / "sitemap.xml").read_bytes())
    locs = [e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs and all(loc.startswith(SITE_URL) for loc in locs)
    head = BeautifulSoup((subpath_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    feed = head.select_one('link[rel~=alternate][type="application/rss+xml"]')
    assert urljoin(subpath_url, feed["href"]) == subpath_url + "feed.xml"


RESOURCE = re.compile(
    r"""<(?:script|img|iframe|source|embed|audio|video)\b[^>]*\bsrc=["']?(?:https?:)?//"""
    r"""|<link\b[^>]*\bhref=["']?(?:https?:)?//[^"'>]*["'][^>]*>"""
    r"""|@import\s+(?:url\()?["']?(?:https?:)?//|url\(["']?(?:https?:)?//"""
    r"""|importScripts\(["'](?:https?:)?//|import\(["'](?:https?:)?//|from\s+["'](?:https?:)?//""", re.I)


def test_no_file_loads_anything_from_another_host(subpath_site):
    offenders = []
    for path in subpath_site.rglob("*"):
        if not path.is_file() or path.suffix not in (".html", ".css", ".js", ".json", ".xml", ".svg"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for m in RESOURCE.finditer(text):
            snippet = text[m.start():m.end() + 80]
            rel = re.search(r'rel=["\']?([\w -]+)', snippet)
            if snippet.startswith("<link") and rel and rel.group(1) in ("canonical", "alternate") \
                    and SITE_URL in snippet:
                continue  # the page's own published address, not a load
            offenders.append(f"{path.relative_to(subpath_site)}: {snippet[:120]}")
    assert not offenders, "\n".join(offenders[:20])


def test_chinese_404_page_works_at_any_depth(subpath_url, page):
    status, ctype, body = fetch(subpath_url + "no/such/page/")
    assert status == 404 and "页面不存在" in body.decode("utf-8")
    page.goto(subpath_url + "no/such/page/")
    assert page.title() == "页面不存在 - 专报归档"
    assert page.evaluate("[...document.styleSheets].some(s => (s.href || '').endsWith('/zhuanbao/assets/zb/zb.css'))")
    page.click("text=往期通报")
    page.wait_for_url(subpath_url + "archive/")


def test_search_works_under_the_subpath(subpath_site, subpath_url, page):
    [results] = node_search(subpath_site, subpath_url, [{"q": "母婴"}])
    assert results and all(r["url"].startswith(subpath_url + "issues/") for r in results)
    [again] = node_search(subpath_site, subpath_url.rstrip("/"), [{"q": "母婴"}])
    assert again == results, "the site's URL works without its trailing slash too"
    page.goto(subpath_url + "search/?q=母婴")
    link = page.wait_for_selector(".zb-result__place")
    assert link.evaluate("a => a.href") == results[0]["url"]
    link.click()
    page.wait_for_url(results[0]["url"])
    anchor = results[0]["url"].split("#")[1]
    assert page.evaluate("document.querySelector(':target').id") == anchor


# --- print ------------------------------------------------------------------------------------

def _red_pixels(pdf: Path, tmp: Path) -> int:
    """Pixels of the first page that are clearly red (the masthead rule and title)."""
    subprocess.run(["pdftoppm", "-r", "30", "-f", "1", "-l", "1", str(pdf), str(tmp / "p")], check=True)
    ppm = next(tmp.glob("p*.ppm")).read_bytes()
    header = ppm.split(b"\n", 3)
    width, height = map(int, header[1].split())
    data = header[3]
    return sum(1 for i in range(0, width * height * 3, 3) if data[i] > 150 and data[i + 1] < 80 and data[i + 2] < 80)


def test_an_issue_prints_to_a4_like_the_paper_bulletin(sample_url, page, tmp_path):
    page.goto(sample_url + "issues/2018-033/")
    pdf = tmp_path / "2018-033.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:.*\(A4\)", info), info
    # reading order: -layout would interleave the large, letter-spaced masthead with the line below it
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    for expected in ("“最多跑一次”改革专报", "第33期", "杭州市“最多跑一次”改革专题组办公室", "2018年9月21日",
                     "自查情况通报", "上城区", "拱墅区", "看与工作无关书籍", "报：", "发："):
        assert expected in flat, expected
    for chrome in ("编辑指南", "搜索通报", "更正记录", "加载更多"):
        assert chrome not in flat, f"{chrome} should not print"
    assert flat.index("上城区") < flat.index("下城区") < flat.index("江干区")
    assert _red_pixels(pdf, tmp_path) > 50


# --- accessibility ----------------------------------------------------------------------------

AXE_PAGES = ["", "issues/2018-033/", "districts/gongshu/", "types/zizhu-shebei/", "search/?q=自助机",
             "archive/", "departments/", "corrections/", "districts/", "pending/", "no/such/page/"]


@pytest.mark.parametrize("path", AXE_PAGES)
def test_axe_finds_no_moderate_serious_or_critical_violation(sample_url, page, path):
    page.goto(sample_url + path)
    if path.startswith("search/"):
        page.wait_for_selector(".zb-result")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
        .violations.filter(v => ['moderate', 'serious', 'critical'].includes(v.impact))
        .map(v => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`)""")
    assert violations == [], "\n".join(violations)


def test_charts_carry_text_alternatives(sample_site):
    page = BeautifulSoup((sample_site / "districts" / "shangcheng" / "index.html").read_text(encoding="utf-8"),
                         "html.parser")
    charts = page.select("svg.zb-chart")
    assert len(charts) >= 2
    for svg in charts:
        # an image; a heat map, whose cells are links, is a named group of those links
        assert svg["role"] == ("group" if svg.select("a") else "img")
        assert svg["aria-label"] and svg.find("title").get_text() == svg["aria-label"]
        assert svg.find("desc").get_text().strip(), "a description of what the chart shows"
    assert page.select("table"), "the chart's numbers are also a table"
