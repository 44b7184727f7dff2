"""Word's automatic numbering, drawn as Word draws it: the number is in numbering.xml (reached
from the paragraph or from its style), not in the text. Counting follows the abstract list, as
Word does: paragraphs of two list instances of one abstract list continue one sequence unless
an instance restarts it (`startOverride`)."""

from __future__ import annotations

import re

from lxml import etree

from .wordstyles import Styles, is_on, q

_CN = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"


def chinese(n: int, digits: str = _CN, ten: str = "十") -> str:
    if n <= 0 or n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else (ten if tens == 1 else digits[tens] + ten)
    return head + (digits[ones] if ones else "")


MAX_COUNTED = 780  # a label Word draws (ZZZ…, MMM…) for a larger count would grow without bound


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _letter(n: int) -> str:
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)


def _enclosed(n: int, first: int, last: int) -> str:
    return chr(first + n - 1) if 1 <= n <= last else str(n)


FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "upperRoman": _roman,
    "lowerRoman": lambda n: _roman(n).lower(),
    "upperLetter": _letter,
    "lowerLetter": lambda n: _letter(n).lower(),
    "chineseCounting": chinese,
    "chineseCountingThousand": chinese,
    "chineseLegalSimplified": lambda n: chinese(n, _CN_LEGAL, "拾"),
    "ideographTraditional": lambda n: _TIANGAN[n - 1] if 1 <= n <= 10 else str(n),
    "ideographZodiac": lambda n: _DIZHI[n - 1] if 1 <= n <= 12 else str(n),
    "ideographDigital": lambda n: "".join(_CN[int(d)] for d in str(n)).replace("零", "〇"),
    "decimalEnclosedCircle": lambda n: _enclosed(n, 0x2460, 20),
    "decimalEnclosedCircleChinese": lambda n: _enclosed(n, 0x2460, 20),
    "decimalEnclosedParen": lambda n: _enclosed(n, 0x2474, 20),
    "decimalEnclosedFullstop": lambda n: _enclosed(n, 0x2488, 20),
    "decimalFullWidth": lambda n: "".join(chr(0xFF10 + int(d)) for d in str(n)),
    "decimalFullWidth2": lambda n: "".join(chr(0xFF10 + int(d)) for d in str(n)),
    "japaneseCounting": chinese,
    "taiwaneseCounting": chinese,
    "none": lambda n: "",
}


class Numbering:
    def __init__(self, root: etree._Element | None) -> None:
        self.nums: dict[str, etree._Element] = {}
        self.abstract: dict[str, etree._Element] = {}
        self.counters: dict[str, list[int]] = {}
        if root is None:
            return
        for num in root.iter(q("num")):
            self.nums[num.get(q("numId"), "")] = num
        for ab in root.iter(q("abstractNum")):
            self.abstract[ab.get(q("abstractNumId"), "")] = ab

    def _numpr(self, p: etree._Element, styles: Styles) -> tuple[str | None, int]:
        num = p.find(f"{q('pPr')}/{q('numPr')}")
        sid_num, sid_lvl = styles.numbering_of(styles.paragraph_style(p))
        nid = lvl = None
        if num is not None:
            n, lv = num.find(q("numId")), num.find(q("ilvl"))
            nid = n.get(q("val")) if n is not None else None
            lvl = lv.get(q("val")) if lv is not None else None
        nid = nid if nid is not None else sid_num
        lvl = lvl if lvl is not None else sid_lvl
        level = int(lvl) if lvl and lvl.isdigit() else 0
        return (nid if nid and nid != "0" else None), min(level, 8)

    def _abstract(self, num: etree._Element, styles: Styles, depth: int = 0) -> etree._Element | None:
        ref = num.find(q("abstractNumId"))
        ab = self.abstract.get(ref.get(q("val"), "")) if ref is not None else None
        link = ab.find(q("numStyleLink")) if ab is not None else None
        if link is not None and depth < 3:  # the list is defined by a numbering style
            nid, _ = styles.numbering_of(link.get(q("val"), ""))
            if nid in self.nums and self.nums[nid] is not num:
                return self._abstract(self.nums[nid], styles, depth + 1)
        return ab

    def _level(self, num: etree._Element, ab: etree._Element, level: int) -> tuple[etree._Element | None, int | None]:
        """The level's definition and an instance's restart value, if it has one."""
        for override in num.iter(q("lvlOverride")):
            if override.get(q("ilvl")) == str(level):
                start = override.find(q("startOverride"))
                lvl = override.find(q("lvl"))
                return (lvl if lvl is not None else _lvl(ab, level),
                        int(start.get(q("val"), "1")) if start is not None else None)
        return _lvl(ab, level), None

    def label(self, p: etree._Element, styles: Styles) -> tuple[str, int]:
        """(the number Word draws before this paragraph, its list level); ("", 0) for none."""
        nid, level = self._numpr(p, styles)
        num = self.nums.get(nid or "")
        if num is None:
            return "", 0
        ab = self._abstract(num, styles)
        if ab is None:
            return "", 0
        lvl, restart = self._level(num, ab, level)
        key = f"{nid}" if restart is not None else f"a{ab.get(q('abstractNumId'))}"
        counts = self.counters.get(key)
        if counts is None:
            counts = self.counters[key] = [_start(_lvl(ab, i)) - 1 for i in range(9)]
            if restart is not None:
                counts[level] = restart - 1
        counts[level] += 1
        for deeper in range(level + 1, 9):
            counts[deeper] = _start(_lvl(ab, deeper)) - 1
        if lvl is None:
            return "", level
        return _draw(lvl, ab, counts), level


def _lvl(ab: etree._Element, level: int) -> etree._Element | None:
    for lvl in ab.iter(q("lvl")):
        if lvl.get(q("ilvl")) == str(level):
            return lvl
    return None


def _start(lvl: etree._Element | None) -> int:
    start = lvl.find(q("start")) if lvl is not None else None
    value = start.get(q("val"), "0") if start is not None else "0"
    return int(value) if value.lstrip("-").isdigit() else 0


def _fmt(lvl: etree._Element | None) -> str:
    f = lvl.find(q("numFmt")) if lvl is not None else None
    return f.get(q("val"), "decimal") if f is not None else "decimal"


def _draw(lvl: etree._Element, ab: etree._Element, counts: list[int]) -> str:
    text_el = lvl.find(q("lvlText"))
    pattern = text_el.get(q("val"), "") if text_el is not None else ""
    legal = is_on(lvl.find(q("isLgl"))) if lvl.find(q("isLgl")) is not None else False
    own = _fmt(lvl)
    if own == "bullet":
        return pattern

    def number(m: re.Match) -> str:
        k = int(m.group(1)) - 1
        fmt = own if k == int(lvl.get(q("ilvl"), "0")) else _fmt(_lvl(ab, k))
        if legal:
            fmt = "decimal"
        n = counts[k]
        if not 0 < n <= MAX_COUNTED:  # w:start 10^11: no bulletin counts so far; shown as the number it is
            return str(n)
        return FORMATS.get(fmt, str)(n)

    return re.sub(r"%([1-9])", number, pattern)
