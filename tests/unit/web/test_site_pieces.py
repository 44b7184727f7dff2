"""Pure functions, in milliseconds: addresses, chart ticks, no-break spans, index chunks, figures,
the similarity behind follow-up proposals. What a reader sees rests on each."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from markupsafe import Markup

from bulletins.data.yamlio import printed_float
from bulletins.importer import proposals
from bulletins.search import searchbundle
from bulletins.web import charts, facets, render, urls


@pytest.mark.parametrize("here,there,expected", [
    ("issues/2018-033/", "districts/xihu/", "../../districts/xihu/"),
    ("", "search/", "search/"),
    ("types/x/2019/", "issues/2018-033/#xihu-2", "../../../issues/2018-033/#xihu-2"),
    ("issues/2018-033/", "issues/2018-033/", "./"),
])
def test_relative_links_between_pages(here, there, expected):
    assert urls.relative(here, there) == expected


def test_page_addresses_and_their_sources():
    assert urls.issue("2018-033") == "issues/2018-033/" and urls.finding("2018-033", "xihu-2") == "issues/2018-033/#xihu-2"
    assert urls.in_year("types/x/", 2019) == "types/x/2019/"
    assert urls.src_of("issues/2018-033/") == "issues/2018-033/index.md" and urls.src_of("") == "index.md"


def test_a_search_link_carries_each_filter_as_the_search_page_reads_it():
    link = urls.search({facets.DISTRICT: "上城区", facets.TYPE: "自助设备"})
    query = parse_qs(urlsplit(link).query)
    assert link.startswith("search/?") and query == {"区县": ["上城区"], "问题类型": ["自助设备"]}


@pytest.mark.parametrize("lo,hi,count,integer,expected", [
    (0, 97, 5, True, [0, 50, 100]),
    (96.2, 99.8, 4, False, [96, 98, 100]),
])
def test_chart_ticks_are_round_and_cover_the_values(lo, hi, count, integer, expected):
    ticks = charts.nice_ticks(lo, hi, count, integer)
    assert ticks == expected and ticks[0] <= lo and ticks[-1] >= hi


def test_month_labels_never_touch_and_name_the_year_where_it_changes():
    import re
    months = [dt.date(2018 + (8 + k) // 12, (8 + k) % 12 + 1, 1) for k in range(8)]  # 2018-09 … 2019-04
    for step in (40.0, 22.0, 12.0):  # roomy, tight, far too tight
        svg = charts._month_ticks([(100 + k * step, m) for k, m in enumerate(months)], charts.NARROW, 30, 360, 200)
        texts = re.findall(r'<text x="([\d.]+)"[^>]*>([^<]+)</text>', svg)
        labels = [t for _, t in texts]
        assert labels[0] == "2018年9月"
        assert any(t.startswith("2019年") for t in labels), labels  # the new year is named even if 1月 is left out
        spans = [(float(x) - charts._label_width([t], charts.NARROW) / 2, float(x) + charts._label_width([t], charts.NARROW) / 2)
                 for x, t in texts]
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:])), labels
        assert spans[0][0] >= 30 and spans[-1][1] <= 360


def test_dates_times_and_quantities_never_break_inside():
    out = render.nobr("9 月 14 日 15:00 有 15729 件")
    assert isinstance(out, Markup)
    assert out.count('<span class="zb-nobr">') == 3 and "<span class=\"zb-nobr\">9 月 14 日</span>" in out
    assert "&lt;b&gt;" in render.nobr("<b>"), "text is escaped"


def test_figures_print_as_written():
    assert render._num(15729) == "15,729" and render._num(97.3) == "97.3"
    assert render._num(printed_float(97.3, "97.30")) == "97.30"
    assert render._num(printed_float(1234.50, "1234.50")) == "1,234.50"


def test_record_names_in_base_36_sort_as_their_rank():
    names = [searchbundle.b36(n) for n in range(40)]
    assert names[:3] == ["0", "1", "2"] and names[35] == "z" and names[36] == "10"
    assert [int(n, 36) for n in names] == list(range(40))


def test_index_chunks_are_bounded_by_shortest_distinguishing_prefixes(tmp_path):
    words = [(f"r{'a' * 5}{i:05d}".translate(str.maketrans("0123456789", "abcdefghij")), [i]) for i in range(3000)]
    table = searchbundle._chunks(iter(words), tmp_path, "zh")
    assert len(table) > 1 and len(list(tmp_path.iterdir())) == len(table)
    for (lo, hi, _), (nlo, _, _) in zip(table, table[1:]):
        assert lo <= hi < nlo
    assert table[0][0] == words[0][0] and table[-1][1] == words[-1][0]


def test_follow_up_similarity_is_symmetric_and_bounded():
    a, b = "母婴室已投入使用", "母婴室投入使用"
    assert proposals.similarity(a, b) == proposals.similarity(b, a)
    assert 0.7 < proposals.similarity(a, b) < 1 and proposals.similarity(a, a) == 1.0
    assert proposals.similarity("", "x") == 0.0 and proposals.similarity("自助机故障", "窗口排队") == 0.0
