"""Word's styles, as far as the importer needs them: headings, hidden text, numbering by style."""

from __future__ import annotations

import re

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def q(name: str) -> str:
    return f"{{{W}}}{name}"


def is_on(element: etree._Element | None) -> bool:
    """A toggle property (<w:vanish/>, <w:vanish w:val="false"/>) as Word reads it."""
    return element is not None and element.get(q("val"), "true") not in ("0", "false", "off")


_HEADING = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)
MAX_DEPTH = 50  # styles based on styles: Word's own templates go five deep


class Styles:
    def __init__(self, root: etree._Element | None) -> None:
        self.by_id: dict[str, etree._Element] = {}
        self.default_paragraph = ""
        self._chains: dict[str | None, list[etree._Element]] = {}
        self._memo: dict[tuple, object] = {}  # (question, style id) → answer: each asked once per style
        if root is None:
            return
        for style in root.iter(q("style")):
            sid = style.get(q("styleId"))
            if sid:
                self.by_id[sid] = style
                if style.get(q("type")) == "paragraph" and is_on_default(style):
                    self.default_paragraph = sid

    def chain(self, sid: str | None) -> list[etree._Element]:
        """The style and those it is based on, nearest first (cycles cut, at most MAX_DEPTH deep:
        a crafted file chains thousands). Each style's chain is worked out once."""
        hit = self._chains.get(sid)
        if hit is None:
            hit = self._chains[sid] = self._chain(sid)
        return hit

    def _chain(self, sid: str | None) -> list[etree._Element]:
        out, seen = [], set()
        while sid and sid in self.by_id and sid not in seen and len(out) < MAX_DEPTH:
            seen.add(sid)
            style = self.by_id[sid]
            out.append(style)
            based = style.find(q("basedOn"))
            sid = based.get(q("val")) if based is not None else None
        return out

    def paragraph_style(self, p: etree._Element) -> str:
        ps = p.find(f"{q('pPr')}/{q('pStyle')}")
        return ps.get(q("val")) if ps is not None else self.default_paragraph

    def heading_level(self, p: etree._Element) -> int:
        own = p.find(f"{q('pPr')}/{q('outlineLvl')}")
        named, level = self._heading_of(self.paragraph_style(p))
        if named:
            return named
        level = own if own is not None else level
        if level is not None and level.get(q("val"), "9").isdigit() and int(level.get(q("val"))) < 9:
            return int(level.get(q("val"))) + 1
        return 0

    def _heading_of(self, sid: str) -> tuple[int, etree._Element | None]:
        """(level named by a 标题 N style in the chain, the nearest outline level a style sets)."""
        key = ("heading", sid)
        if key not in self._memo:
            level, named = None, 0
            for style in self.chain(sid):
                name = style.find(q("name"))
                m = _HEADING.match(name.get(q("val"), "") if name is not None else "")
                if m:
                    named = int(m.group(1))
                    break
                if level is None:
                    level = style.find(f"{q('pPr')}/{q('outlineLvl')}")
            self._memo[key] = (named, level)
        return self._memo[key]  # type: ignore[return-value]

    def _vanish(self, sid: str | None) -> bool | None:
        key = ("vanish", sid)
        if key not in self._memo:
            self._memo[key] = self._vanish_uncached(sid)
        return self._memo[key]  # type: ignore[return-value]

    def _vanish_uncached(self, sid: str | None) -> bool | None:
        for style in self.chain(sid):
            v = style.find(f"{q('rPr')}/{q('vanish')}")
            if v is not None:
                return is_on(v)
        return None

    def paragraph_hidden(self, p: etree._Element) -> bool:
        return bool(self._vanish(self.paragraph_style(p)))

    def run_hidden(self, r: etree._Element) -> bool:
        v = r.find(f"{q('rPr')}/{q('vanish')}")
        if v is not None:
            return is_on(v)
        rs = r.find(f"{q('rPr')}/{q('rStyle')}")
        return bool(rs is not None and self._vanish(rs.get(q("val"))))

    def numbering_of(self, sid: str) -> tuple[str | None, str | None]:
        """(numId, ilvl) a paragraph style gives its paragraphs, nearest style first."""
        key = ("numbering", sid)
        if key not in self._memo:
            self._memo[key] = self._numbering_uncached(sid)
        return self._memo[key]  # type: ignore[return-value]

    def _numbering_uncached(self, sid: str) -> tuple[str | None, str | None]:
        for style in self.chain(sid):
            num = style.find(f"{q('pPr')}/{q('numPr')}")
            if num is not None:
                nid, lvl = num.find(q("numId")), num.find(q("ilvl"))
                return (nid.get(q("val")) if nid is not None else None,
                        lvl.get(q("val")) if lvl is not None else None)
        return None, None


def is_on_default(style: etree._Element) -> bool:
    return style.get(q("default")) in ("1", "true", "on")
