"""The reader's look, measured in headless Chromium at 1366 and 390 px and on paper (pdftotext boxes):
charts, tables, dates, fonts, the footer, the printed bulletin (GB/T 9704-2012) and valid markup."""

from __future__ import annotations

import re
from collections import Counter
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import built, cli, make_archive, serve

VNU = Path(__file__).parent / "js" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PAGES = ["", "issues/2018-033/", "districts/xiaoshan/", "types/zizhu-shebei/", "departments/shuiwu/",
         "archive/", "archive/2018/", "districts/", "types/", "corrections/", "pending/", "districts/xiaoshan/2019/",
         "search/?q=自助机"]
MM = 72 / 25.4  # PDF points per millimetre


@pytest.fixture(scope="module")
def look_site(tmp_path_factory) -> Path:
    """The sample and a year of synthetic issues, with a correction note on the sample."""
    root = make_archive(tmp_path_factory.mktemp("look"))
    assert cli(root, "synth", "--issues", "30", "--seed", "4").returncode == 0
    with (root / "issues/2018-033/issue.yaml").open("a", encoding="utf-8") as f:
        f.write("corrections:\n  - date: 2018-09-28\n    note: 上城区满意件数按原件核对无误\n")
    return built(root)


@pytest.fixture(scope="module")
def look_url(look_site):
    with serve(look_site) as url:
        yield url


