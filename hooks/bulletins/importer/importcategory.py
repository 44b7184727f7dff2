"""A bulletin organised by problem category → sections.yaml and the districts' figures.

    一、群众反映集中的问题
    （一）鄞州区、海曙区部分老旧小区加装电梯诉求集中……
    二、部门办理不及时的问题
    三、下步工作建议

Each part keeps its printed title; an item that names registered districts inline is a finding of
every district it names; an item naming none (advice, a conclusion) is the part's text. A table
of districts × metrics anywhere gives those districts' figures. Nothing is dropped: the tally
accounts for every character, as in the by-district layout.
"""

from __future__ import annotations

import re

from ruamel.yaml.scalarstring import LiteralScalarString

from bulletins.data.model import District, Registry
from . import annotate, importtables
from .paragraphs import CN_NUM, FOOTER, PRINTED, RULE, Para, strip_markup

SECTION = re.compile(rf"^\s*(?P<n>[{CN_NUM}]{{1,3}})\s*、\s*(?P<title>[^。；;！？]{{2,40}})$")
ITEM = re.compile(rf"^\s*(?:[（(]\s*(?:[{CN_NUM}]{{1,3}}|\d{{1,2}})\s*[）)]|\d{{1,2}}\s*[.．、](?!\d))\s*")


def is_section(p: Para) -> bool:
    """A part's heading: 一、… typed, or numbered 一、 by Word's own list."""
    return bool(SECTION.match(strip_markup(p.shown)))


def section_start(paras: list[Para], registry: Registry, is_district: callable) -> int | None:
    """Where the parts begin, when the bulletin is organised by category: a 一、 heading that is
    no district's name, followed somewhere by an item naming a district inline."""
    for i, p in enumerate(paras):
        if p.table or p.aside or not is_section(p):
            continue
        if is_district(p.shown):
            return None
        rest = paras[i + 1:]
        if any(not q.table and named(q.shown, registry) for q in rest):
            return i
        return None
    return None


def named(text: str, registry: Registry) -> list[District]:
    """The registered districts a text names (by name or alias), in the order it first names them."""
    hits: dict[str, tuple[int, District]] = {}
    for d in registry.districts:
        for word in (d.name, *d.aliases):
            at = text.find(word)
            if at >= 0 and (d.slug not in hits or at < hits[d.slug][0]):
                hits[d.slug] = (at, d)
    return [d for _, d in sorted(hits.values(), key=lambda h: h[0])]


class _Parts:
    """The pass over the paragraphs from the first part on."""

    def __init__(self, registry: Registry, warnings: list[str]) -> None:
        self.registry, self.warnings = registry, warnings
        self.sections: list[dict] = []
        self.items: list[list[str]] = []  # the current part's items, each its paragraphs
        self.footer: dict[str, str] = {}
        self.metrics: dict[str, dict] = {}  # district slug → its figures, in the table's order
        self.unplaced: list[Para] = []

    def run(self, paras: list[Para]) -> None:
        for p in paras:
            shown = strip_markup(p.text)
            if p.aside:
                self.unplaced.append(p)
            elif p.table:
                self.table(p)
            elif RULE.match(shown) or not shown:
                continue
            elif fm := FOOTER.match(shown):
                importtables.add_footer(self.footer, fm.group(1), shown[fm.end():])
            elif PRINTED.match(shown):
                importtables.add_footer(self.footer, "印发", shown)
            elif not self.footer and is_section(p):
                self.close()
                self.sections.append({"title": strip_markup(p.shown), "text": []})
            elif self.sections and not self.footer:
                if p.label or ITEM.match(shown) or not self.items:
                    self.items.append([f"{p.label}{shown}" if p.label else shown])
                else:
                    self.items[-1].append(shown)
            else:
                self.unplaced.append(p)
        self.close()

    def close(self) -> None:
        """The current part's items: findings where they name districts, its text where not."""
        if not self.sections:
            return
        part = self.sections[-1]
        for lines in self.items:
            body = "\n".join(lines)
            districts = named(body, self.registry)
            if districts:
                part.setdefault("findings", []).append((ITEM.sub("", body, count=1).strip(), districts))
            else:
                part["text"].append(body)
        self.items = []

    def table(self, p: Para) -> None:
        rows = p.table.rows or ()
        pairs = importtables.distribution(rows)
        if pairs:
            for label, text in pairs:
                importtables.add_footer(self.footer, label, text)
            return
        table = importtables.metric_table(rows, self.registry, p.where)
        if table is not None and self.sections:
            self.sections[-1]["figures"] = True  # the districts' figures are printed in this part
        if table is None:
            self.unplaced.append(Para(importtables.as_text(rows), p.where))
            self.warnings.append(f"{p.where}不是指标表，也不是报/发：其文字已放在 unplaced 中 — 请核对")
            return
        self.warnings += table.notes
        for label, values, leftovers in table.rows:
            district = self.registry.district_by_any_name(re.sub(r"\s+", "", label)) if label else None
            if district is None:
                self.unplaced.append(Para("；".join([label] + [f"{k}：{v}" for k, v in values.items()] + leftovers), p.where))
                self.warnings.append(f"{p.where}中“{label}”一行不是已登记的区县：已放在 unplaced 中 — 请核对")
                continue
            self.metrics.setdefault(district.slug, {"district": district.name, "metrics": {}})["metrics"].update(values)
            if leftovers:
                self.metrics[district.slug]["summary"] = "；".join(leftovers) + "。"


def parse_parts(paras: list[Para], registry: Registry, date,
                warnings: list[str]) -> tuple[list[dict], dict[str, dict], dict[str, str], list[Para]]:
    """(sections, district files, 版记, unplaced) of the parts of a bulletin by category."""
    passed = _Parts(registry, warnings)
    passed.run(paras)
    sections = []
    for part in passed.sections:
        out: dict = {"title": part["title"]}
        if part["text"]:
            out["text"] = LiteralScalarString("\n".join(part["text"])) if len(part["text"]) > 1 else part["text"][0]
        if part.get("figures"):
            out["figures"] = True
        findings = []
        for text, districts in part.get("findings", []):
            findings.append({"text": text, "districts": [d.name for d in districts],
                             **annotate.annotate(text, registry, date)})
        if findings:
            out["findings"] = findings
        sections.append(out)
    districts = {}
    for n, (slug, data) in enumerate(passed.metrics.items(), 1):
        districts[slug] = {"district": data["district"], "position": n,
                           **({"summary": data["summary"]} if data.get("summary") else {}),
                           "metrics": data["metrics"]}
    return sections, districts, passed.footer, passed.unplaced
