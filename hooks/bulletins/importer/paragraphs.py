"""A reader's blocks → the bulletin's paragraphs: lines that stand alone split off, paragraphs that a
page break cut in two mended. Knows the shapes of a bulletin's lines, nothing of districts' data."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

from bulletins.data.textutil import CIRCLED
from .readers import Block

CN_NUM = "一二三四五六七八九十"
NUMBER_MARK = rf"(?:\d{{1,2}}\s*[.．、]|[{CN_NUM}]{{1,3}}\s*、)"
ENTRY = re.compile(
    rf"^\s*#*\s*(?:\*\*)?\s*{NUMBER_MARK}\s*(?:\*\*)?\s*"
    r"(?P<name>[^:：*\n]{2,24}?)\s*[:：]\s*(?:\*\*)?")
DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
NUMBER = re.compile(r"第\s*(\d{1,3})\s*期")
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
# The number as mastheads print it: 第13期, 2024年第13期, 〔2024〕第13期, 第十三期, with a
# running number (总第256期) after it; full-width digits are read as digits (NFKC) before this.
MASTHEAD_NUMBER = re.compile(
    r"^(?:(?P<year>\d{4})\s*年\s*|[〔［\[【(（]\s*(?P<year2>\d{4})\s*[〕］\]】)）]\s*)?"
    r"第\s*(?P<n>\d{1,4}|[零〇一二两三四五六七八九十百]{1,6})\s*期"
    r"\s*(?:[（(]\s*总\s*第\s*(?P<run>\d{1,6}|[零〇一二两三四五六七八九十百千]{1,8})\s*期\s*[）)])?$")
YEAR_LINE = re.compile(r"^(\d{4})\s*年$")


def chinese_number(text: str) -> int | None:
    """十三 → 13, 一百零五 → 105, 二〇二 → 202; digits as they are; None for anything else."""
    if text.isdigit():
        return int(text)
    if all(c in _CN_DIGITS for c in text):  # digit by digit: 二〇二
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    total, current = 0, 0
    for c in text:
        if c in _CN_DIGITS:
            current = _CN_DIGITS[c]
        elif c in "十百千":
            unit = {"十": 10, "百": 100, "千": 1000}[c]
            total += (current or 1) * unit
            current = 0
        else:
            return None
    return total + current


def masthead_number(line: str) -> tuple[int, int | None, int | None] | None:
    """(number, year printed with it, running number) of a masthead's number line, or None."""
    m = MASTHEAD_NUMBER.match(unicodedata.normalize("NFKC", line).replace(" ", "").replace("\u3000", ""))
    if not m:
        return None
    number = chinese_number(m.group("n"))
    year = m.group("year") or m.group("year2")
    run = chinese_number(m.group("run")) if m.group("run") else None
    return (number, int(year) if year else None, run) if number else None
SEQUENCE = re.compile(r"^[（(]\s*第\s*(\d{1,3})\s*期\s*[）)]$")
FOOTER = re.compile(r"^\s*(报|发|抄送|抄报|报送|送|分送|主送)\s*[:：]\s*")  # the 版记's labels, as offices print them
PRINTED = re.compile(r"^\s*\S.{0,60}?\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*印发\s*$")
RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|—{3,})\s*$")
PAREN_MARK = re.compile(r"[（(]\s*(\d{1,2})\s*[）)]")
ENDS_SENTENCE = "。！？!?；;：:”’）)】》"
# A district heading alone on its line, without a colon (“1.上城区”, “2. 下城区”, “三、西湖区”):
# its text follows on the next line. Only names ending as district names do are taken for one.
HEADING = re.compile(
    rf"^\s*#*\s*(?:\*\*)?\s*{NUMBER_MARK}\s*(?:\*\*)?\s*"
    r"(?P<name>[^:：*\n。，,；;\s][^:：*\n。，,；;]{0,22}?(?:区|县|市|管委会|[）)]))\s*(?:\*\*)?\s*$")
# The publisher and the date on one line, as the paper masthead prints them (tabs or runs of spaces).
BYLINE = re.compile(r"^(?P<pub>\S.*?\S)(?:\t+|[ \u3000]{2,}|\u3000)\s*"
                    r"(?P<date>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)$"
                    # a PDF may lose the tab: an office's name run straight into the date
                    r"|^(?P<pub2>[^，。；：,;:\s]{2,30}?(?:办公室|办|局|委员会|委|中心|政府|小组|组))\s*"
                    r"(?P<date2>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)$")


