"""Pure pieces of the importer, in milliseconds: Word's numbering, finding marks, tables, PDF geometry."""

from __future__ import annotations

import pytest
from lxml import etree

from bulletins.importer import importer, importtables
from bulletins.importer.readers import numbering, pdflayout, plaintext
from bulletins.importer.readers.numbering import Numbering, chinese
from bulletins.importer.readers.radicals import TABLE
from bulletins.importer.readers.wordstyles import Styles, W

NS = f'xmlns:w="{W}"'


@pytest.mark.parametrize("n,expected", [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (36, "三十六"), (100, "100")])
def test_chinese_counting_as_word_draws_it(n, expected):
    assert chinese(n) == expected


def test_formats_word_uses_in_bulletins():
    f = numbering.FORMATS
    assert [f["decimalEnclosedCircle"](n) for n in (1, 2, 20, 21)] == ["①", "②", "⑳", "21"]
    assert f["chineseLegalSimplified"](12) == "拾贰"
    assert f["ideographTraditional"](3) == "丙" and f["upperRoman"](14) == "XIV" and f["lowerLetter"](27) == "aa"
    assert f["decimalFullWidth"](12) == "１２" and f["decimalEnclosedParen"](3) == "⑶"


def _numbering(levels: str, nums: str) -> Numbering:
    return Numbering(etree.fromstring(f'<w:numbering {NS}><w:abstractNum w:abstractNumId="1">{levels}</w:abstractNum>{nums}</w:numbering>'))


def _p(num_id: str, ilvl: int, style: str = "") -> etree._Element:
    ppr = f'<w:pStyle w:val="{style}"/>' if style else ""
    numpr = f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>' if num_id else ""
    return etree.fromstring(f"<w:p {NS}><w:pPr>{ppr}{numpr}</w:pPr></w:p>")


LEVELS = ('<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
          '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="（%2）"/></w:lvl>'
          '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:isLgl/><w:lvlText w:val="%1.%2.%3"/></w:lvl>')


def test_levels_count_restart_below_and_draw_their_text():
    n, styles = _numbering(LEVELS, '<w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num>'), Styles(None)
    labels = [n.label(_p("5", lvl), styles)[0] for lvl in (0, 1, 1, 0, 1, 2)]
    assert labels == ["一、", "（1）", "（2）", "二、", "（1）", "2.1.1"]


def test_two_instances_of_one_list_continue_unless_one_restarts():
    nums = ('<w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num><w:num w:numId="6"><w:abstractNumId w:val="1"/></w:num>'
            '<w:num w:numId="7"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>')
    n, styles = _numbering(LEVELS, nums), Styles(None)
    assert [n.label(_p(i, 0), styles)[0] for i in ("5", "6", "7", "7")] == ["一、", "二、", "一、", "二、"]


def test_numbering_from_the_paragraph_style_and_none_for_num_zero():
    styles = Styles(etree.fromstring(
        f'<w:styles {NS}><w:style w:type="paragraph" w:styleId="H2"><w:name w:val="heading 2"/>'
        '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="5"/></w:numPr></w:pPr></w:style></w:styles>'))
    n = _numbering(LEVELS, '<w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num>')
    assert n.label(_p("", 0, "H2"), styles) == ("一、", 0)
    assert styles.heading_level(_p("", 0, "H2")) == 2
    assert n.label(_p("0", 0, "H2"), styles) == ("", 0), "numId 0 switches the style's numbering off"


@pytest.mark.parametrize("body,preamble,findings", [
    ("①甲。②乙。", "", ["甲。", "乙。"]),
    ("概述。(1)甲。(2)乙。", "概述。", ["甲。", "乙。"]),
    ("（一）甲。（二）乙。", "", ["甲。", "乙。"]),
    ("本周检查：\n1. 甲。\n2. 乙。", "本周检查：", ["甲。", "乙。"]),
    ("窗口 2.3.4 有闲聊情况。", "", ["窗口 2.3.4 有闲聊情况。"]),
    ("（二）项目未按（一）要求。", "", ["（二）项目未按（一）要求。"]),
])
def test_findings_split_at_marks_that_count_in_order(body, preamble, findings):
    assert importer.split_findings(body) == (preamble, findings)


@pytest.mark.parametrize("cell,value", [("7,032", 7032), ("15 729件", 15729), ("97.30%", 97.3), ("1，588", 1588),
                                        ("—", None), ("约 100", None), ("12.5 万", None)])
def test_table_figures_as_printed(cell, value):
    assert importtables.number(cell) == value


def test_a_distribution_table_in_either_shape():
    assert importtables.distribution((("报", "省办"), ("发", "市直各单位"))) == [("报", "省办"), ("发", "市直各单位")]
    assert importtables.distribution((("报：省办",), ("抄送：市委办",))) == [("报", "省办"), ("抄送", "市委办")]
    assert importtables.distribution((("窗口", "等候"),)) is None


def test_pdf_text_maps_radicals_and_the_printed_dash_back():
    assert "⻓⺟⻜⼀⽉⾰".translate(TABLE) == "长母飞一月革"
    chars = [{"text": t, "x0": i * 10.0, "x1": i * 10.0 + 10, "fontname": "AAAAAA+NotoSerifCJKsc-Regular"}
             for i, t in enumerate("6⽉―9⽉戶籍")]
    assert pdflayout._line_text(chars, 10) == "6月—9月户籍"


def test_pdf_page_numbers_are_furniture():
    for text in ("— 3 —", "-12-", "第 3 页", "第 3 页，共 9 页", "3/9"):
        assert pdflayout._PAGE_NUMBER.match(text), text
    assert not pdflayout._PAGE_NUMBER.match("2018 年")


def test_text_blocks_keep_their_line_numbers():
    blocks = plaintext.blocks_of("甲\n\n\n乙\n丙\n\n丁")
    assert [(b.text, b.where) for b in blocks] == [("甲", "第 1 行"), ("乙\n丙", "第 4 行"), ("丁", "第 7 行")]
