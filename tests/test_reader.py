"""The reader on any device: a district one tap away on a phone, a header that names the issue,
headings in order, nothing repeated, the site's own mark, the guide for editors out of the readers' way."""

from __future__ import annotations

import json

import pytest

from conftest import soup

PHONE = {"width": 390, "height": 844}


def _pages(site):
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts)


def test_headings_never_skip_a_level_and_no_article_sits_in_another(synth_site):
    checked = 0
    for path in _pages(synth_site):
        page = soup(path)
        levels = [int(h.name[1]) for h in page.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
        for before, after in zip([0, *levels], levels):
            assert after <= before + 1, f"{path.relative_to(synth_site)}: h{before} → h{after} ({levels[:10]})"
        assert not page.select("article article"), path
        checked += 1
    assert checked > 150


def test_every_district_is_one_tap_from_the_top_of_an_issue_on_a_phone(page, sample_url):
    page.set_viewport_size(PHONE)
    page.goto(sample_url + "issues/2018-033/")
    links = page.locator(".zb-jump a")
    names = [t.strip() for t in links.all_inner_texts()]
    assert len(names) == 16 and names[0] == "上城区" and "萧山区" in names
    for box in (links.nth(i).bounding_box() for i in range(links.count())):
        assert box["y"] + box["height"] <= PHONE["height"] and box["height"] >= 24  # on the first screen, a finger's size
    page.get_by_role("link", name="萧山区", exact=True).first.click()
    page.wait_for_function("document.getElementById('xiaoshan').getBoundingClientRect().top < 120")
    assert page.locator("#xiaoshan").bounding_box()["y"] >= 0
    assert page.locator(".md-top").count() == 1  # and back up again (navigation.top)


def test_the_jump_list_gives_way_to_the_table_of_contents_on_a_wide_screen_and_in_print(page, sample_url):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(sample_url + "issues/2018-033/")
    assert not page.locator(".zb-jump").is_visible()
    assert page.locator(".md-sidebar--secondary").get_by_role("link", name="萧山区").is_visible()
    page.emulate_media(media="print")
    page.set_viewport_size(PHONE)
    assert not page.locator(".zb-jump").is_visible()


def test_the_phone_header_shows_the_issues_short_title_in_full(page, sample_url):
    page.set_viewport_size(PHONE)
    page.goto(sample_url + "issues/2018-033/")
    page.mouse.wheel(0, 1200)
    page.wait_for_function("document.querySelector('[data-md-component=header-title]').classList.contains('md-header__title--active')")
    topic = page.locator("[data-md-component=header-topic] .md-ellipsis")
    assert topic.inner_text().strip() == "2018 年第 33 期"
    assert page.evaluate("(e) => e.scrollWidth <= e.clientWidth", topic.element_handle())
    assert page.title().startswith("第 33 期（2018-09-21）")  # the tab keeps the full title


def test_an_action_is_shown_only_when_it_adds_words(sample_site):
    from bulletins.data.textutil import says_more
    assert not says_more("已分解任务、明确责任单位并督促相关单位进行整改。",
                         "…已分解任务、明确责任单位并督促相关单位进行整改。")
    assert says_more("已约谈窗口负责人，下周复查。", "窗口人员离岗。已约谈窗口负责人。")
    page = soup(sample_site / "issues/2018-033/index.html")
    assert "处理情况" not in page.select_one(".zb-bulletin").get_text()  # the sample's 26 all repeat the text


@pytest.mark.site
def test_an_action_with_words_of_its_own_is_shown(tmp_path):
    from conftest import built, edit, make_archive
    root = make_archive(tmp_path)
    edit(root, "issues/2018-033/gongshu.yaml", "    place: 区行政服务中心\n",
         "    place: 区行政服务中心\n    action: 已约谈税务窗口负责人，9 月 25 日复查。\n")
    site = built(root)
    metas = [m.get_text(" ", strip=True) for m in soup(site / "issues/2018-033/index.html").select(".zb-meta")]
    assert any("处理情况 已约谈税务窗口负责人" in m for m in metas)


def test_the_home_page_leads_on_to_the_whole_latest_issue_and_the_archive(sample_site):
    home = soup(sample_site / "index.html")
    more = home.select_one("#newest").find_parent("section").select(".zb-more a")
    assert [a.get_text() for a in more] == ["第 33 期全部 44 条问题", "往期通报"]
    assert more[0]["href"] == "issues/2018-033/"


def test_the_site_has_its_own_mark_and_the_guide_is_in_the_footer_not_the_menu(sample_site):
    page = soup(sample_site / "issues/2018-033/index.html")
    logo = page.select_one(".md-header .md-logo svg")
    assert logo is not None and "#c8161d" in str(logo)
    assert page.select_one("link[rel=icon]")["href"].endswith("assets/zb/mark.svg")
    assert (sample_site / "assets/zb/mark.svg").is_file()
    assert "编辑指南" not in page.select_one(".md-nav--primary").get_text()
    assert page.select_one(".zb-footer a[href$='guide/']").get_text() == "编辑指南"
    assert (sample_site / "guide/index.html").is_file()


@pytest.mark.parametrize("width", [1366, 390])
def test_the_issue_page_fits_the_screen(page, sample_url, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(sample_url + "issues/2018-033/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


# --- search: other words for the same thing, no dead ends, history, keyboard, stability ---------

def _search(page, url, query):
    page.goto(url + "search/?q=" + query)
    page.wait_for_selector("[data-zb-searchpage][data-ready]")


SELF_SERVICE = ("自助机", "自助终端", "自助服务机", "自助设备", "自助服务终端", "自助电脑", "自助一体机", "自助办理机")


def test_a_word_finds_its_synonyms_and_the_status_says_so(page, sample_url):
    _search(page, sample_url, "自助终端")
    texts = page.locator(".zb-result__text").all_inner_texts()
    assert len(texts) == 4 and all(any(w in t for w in SELF_SERVICE) for t in texts)  # exactness stays
    status = page.inner_text(".zb-status")
    assert "也找了：自助机、自助服务机" in status
    marks = set(page.locator(".zb-result mark").all_inner_texts())
    assert {"自助机", "自助服务机"} <= marks
    _search(page, sample_url, '"自助终端"')  # quoted: exactly these characters
    assert page.locator(".zb-result").count() == 0 and "也找了" not in page.inner_text(".zb-status")


@pytest.mark.parametrize("typed, meant", [("自主机", "自助机"), ("排对", "排队"), ("自助终段", "自助终端")])
def test_a_mistyped_word_is_offered_the_word_meant_with_its_count(page, sample_url, typed, meant):
    _search(page, sample_url, typed)
    hint = page.locator(".zb-hint").first
    label = hint.inner_text()
    assert label.startswith(f"搜索“{meant}”（") and label.endswith("条）")
    count = int(label.split("（")[1].rstrip("条）").strip())
    hint.click()
    page.wait_for_function("document.querySelector('[data-zb-searchpage]').dataset.ready === '1' && document.querySelectorAll('.zb-result').length > 0")
    assert page.input_value("#zb-page-q") == meant and page.locator(".zb-result").count() == count


WATCH_STATUS = """
window.__zbSeen = [];
new MutationObserver(() => {
  const s = document.querySelector('.zb-status');
  const h = document.querySelector('.zb-hints');
  if (s && s.textContent.includes('没有找到')) window.__zbSeen.push(h ? h.children.length : -1);
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


@pytest.mark.parametrize("query", ["自主机", "zizhuji"])
def test_suggestions_appear_together_with_the_empty_result_never_after_it(page, sample_url, query):
    page.add_init_script(WATCH_STATUS)
    _search(page, sample_url, query)
    seen = page.evaluate("() => window.__zbSeen")
    assert seen and min(seen) > 0, seen  # every moment 没有找到 showed, the suggestions were there
    first = page.locator(".zb-hint").first.inner_text()
    assert first.startswith("搜索“自助机”"), first  # zizhuji: the whole word, before ji and zi


def test_nothing_found_leaves_no_filter_to_tick_and_links_that_lead_somewhere(page, sample_url):
    from conftest import fetch
    _search(page, sample_url, "量子计算机")
    page.wait_for_selector(".zb-browse a")
    boxes = page.locator(".zb-facet input[type=checkbox]")
    assert boxes.count() > 20
    assert all(b.is_disabled() for b in boxes.all())
    assert set(page.locator(".zb-facet .zb-count").all_inner_texts()) == {"0"}
    links = page.locator(".zb-browse a")
    assert links.first.inner_text() == "最新一期（第 33 期）"
    for href in (links.nth(i).get_attribute("href") for i in range(links.count())):
        assert fetch(href)[0] == 200, href


def test_back_and_forward_walk_through_queries_and_filters(page, sample_url):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(sample_url)
    _search(page, sample_url, "窗口")
    first = page.locator(".zb-result").count()
    page.check("input[name='区县'][value='萧山区']")
    page.wait_for_function("document.querySelector('[data-zb-searchpage]').dataset.ready === '1' && location.search.includes('%E5%8C%BA')")
    page.locator("input[name='问题类型']:not([disabled])").first.check()
    page.wait_for_function("document.querySelector('[data-zb-searchpage]').dataset.ready === '1' && location.search.includes('%E9%97%AE')")
    page.go_back()
    page.wait_for_function("document.querySelector('[data-zb-searchpage]').dataset.ready === '1' && !location.search.includes('%E9%97%AE')")
    assert page.is_checked("input[name='区县'][value='萧山区']") and not page.locator("input[name='问题类型']:checked").count()
    page.go_back()
    page.wait_for_function("document.querySelector('[data-zb-searchpage]').dataset.ready === '1' && !location.search.includes('%E5%8C%BA')")
    assert page.locator(".zb-result").count() == first and not page.is_checked("input[name='区县'][value='萧山区']")
    page.go_forward()
    page.wait_for_function("document.querySelector('[data-zb-searchpage]').dataset.ready === '1' && location.search.includes('%E5%8C%BA')")
    assert page.is_checked("input[name='区县'][value='萧山区']")
    page.go_back()
    page.go_back()
    page.wait_for_url(sample_url)  # the page before the search, not a replaced history


def test_back_from_a_result_returns_to_the_same_place_in_the_list(page, sample_url):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(sample_url + "search/?年份=2018")  # all 44 findings: a second page to load
    page.wait_for_selector("[data-zb-searchpage][data-ready]")
    page.click(".zb-more")
    page.wait_for_function("document.querySelectorAll('.zb-result').length > 20")
    shown = page.locator(".zb-result").count()
    target = page.locator(".zb-result__place").nth(shown - 2)
    target.scroll_into_view_if_needed()
    before = page.evaluate("scrollY")
    target.click()
    page.wait_for_url("**/issues/2018-033/**")
    page.go_back()
    page.wait_for_function(f"document.querySelectorAll('.zb-result').length >= {shown} && Math.abs(scrollY - {before}) < 5")


def test_the_keyboard_goes_from_the_box_to_the_results_in_a_few_keys(page, sample_url):
    _search(page, sample_url, "母婴")
    page.focus("#zb-page-q")
    presses = 0
    while not page.evaluate("document.activeElement.classList.contains('zb-skip-results')"):
        page.keyboard.press("Tab")
        presses += 1
        assert presses <= 3
    assert page.locator(".zb-skip-results").is_visible()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('zb-result__place')")


LAYOUT_SHIFTS = """
window.__cls = 0;
new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value; })
  .observe({type: 'layout-shift', buffered: true});
"""


@pytest.mark.parametrize("query", ["母婴", "自助终端", "自主机", ""])
def test_the_search_page_does_not_move_as_results_arrive_on_a_phone(page, sample_url, query):
    page.set_viewport_size({"width": 390, "height": 844})
    page.add_init_script(LAYOUT_SHIFTS)
    _search(page, sample_url, query)
    page.wait_for_function("document.querySelector('[data-zb-searchpage]').dataset.ready === '1'")
    assert page.evaluate("window.__cls") <= 0.1


def test_a_page_loads_no_sitemap_and_text_comes_gzipped(page, sample_url):
    loaded = []
    page.on("requestfinished", lambda r: loaded.append((r.url, r.headers, r)))
    for path in ("districts/jianggan/", "", "issues/2018-033/"):  # pages that name a feed, and one that does not
        page.goto(sample_url + path)
        page.wait_for_load_state("networkidle")
    assert not [u for u, _, _ in loaded if u.endswith("sitemap.xml")]
    html = next(r for u, _, r in loaded if u.endswith("/issues/2018-033/"))
    assert html.response().headers.get("content-encoding") == "gzip"  # as deploy/'s nginx serves it


FOCUS_RING = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  let behind = el.parentElement, bg = [255, 255, 255, 1];
  while (behind) {
    const c = rgb(getComputedStyle(behind).backgroundColor);
    if (c.length >= 3 && (c.length === 3 || c[3] > 0)) { bg = c; break; }
    behind = behind.parentElement;
  }
  return {what: el.tagName + "." + el.className, width: parseFloat(style.outlineWidth), style: style.outlineStyle,
          ring: rgb(style.outlineColor), bg};
}"""


def _luminance(rgb) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a, b) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("path", ["", "issues/2018-033/", "search/?q=母婴", "districts/jianggan/"])
def test_the_focus_ring_stands_out_at_three_to_one_on_every_background(page, sample_url, path):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(sample_url + path)
    page.wait_for_load_state("networkidle")
    seen = 0
    for _ in range(30):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS_RING)
        if ring is None:
            continue
        seen += 1
        assert ring["style"] != "none" and ring["width"] >= 2, ring
        assert _contrast(ring["ring"], ring["bg"]) >= 3, ring
    assert seen >= 10