@dataclass
class Para:
    """A paragraph of the bulletin. `label` is an automatic number (not typed), `table` a table
    block, `aside` a comment or note; `where` says where the editor finds it in the file."""
    text: str
    where: str
    label: str = ""
    heading: int = 0
    table: Block | None = None
    aside: str = ""
    in_table: bool = False  # a cell's line of a bulletin laid out in a table (district | findings)

    @property
    def shown(self) -> str:
        return f"{self.label}{self.text}"

    @property
    def fixed(self) -> bool:
        """Never joined to a neighbour: a table, a note, a heading or an automatically numbered line."""
        return bool(self.table or self.aside or self.label or self.heading)


def strip_markup(line: str) -> str:
    return re.sub(r"^\s*#+\s*", "", line).replace("**", "").strip()


def is_masthead_line(p: str) -> bool:
    s = strip_markup(p)
    return bool(DATE.fullmatch(s) or masthead_number(s) or SEQUENCE.match(s) or BYLINE.match(s)
                or "专报" in s.replace(" ", "") or s.endswith(("办公室", "通报", "情况")))


PART_HEADING = re.compile(rf"^\s*[{CN_NUM}]{{1,3}}\s*、\s*[^。；;！？!?]{{2,40}}$")  # 一、群众反映集中的问题
CN_PAREN_MARK = re.compile(rf"^\s*[（(]\s*[{CN_NUM}]{{1,3}}\s*[）)]")


def structural(p: str) -> bool:
    return bool(RULE.match(p) or ENTRY.match(p) or p.startswith("#") or FOOTER.match(p)
                or p[:1] in CIRCLED or PAREN_MARK.match(p) or CN_PAREN_MARK.match(p) or PART_HEADING.match(p))


def continues(prev: str, nxt: str) -> bool:
    """A PDF page break leaves a blank line inside a sentence; a real paragraph ends one."""
    if (structural(nxt) or RULE.match(prev) or prev.startswith("#") or is_masthead_line(prev) or PART_HEADING.match(prev)
            or HEADING.match(prev) or HEADING.match(nxt)):
        return False
    tail = prev.replace("**", "").rstrip()
    return bool(tail) and tail[-1] not in ENDS_SENTENCE


def own_lines(block: str, stands_alone: Callable[[str], bool] = lambda s: False) -> list[tuple[int, list[str]]]:
    """(first line's offset, lines) of each paragraph in a block. Masthead lines (date, 第 N 期,
    （第 N 期）, publisher and date) and colon-less district headings stand alone even without a
    blank line around them; 报：/发： and a numbered entry (“2. 某区：…”) each start a paragraph of
    their own, so text typed one paragraph per line reads as it was typed."""
    pieces: list[tuple[int, list[str]]] = [(0, [])]
    closed = False
    for n, line in enumerate(block.split("\n")):
        bare = strip_markup(line)
        alone = bool(SEQUENCE.match(line.strip()) or DATE.fullmatch(bare) or masthead_number(bare)
                     or BYLINE.match(bare) or HEADING.match(line) or PRINTED.match(bare) or stands_alone(bare))
        starts = bool(FOOTER.match(line) or ENTRY.match(line))
        if alone or starts or closed:
            pieces.append((n, []))
        pieces[-1][1].append(line)
        closed = alone or is_masthead_line(bare) or bare.endswith(("如下：", "如下:"))
    return [(n, lines) for n, lines in pieces if any(x.strip() for x in lines)]


def paragraphs(blocks: list[Block], stands_alone: Callable[[str], bool] = lambda s: False) -> list[Para]:
    """The bulletin's paragraphs in reading order. `stands_alone` names lines that are never
    joined to their neighbours although they end without a full stop (a district's bare name)."""
    out: list[Para] = []
    for block in blocks:
        if block.aside or block.is_table:
            out.append(Para(block.text, block.where, table=block if block.is_table else None, aside=block.aside))
            continue
        for i, (offset, lines) in enumerate(own_lines(block.text, stands_alone)):
            joined = "".join(line.strip() for line in lines)
            if not joined:
                continue
            where = f"第 {block.line + offset} 行" if block.line else block.where
            para = Para(joined, where, block.label if i == 0 else "", block.heading)
            prev = out[-1] if out else None
            if (prev and not prev.fixed and not para.fixed and not stands_alone(prev.text)
                    and not stands_alone(joined) and continues(prev.text, joined)):
                prev.text += joined
            else:
                out.append(para)
    return out