def _open(browser, url: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    page.goto(url)
    return context, page


def _facts(browser, url: str, width: int, script: str, wait: str | None = None):
    """What `script` finds on the page at that width (a fresh tab each time)."""
    context, page = _open(browser, url, width)
    try:
        if wait:
            page.wait_for_selector(wait)
        return page.evaluate(script)
    finally:
        context.close()


# --- charts -------------------------------------------------------------------------------------

CHART_FACTS = """() => [...document.querySelectorAll('svg.zb-chart')].filter(s => s.getClientRects().length).map(svg => {
  const scale = svg.getScreenCTM().a;
  const texts = [...svg.querySelectorAll('text')];
  return {width: svg.getBoundingClientRect().width,
          column: svg.closest('.md-content__inner, article, .md-typeset').getBoundingClientRect().width,
          smallest: Math.min(...texts.map(t => parseFloat(getComputedStyle(t).fontSize) * scale)),
          ticks: texts.filter(t => t.classList.contains('zb-tick') && !t.classList.contains('zb-label')
                              && !t.classList.contains('zb-axis-name')).map(t => t.textContent),
          labels: texts.filter(t => t.classList.contains('zb-label')).map(t => t.textContent),
          title: svg.getAttribute('aria-label'), role: svg.getAttribute('role')};
})"""


@pytest.mark.parametrize("path", ["districts/xiaoshan/", "types/zizhu-shebei/", "departments/shuiwu/", "archive/"])
@pytest.mark.parametrize("width", [1366, 390])
def test_charts_fill_the_column_with_legible_round_labels(browser, look_url, path, width):
    charts = _facts(browser, look_url + path, width, CHART_FACTS)
    assert charts, "a chart is shown"
    for c in charts:
        assert c["role"] in ("img", "group") and c["title"]  # group: a heat map, its cells links
        if width == 1366:
            assert c["width"] >= 560, c
        assert c["width"] >= c["column"] - 48, c  # the column's width, less the page's padding
        assert c["smallest"] >= 12, c
        for tick in c["ticks"]:
            # a phone's heat map: the month's number, the year below it where it starts
            assert re.fullmatch(r"\d{1,3}(,\d{3})*(\.\d)?|\d{4}年\d{1,2}月|\d{1,2}月|\d{4}", tick), (tick, c["title"])


def test_time_axes_name_months_and_categories_keep_their_full_names(browser, look_url):
    context, page = _open(browser, look_url + "types/zizhu-shebei/", 390)
    try:
        charts = page.evaluate(CHART_FACTS)
        table = page.evaluate("""() => [...document.querySelectorAll('#districts-chart table tbody th')]
                                       .map(th => th.textContent.trim())""")
    finally:
        context.close()
    by_district = next(c for c in charts if "各区县" in c["title"])
    assert by_district["labels"] == table and "大江东产业集聚区" in table  # never cut to four characters
    months = next(c for c in charts if "每月" in c["title"] and "各区县" not in c["title"])  # the bars, not the heat map
    assert any("月" in t for t in months["ticks"])
    trend = _facts(browser, look_url + "districts/xiaoshan/", 1366, CHART_FACTS)[0]
    assert sum("月" in t for t in trend["ticks"]) >= 3 and any("年" in t for t in trend["ticks"])


def test_each_chart_has_a_data_table_behind_a_table_icon(browser, look_url):
    context, page = _open(browser, look_url + "districts/xiaoshan/", 1366)
    try:
        figures = page.evaluate("""() => [...document.querySelectorAll('figure.zb-figure')].map(f => ({
            chart: !!f.querySelector('svg.zb-chart[role] title') && !!f.querySelector('svg.zb-chart desc'),
            icon: !!f.querySelector('summary svg.zb-icon'), rows: f.querySelectorAll('table tbody tr').length,
            pencil: getComputedStyle(f.querySelector('summary'), '::before').display}))""")
    finally:
        context.close()
    assert figures and all(f["chart"] and f["icon"] and f["rows"] > 0 and f["pencil"] == "none" for f in figures)


# --- tables, dates, fonts, footer, phone --------------------------------------------------------

def test_number_tables_are_right_aligned_tabular_and_spaced(browser, look_url):
    context, page = _open(browser, look_url + "issues/2018-033/", 1366)
    try:
        facts = page.evaluate("""() => {
          const table = document.querySelector('#shangcheng ~ .zb-table-scroll table.zb-metrics');
          const cells = [...table.querySelectorAll('tbody td')];
          const box = el => { const r = document.createRange(); r.selectNodeContents(el); return r.getBoundingClientRect(); };
          const gaps = cells.slice(1).map((c, i) => box(c).left - box(cells[i]).right);
          return {align: cells.map(c => getComputedStyle(c).textAlign),
                  numeric: cells.map(c => getComputedStyle(c).fontVariantNumeric),
                  texts: cells.map(c => c.textContent), heads: [...table.querySelectorAll('thead th')].map(h => h.textContent),
                  gap: Math.min(...gaps)};
        }""")
    finally:
        context.close()
    assert set(facts["align"]) == {"right"} and all("tabular-nums" in n for n in facts["numeric"])
    assert facts["gap"] >= 8, facts
    assert facts["texts"][0] == "15,729" and not any(t.endswith(("件", "%")) for t in facts["texts"])
    assert facts["heads"][0] == "回访量（件）"


@pytest.mark.parametrize("path", PAGES)
def test_no_page_scrolls_sideways_on_a_phone(browser, look_url, path):
    overflow = _facts(browser, look_url + path, 390, "document.scrollingElement.scrollWidth - window.innerWidth",
                      ".zb-result" if path.startswith("search/") else None)
    assert overflow <= 0, f"{path}: {overflow}px sideways"


@pytest.mark.parametrize("path,has_periods", [("archive/", True), ("archive/2018/", False), ("corrections/", False),
                                              ("districts/xiaoshan/", False)])
def test_dates_never_break_on_other_pages(browser, look_url, path, has_periods):
    broken, periods = _facts(browser, look_url + path, 390, """() => [
        [...document.querySelectorAll('time, .zb-nobr, .zb-date')].filter(el => el.getClientRects().length > 1)
          .map(el => el.textContent),
        [...document.querySelectorAll('.zb-period')].map(p => p.querySelectorAll('.zb-nobr').length)]""")
    assert broken == []
    assert bool(periods) == has_periods, periods
    assert all(n == 2 for n in periods)  # 9 月 14 日—9 月 20 日 breaks only at the dash


def test_dates_times_and_numbers_never_break_inside(browser, look_url):
    broken, wrapped = _facts(browser, look_url + "issues/2018-033/", 390, """() => [
        [...document.querySelectorAll('time, .zb-nobr')].filter(el => el.getClientRects().length > 1)
          .map(el => el.textContent),
        [...document.querySelectorAll('.zb-nobr')].map(el => el.textContent)]""")
    assert broken == []
    for expected in ("9 月 14 日", "9 月 20 日", "15:00", "15729 件", "14 时 43 分"):
        assert expected in wrapped, expected


def test_one_identity_cjk_fonts_dark_headings_and_a_real_footer(browser, look_url):
    for path in ("", "districts/xiaoshan/", "issues/2018-033/"):
        context, page = _open(browser, look_url + path, 1366)
        try:
            facts = page.evaluate("""() => ({
              font: getComputedStyle(document.body).fontFamily,
              installed: document.fonts.check('16px "Noto Sans CJK SC"'),
              h1: getComputedStyle(document.querySelector('.md-content h1')).color,
              header: getComputedStyle(document.querySelector('.md-header')).backgroundColor,
              footer: document.querySelector('footer.zb-footer')?.innerText || '',
              links: [...document.querySelectorAll('footer.zb-footer a')].map(a => a.getAttribute('href'))})""")
        finally:
            context.close()
        assert facts["font"].startswith('"Noto Sans CJK SC"') and facts["installed"], facts["font"]
        assert facts["h1"] == "rgb(11, 12, 12)" and facts["header"] == "rgb(255, 255, 255)"
        assert "杭州市“最多跑一次”改革专题组办公室" in facts["footer"] and "内部资料" in facts["footer"]
        assert any(h.endswith("data/archive.json") for h in facts["links"])
        assert any(h.endswith("data/findings.csv") for h in facts["links"])


def test_the_phone_masthead_wraps_between_words(browser, look_url):
    context, page = _open(browser, look_url + "issues/2018-033/", 390)
    try:
        facts = page.evaluate("""() => ({
          pieces: [...document.querySelectorAll('.zb-series .zb-seg')].map(s => s.getClientRects().length),
          date: document.querySelector('.zb-issued').getClientRects().length})""")
    finally:
        context.close()
    assert facts["pieces"] == [1, 1] and facts["date"] == 1


# --- print: the bulletin as GB/T 9704 lays it out --------------------------------------------------

def _pdf(browser, url: str, path: Path, emulate: bool = False) -> list[list[tuple[float, float, float, float, str]]]:
    context = browser.new_context(locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    page.goto(url)
    if "/search/" in url:
        page.wait_for_selector(".zb-result")
    if emulate:  # print media switched on before printing, as the developer tools do
        page.emulate_media(media="print")
        page.wait_for_timeout(300)
    page.pdf(path=str(path), prefer_css_page_size=True, print_background=True)
    context.close()
    xml = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for block in xml.split("<page ")[1:]:
        pages.append([(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', block)])
    return pages


def _lines(words):
    """Words in lines: a word whose bottom is within 4 pt of the line's belongs to it (digits and
    CJK of one line end a little apart)."""
    out: list[list] = []
    for w in sorted(words, key=lambda w: w[3]):
        if out and w[3] - out[-1][0][3] < 4:
            out[-1].append(w)
        else:
            out.append([w])
    return [sorted(line) for line in out]


def _dash_depth(pdf: Path, page: int, x: float) -> float:
    """How far below the text block (mm) the dashes of a page number are drawn: the page rendered
    at 200 dpi, the darkest rows of the first dash (starting at `x` pt) found."""
    from PIL import Image
    subprocess.run(["pdftoppm", "-r", "200", "-f", str(page), "-l", str(page), "-png", str(pdf), str(pdf.with_suffix(""))],
                   check=True)
    image = Image.open(next(pdf.parent.glob(f"{pdf.stem}-*{page}.png"))).convert("L")
    scale, bottom = 200 / 72, 297 * MM - 35 * MM
    x0 = int(x * scale)
    rows = [y for y in range(int(bottom * scale), int((bottom + 60) * scale))
            if sum(image.getpixel((i, y)) < 128 for i in range(x0, x0 + int(10 * scale))) > 8]
    return (sum(rows) / len(rows) / scale - bottom) / MM


def test_an_issue_prints_as_the_gbt_9704_bulletin(browser, look_url, tmp_path):
    pages = _pdf(browser, look_url + "issues/2018-033/", tmp_path / "issue.pdf")
    info = subprocess.run(["pdfinfo", str(tmp_path / "issue.pdf")], capture_output=True, text=True).stdout
    assert "(A4)" in info
    body = [w for p in pages for w in p if not re.fullmatch(r"—|\d+", w[4])]
    left = min(w[0] for w in body)
    right = max(w[2] for w in body)
    assert abs(left - 28 * MM) < 2, left  # 订口 28 mm
    assert right <= 210 * MM - 26 * MM + 2, right  # 版心 156 mm wide
    # 3号 (16 pt) body: a CJK character of the body text advances 16 pt.
    cjk = [w for w in body if re.fullmatch(r"[\u4e00-\u9fff]{6,}", w[4])]
    sizes = sorted((w[2] - w[0]) / len(w[4]) for w in cjk)
    assert abs(sizes[len(sizes) // 2] - 16) < 0.6, sizes[len(sizes) // 2]
    # one grid: 22 lines 28.9 pt apart on every full page, 28 characters to a full line
    texts = [[w for w in p if w[3] < 297 * MM - 35 * MM + 10] for p in pages]  # the page numbers' line aside
    bulletin = [i for i, p in enumerate(texts) if any(w[4].startswith("发：") for w in p)][0]  # the 版记's page
    heading = re.compile(r"\d+\.\S{1,12}?(区|县|市|开发区|集聚区|（滨江）)")
    for i in range(1, bulletin):
        lines = _lines(texts[i])
        starts_district = heading.fullmatch("".join(w[4] for w in _lines(texts[i + 1])[0]))
        assert len(lines) == 22 or (starts_district and len(lines) >= 20), (i + 1, len(lines))
        ys = [line[0][3] for line in lines]
        assert all(abs(b - a - 28.9) < 1.5 for a, b in zip(ys, ys[1:])), (i + 1, ys)  # nothing off the grid
    full_width = ["".join(w[4] for w in line) for p in texts[1:bulletin] for line in _lines(p)
                  if line[0][0] < 28 * MM + 3]  # from the left edge: not a paragraph's indented first line
    # a full line holds 28 characters (adjacent punctuation like ”“ is set tighter, as CJK type is)
    cjk_lines = [t for t in full_width if len(t) >= 26 and not re.search(r"[\x00-\x7f]", t)]
    assert Counter(len(t) for t in cjk_lines).most_common(1)[0][0] == 28, Counter(len(t) for t in cjk_lines)
    # the title breaks only where GB/T 9704 would: never inside 县(市)
    report_title = "“最多跑一次”改革各区、县(市)和管委会自查情况通报"
    title_lines = [t for t in ("".join(w[4] for w in line) for line in _lines(texts[0])) if len(t) > 2 and t in report_title]
    assert "".join(title_lines) == report_title and len(title_lines) >= 2, title_lines  # it wraps on A4
    assert all(t.count("(") == t.count(")") for t in title_lines) and not any(t.startswith("(") for t in title_lines)
    # the 版记 at the foot of the bulletin's last page: its last line on the grid's last line
    assert max(w[3] for w in texts[bulletin]) > 297 * MM - 35 * MM - 14, max(w[3] for w in texts[bulletin])
    # page numbers — N — at the foot of every page, odd right and even left, each inset one character,
    # the dashes 7 mm below the text block
    for n, words in enumerate(pages, 1):
        foot = [w for w in words if w[3] >= 297 * MM - 35 * MM + 10]
        text = "".join(w[4] for w in foot)
        assert text == f"—{n}—", (n, text)
        if n % 2:
            assert abs(max(w[2] for w in foot) - (210 - 26) * MM + 14) < 2, (n, max(w[2] for w in foot))
        else:
            assert abs(min(w[0] for w in foot) - 28 * MM - 14) < 2, (n, min(w[0] for w in foot))
    for n in (2, 3):
        dash = min(w[0] for w in pages[n - 1] if w[3] >= 297 * MM - 35 * MM + 10)
        assert abs(_dash_depth(tmp_path / "issue.pdf", n, dash + 1) - 7) < 0.6, n
    text = "".join(w[4] for p in pages for w in p)
    for gone in ("处理情况", "计算值", "数据最后修改", "往期通报", "编辑指南", "搜索", "满意度回访", "数据表"):
        assert gone not in text, gone
    assert text.index("发：") < text.index("更正说明") < text.index("上城区满意件数按原件核对无误")
    # a district heading is never the last line of a page
    for words in pages:
        lines = [line for line in _lines(words) if not all(re.fullmatch(r"—|\d+", w[4]) for w in line)]
        last = "".join(w[4] for w in lines[-1])
        assert not re.fullmatch(r"\d+\.\S{1,12}?(区|县|市|开发区|集聚区|（滨江）)", last), last


@pytest.mark.parametrize("path, expected", [("districts/xiaoshan/", "萧山区每月问题数"),
                                            ("types/zizhu-shebei/", "自助设备：各区县问题数"),
                                            ("search/?q=自助机", "自助机")])
def test_other_pages_print_cleanly_with_their_charts(browser, look_url, tmp_path, path, expected):
    pages = _pdf(browser, look_url + path, tmp_path / "page.pdf")
    text = "".join(w[4] for p in pages for w in p)
    assert expected in text
    for chrome in ("编辑指南", "首页往期通报", "发布单位", "data/archive.json"):
        assert chrome not in text, chrome


# --- valid markup ---------------------------------------------------------------------------------

TEXT_BOXES = """() => { const out = [];
  for (const svg of document.querySelectorAll('svg.zb-chart')) {
    if (!svg.getClientRects().length) continue;
    const boxes = [...svg.querySelectorAll('text')].map(t => [t.textContent, t.getBoundingClientRect()]).filter(([, r]) => r.width);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [a, r] = boxes[i], [b, q] = boxes[j];
      if (r.left < q.right - 0.5 && q.left < r.right - 0.5 && r.top < q.bottom - 0.5 && q.top < r.bottom - 0.5)
        out.push([svg.getAttribute('aria-label'), a, b]);
    }
  } return out; }"""


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("path", ["districts/xiaoshan/", "districts/shangcheng/", "types/zizhu-shebei/", "departments/shuiwu/",
                                  "archive/", "districts/xiaoshan/2019/", "types/zizhu-shebei/2019/"])
def test_no_two_chart_labels_touch(browser, look_url, path, width):
    assert _facts(browser, look_url + path, width, TEXT_BOXES) == []


def test_a_phone_heat_map_shows_what_its_caption_says_with_the_years(browser, look_url):
    script = """() => { const fig = document.querySelector('#heat-chart');
      const svg = [...fig.querySelectorAll('svg.zb-chart')].find(s => s.getClientRects().length);
      const ticks = [...svg.querySelectorAll('text.zb-tick')].filter(t => !t.classList.contains('zb-label')
          && !t.classList.contains('zb-heat-n') && !t.classList.contains('zb-axis-name')).map(t => t.textContent);
      return {caption: fig.querySelector('figcaption').textContent, ticks,
              columns: new Set([...svg.querySelectorAll('rect.zb-heat')].map(r => r.getAttribute('x'))).size}; }"""
    for width in (390, 1366):
        facts = _facts(browser, look_url + "districts/xiaoshan/", width, script)
        n = int(facts["caption"].split("近 ")[1].split(" 个月")[0])
        assert facts["columns"] == n and 2 <= n <= 12, facts
        years = [t for t in facts["ticks"] if "2018" in t or "2019" in t]
        assert len(years) >= 2, facts  # the first column's year, and the new year's


MATERIAL_OWN = ("Attribute “autocomplete” is only allowed when the input type is",)  # base.html's toggles


@pytest.mark.skipif(not VNU.exists() or not shutil.which("java"), reason="vnu-jar and java: scripts/setup --test")
def test_the_nu_html_checker_finds_no_error_in_our_markup(look_site):
    kinds = PAGES + ["types/zizhu-shebei/2019/", "departments/shuiwu/2019/", "guide/",
                     *[f"pending/{d.name}/" for d in sorted((look_site / "pending").iterdir()) if d.is_dir()][:1]]
    files = [str(look_site / p.split("?")[0] / "index.html") for p in kinds] + [str(look_site / "404.html")]
    out = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "gnu", *files],
                         capture_output=True, text=True, timeout=300)
    errors = [line for line in (out.stdout + out.stderr).splitlines()
              if "error" in line and not any(m in line for m in MATERIAL_OWN)]
    assert errors == [], "\n".join(errors[:20])


def test_the_year_in_review_prints_on_a4_with_its_tables_whole(browser, look_url, tmp_path):
    pages = _pdf(browser, look_url + "years/2019/", tmp_path / "review.pdf")
    info = subprocess.run(["pdfinfo", str(tmp_path / "review.pdf")], capture_output=True, text=True).stdout
    assert "(A4)" in info
    texts = ["".join(w[4] for w in p) for p in pages]
    table = [i for i, t in enumerate(texts) if "年各区县各类问题数" in t]
    assert len(table) == 1  # the district × type table on one page, not split
    for name in ("上城区", "萧山区", "西湖风景名胜区", "合计"):
        assert name in texts[table[0]], name
    right = max(w[2] for p in pages for w in p)
    assert right <= 210 * MM - 26 * MM + 2, right  # nothing beyond the text block
    for gone in ("搜索", "编辑指南", "订阅"):
        assert gone not in "".join(texts), gone


def test_the_版记_stays_at_the_foot_of_the_last_page_also_with_print_media_emulated_first(browser, look_url, tmp_path):
    """With print media emulated beforehand no event comes once the pages are laid out (Chromium
    fires none: media and width stay as they were); the 版记 jumped to a page of its own."""
    plain = _pdf(browser, look_url + "issues/2018-033/", tmp_path / "plain.pdf")
    emulated = _pdf(browser, look_url + "issues/2018-033/", tmp_path / "emulated.pdf", emulate=True)
    assert len(emulated) == len(plain), (len(emulated), len(plain))  # it jumped to a page of its own
    for pages in (plain, emulated):
        at = [i for i, p in enumerate(pages) if any(w[4].startswith("发：") for w in p)][0]
        text = [w for w in pages[at] if w[3] < 297 * MM - 35 * MM + 10]
        body = [w for w in text if not w[4].startswith(("发：", "报："))]
        assert len(_lines(body)) > 3, [("".join(w[4] for w in line)) for line in _lines(body)]  # text above it
    for pages in (plain, emulated):
        at_foot = [max(w[3] for w in p if w[3] < 297 * MM - 35 * MM + 10) for p in pages if any(w[4].startswith("发：") for w in p)]
        assert at_foot[0] > 297 * MM - 35 * MM - 14, at_foot  # at the foot, however printing began