@pytest.mark.parametrize("width", [1366, 390])
def test_the_year_in_review_shows_all_of_its_table(page, synth_site, width):
    from conftest import serve
    page.set_viewport_size({"width": width, "height": 900})
    with serve(synth_site) as url:
        for year in sorted(p.name for p in (synth_site / "years").iterdir() if p.name.isdigit()):
            page.goto(f"{url}years/{year}/")
            box = page.locator(".zb-review-scroll")
            wide, room = box.evaluate("s => [s.scrollWidth, s.clientWidth]")
            hint = page.locator(".zb-scroll-hint")
            if width == 1366:
                assert wide <= room, (year, wide, room)  # every column in view, 问题数 too
                assert not hint.is_visible()
                continue
            assert hint.is_visible()  # a phone is told the table goes on to the right
            box.evaluate("s => { s.scrollLeft = s.scrollWidth; }")
            left = box.evaluate("s => s.getBoundingClientRect().left")
            names = page.locator(".zb-review-table tbody th").first
            assert abs(names.bounding_box()["x"] - left) < 2  # the district names stay in view


def test_the_year_in_reviews_totals_are_links_to_exactly_those_findings(synth_site):
    from urllib.parse import parse_qs, unquote, urlparse
    data = json.loads((synth_site / "data/archive.json").read_text(encoding="utf-8"))
    year = data["issues"][-1]["date"][:4]
    page = soup(synth_site / "years" / year / "index.html")
    foot = page.select_one(".zb-review-table tfoot")
    links = foot.select("a")
    assert len(links) >= 2
    grand = links[-1]
    total = sum(1 for i in data["issues"] if i["date"].startswith(year) for d in i["districts"] for f in d["findings"]
                if f["districts"][0] == d["slug"])
    assert int(grand.get_text()) == total and parse_qs(urlparse(grand["href"]).query)["年份"] == [year]
    row = page.select_one(".zb-review-table tbody tr")
    cell = row.select_one("td.zb-total-cell a")
    query = parse_qs(urlparse(unquote(cell["href"])).query)
    assert query["区县"] == [row.select_one("th").get_text(strip=True)] and query["年份"] == [year]
