"""Word files written the way offices write them, for the importer's tests.

python-docx writes the styles, tables and comments; the parts it has no API for (automatic
numbering bound to heading styles, tracked changes, hyperlinks, fields, content controls,
text boxes, hidden text, footnotes) are written as Word itself writes them, in WordprocessingML.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NUMBERING = f"""<w:abstractNum {nsdecls('w')} w:abstractNumId="90">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Heading2"/><w:lvlText w:val="%1."/><w:lvlJc w:val="left"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimalEnclosedCircle"/><w:lvlText w:val="%2"/><w:lvlJc w:val="left"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%3）"/><w:lvlJc w:val="left"/></w:lvl>
</w:abstractNum>"""


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def run_xml(text: str, extra: str = "") -> str:
    return f'<w:r {nsdecls("w")}>{"<w:rPr>" + extra + "</w:rPr>" if extra else ""}<w:t xml:space="preserve">{_esc(text)}</w:t></w:r>'


class WordBulletin:
    """A .docx being written: paragraphs in styles, a multilevel list bound to 标题 2, tables."""

    def __init__(self) -> None:
        self.doc = docx.Document()
        self.doc.styles["Normal"].font.size = Pt(16)
        numbering = self.doc.part.numbering_part.element
        numbering.insert(0, parse_xml(NUMBERING))
        numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
        heading = self.doc.styles["Heading 2"].element
        ppr = heading.get_or_add_pPr()
        ppr.insert(0, parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="90"/></w:numPr>'))
        self.footnotes: list[str] = []

    def para(self, text: str = "", style: str | None = None):
        return self.doc.add_paragraph(text, style=style)

    def district(self, name: str):
        """The name alone, in 标题 2, numbered by Word (1., 2., …): nothing typed before it."""
        return self.doc.add_paragraph(name, style="Heading 2")

    def numbered(self, text: str = "", level: int = 1):
        """A paragraph numbered by the list (①② at level 1, （一） at level 2)."""
        p = self.doc.add_paragraph(text)
        p._p.get_or_add_pPr().insert(0, parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))
        return p

    def xml_runs(self, p, xml: str) -> None:
        """Append inline WordprocessingML (runs, <w:ins>, <w:hyperlink>…) to paragraph `p`."""
        wrapper = parse_xml(f'<w:p {nsdecls("w", "r")} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
                            f'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
                            f'xmlns:v="urn:schemas-microsoft-com:vml" '
                            f'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
                            f'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">{xml}</w:p>')
        for child in list(wrapper):
            p._p.append(child)

    def table(self, rows: list[list[str]]):
        t = self.doc.add_table(rows=len(rows), cols=len(rows[0]))
        t.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                t.cell(r, c).text = text
        return t

    def footnote(self, p, text: str) -> None:
        n = len(self.footnotes) + 1
        self.footnotes.append(text)
        self.xml_runs(p, f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="{n}"/></w:r>')

    def save(self, path: Path) -> Path:
        self.doc.add_paragraph()  # Word always ends a document with a paragraph, after a last table too
        if self.footnotes:
            notes = "".join(f'<w:footnote w:id="{i}"><w:p><w:r><w:t xml:space="preserve">{_esc(t)}</w:t></w:r></w:p></w:footnote>'
                            for i, t in enumerate(self.footnotes, 1))
            blob = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes {nsdecls("w")}>'
                    f'<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
                    f'<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
                    f"{notes}</w:footnotes>").encode("utf-8")
            part = Part(PackURI("/word/footnotes.xml"),
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                        blob, self.doc.part.package)
            self.doc.part.relate_to(part, RT.FOOTNOTES)
        self.doc.save(str(path))
        return path


def masthead(w: WordBulletin, issue: dict) -> None:
    """The masthead as offices set it: a title style, lines in body text, publisher and date on one line."""
    w.para(issue["series"], style="Title")
    w.para(f"第 {issue['number']} 期")
    d = issue["date"]
    w.para(f"{issue['publisher']}\t{d.year} 年 {d.month} 月 {d.day} 日")
    w.para(issue["report"]["title"], style="Heading 1")
    if issue["report"].get("sequence"):
        w.para(f"（{issue['report']['sequence']}）")
    if issue.get("intro"):
        w.para(issue["intro"])


def distribution_table(w: WordBulletin, dist: dict) -> None:
    """The 版记 as a two-column table, label in the first column, as the GB/T 9704 template has it."""
    rows = [["报", dist["report_to"]], ["发", dist["send_to"]]]
    w.table(rows)


def metrics_table(w: WordBulletin, metrics: dict, units: dict[str, str]) -> None:
    """A header row naming the metrics with their units, a row of figures with thousands separators."""
    names = list(metrics)
    w.table([[f"{n}（{units[n]}）" for n in names],
             [f"{metrics[n]:,}" if isinstance(metrics[n], int) else f"{metrics[n]}" for n in names]])


def sample_as_word(issue: dict, districts: list[dict], units: dict[str, str], path: Path,
                   tracked: bool = True) -> Path:
    """The committed sample bulletin as an office writes it in Word: 标题 2 district names numbered
    by the list, findings numbered ①② by the list, metrics tables, a 版记 table, and (with
    `tracked`) a tracked insertion and deletion in 江干区's second finding."""
    w = WordBulletin()
    masthead(w, issue)
    for data in districts:
        w.district(data["district"])
        if data.get("summary"):
            w.para(data["summary"])
        if data.get("metrics"):
            metrics_table(w, data["metrics"], units)
        findings = data.get("findings") or []
        for text in (f["text"] for f in findings):
            p = w.numbered() if len(findings) > 1 else w.para()
            if tracked and "母婴室" in text:
                cut = text.index("近期")
                w.xml_runs(p, run_xml(text[:cut])
                           + f'<w:del w:id="1" w:author="审核" w:date="2018-09-21T10:00:00Z"><w:r><w:delText>下月</w:delText></w:r></w:del>'
                           + f'<w:ins w:id="2" w:author="审核" w:date="2018-09-21T10:00:00Z">{run_xml(text[cut:])}</w:ins>')
            else:
                w.xml_runs(p, run_xml(text))
    distribution_table(w, issue["distribution"])
    return w.save(path)
