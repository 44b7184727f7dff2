"""Search as a reader uses it: headless Chromium against the built sample served on 127.0.0.1."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlparse


def test_header_box_finds_as_you_type_and_enter_opens_the_finding(page, sample_url):
    page.goto(sample_url)
    page.keyboard.press("/")  # focus shortcut
    assert page.evaluate("document.activeElement.id") == "zb-q"
    page.keyboard.type("母婴")
    option = page.wait_for_selector("#zb-suggest [role=option]")
    assert "江干区" in option.inner_text() and "第 33 期" in option.inner_text()
    assert page.get_attribute("#zb-q", "aria-expanded") == "true"
    assert page.inner_text("#zb-suggest mark") == "母婴"
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#zb-opt-0", "aria-selected") == "true"
    assert page.get_attribute("#zb-q", "aria-activedescendant") == "zb-opt-0"
    page.keyboard.press("Enter")
    page.wait_for_url("**/issues/2018-033/#jianggan-2")
    assert page.evaluate("document.querySelector(':target').id") == "jianggan-2"


def test_escape_closes_and_enter_without_choice_opens_the_search_page(page, sample_url):
    page.goto(sample_url + "districts/")
    page.click("#zb-q")
    page.keyboard.type("自助机")
    page.wait_for_selector("#zb-suggest [role=option]")
    page.keyboard.press("Escape")
    assert page.is_hidden(".zb-suggest") and page.get_attribute("#zb-q", "aria-expanded") == "false"
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    page.wait_for_selector(".zb-result")
    assert len(page.query_selector_all(".zb-result")) == 4  # 3 say 自助机, one 自助服务机 (a synonym)
    assert page.input_value("#zb-page-q") == "自助机"


def test_search_page_filter_then_follow_the_link(page, sample_url):
    page.goto(sample_url + 'search/?q="自助机"')  # quoted: these characters exactly, no synonyms
    page.wait_for_selector(".zb-result")
    assert page.inner_text(".zb-status") == "共 3 条，最新的在前。"
    page.check("input[name='区县'][value='萧山区']")
    page.wait_for_function("document.querySelectorAll('.zb-result').length === 1")
    assert "萧山区" in page.inner_text(".zb-result__place")
    assert parse_qs(urlparse(page.url).query)["区县"] == ["萧山区"]
    assert [m.inner_text() for m in page.query_selector_all(".zb-result mark")] == ["自助机"]
    page.click(".zb-result__place")
    page.wait_for_url("**/issues/2018-033/#xiaoshan-3")


def test_filters_alone_by_url_and_more_results(page, sample_url):
    page.goto(sample_url + "search/?问题类型=自助设备")
    page.wait_for_selector(".zb-result")
    assert len(page.query_selector_all(".zb-result")) == 5
    assert page.is_checked("input[name='问题类型'][value='自助设备']")
    page.goto(sample_url + "search/?年份=2018")
    page.wait_for_selector(".zb-result")
    assert len(page.query_selector_all(".zb-result")) == 20 and page.is_visible(".zb-more")
    page.click(".zb-more")
    page.wait_for_function("document.querySelectorAll('.zb-result').length === 40")
    page.keyboard.press("Tab")  # the button stays usable from the keyboard
    page.click(".zb-more")
    page.wait_for_function("document.querySelectorAll('.zb-result').length === 44")
    assert page.is_hidden(".zb-more") and page.inner_text(".zb-status") == "共 44 条，最新的在前。"


def test_a_pinyin_suggestion_shows_the_start_of_the_finding(page, sample_url):
    page.goto(sample_url)
    page.click("#zb-q")
    page.keyboard.type("gongshu")
    page.wait_for_selector("#zb-suggest [role=option]")
    texts = [t.inner_text() for t in page.query_selector_all("#zb-suggest .zb-option__text")]
    assert len(texts) == 3 and texts[0].startswith("9 月 18 日") and texts[1].startswith("9 月 17 日 10 时")
    assert not any(t.startswith("…") for t in texts), texts


def test_a_district_name_in_the_query_is_a_removable_filter_with_a_text_reading(page, sample_url):
    page.goto(sample_url + "search/?q=gongshu")
    page.wait_for_selector(".zb-result")
    places = [p.inner_text() for p in page.query_selector_all(".zb-result__place")]
    assert len(places) == 3 and all("拱墅区" in p for p in places)
    page.fill("#zb-page-q", "拱墅 窗口")
    page.press("#zb-page-q", "Enter")
    page.wait_for_function("document.querySelector('.zb-status').textContent.startsWith('共 ')")
    assert page.inner_text(".zb-chip-active").startswith("区县：拱墅区")
    places = [p.inner_text() for p in page.query_selector_all(".zb-result__place")]
    assert places and all("拱墅区" in p for p in places)
    assert all("窗口" in t.inner_text() for t in page.query_selector_all(".zb-result__text"))
    page.click("text=在正文中搜索“拱墅”")  # the text reading, one click away
    page.wait_for_function("new URL(location.href).searchParams.get('q') === '\"拱墅\" 窗口'")
    page.wait_for_function("!document.querySelector('.zb-chip-active')")
    page.fill("#zb-page-q", "拱墅 窗口")
    page.press("#zb-page-q", "Enter")
    page.wait_for_selector(".zb-chip-active")
    page.click(".zb-chip-active")  # removing the chip drops the word from the query
    page.wait_for_function("new URL(location.href).searchParams.get('q') === '窗口'")


def test_nothing_found_says_so_in_chinese_and_text_stays_text(page, sample_url):
    page.goto(sample_url + "search/?q=" + "<img src=x onerror=alert(1)>")
    page.wait_for_function("document.querySelector('.zb-status').textContent.startsWith('没有')")
    assert page.query_selector(".zb-results img") is None


def test_search_loads_only_from_the_site(page, sample_url):
    hosts = set()
    page.on("request", lambda r: hosts.add(urlparse(r.url).netloc))
    page.goto(sample_url + "search/?q=" + "窗口")
    page.wait_for_selector(".zb-result")
    assert hosts == {urlparse(sample_url).netloc}
    assert unquote(page.url).endswith("?q=窗口")
