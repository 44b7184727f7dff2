"""The one canonical layout of every data file: key order, indentation, quoting, final newline.

The importer, `new` and `fmt` all write through `render`; `fmt` keeps comments because it
reorders the round-trip containers in place instead of building new ones.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bulletins.data import fields, yamlio

# The orders are the tables' (data/fields.py): a field is placed where its table lists it.
ISSUE_ORDER = fields.names(fields.ISSUE)
CORRECTION_ORDER = fields.names(fields.CORRECTION)
DISTRICT_ORDER = fields.names(fields.DISTRICT)
FINDING_ORDER = fields.names(fields.FINDING)
SECTION_ORDER = fields.names(fields.SECTION)
NESTED = {f.name: fields.names(f.parts) for f in fields.ISSUE if f.parts}
FLOW = tuple(f.name for f in fields.FINDING if f.is_list)  # [a, b] on one line


def _reorder(mapping: Any, order: tuple[str, ...]) -> CommentedMap:
    if not isinstance(mapping, dict):
        return mapping
    out = mapping if isinstance(mapping, CommentedMap) else CommentedMap(mapping)
    keys = list(out.keys())
    wanted = [k for k in order if k in out] + [k for k in keys if k not in order]
    if wanted != keys:
        items = [(k, out[k]) for k in wanted]
        comments = dict(out.ca.items)
        for k in keys:
            del out[k]
        for k, v in items:
            out[k] = v
        out.ca.items.clear()
        out.ca.items.update(comments)
    return out


def _seq(values: Any) -> Any:
    if isinstance(values, list) and not isinstance(values, CommentedSeq):
        values = CommentedSeq(values)
    return values


def canonical_issue(data: Any) -> Any:
    data = _reorder(data, ISSUE_ORDER)
    if isinstance(data, dict):
        for key, order in NESTED.items():
            if key in data:
                data[key] = _reorder(data[key], order)
        if isinstance(data.get("corrections"), list):
            notes = data["corrections"] = _seq(data["corrections"])
            for i, note in enumerate(notes):
                notes[i] = _reorder(note, CORRECTION_ORDER)
    return data


def canonical_sections(data: Any) -> Any:
    """sections.yaml: each part's title, text and findings, each finding as a district's is."""
    if isinstance(data, dict) and isinstance(data.get("sections"), list):
        parts = data["sections"] = _seq(data["sections"])
        for i, part in enumerate(parts):
            parts[i] = _findings(_reorder(part, SECTION_ORDER))
    return data


def canonical_district(data: Any, metric_order: tuple[str, ...] = ()) -> Any:
    data = _reorder(data, DISTRICT_ORDER)
    if not isinstance(data, dict):
        return data
    if isinstance(data.get("metrics"), dict) and metric_order:
        data["metrics"] = _reorder(data["metrics"], metric_order)
    return _findings(data)


def _findings(data: Any) -> Any:
    if not isinstance(data, dict):
        return data
    findings = data.get("findings")
    if isinstance(findings, list):
        findings = _seq(findings)
        for i, item in enumerate(findings):
            item = findings[i] = _reorder(item, FINDING_ORDER)
            for key in FLOW:
                if isinstance(item, dict) and isinstance(item.get(key), list):
                    seq = item[key] = _seq(item[key])
                    seq.fa.set_flow_style()
        data["findings"] = findings
    return data


def render(data: Any, kind: str, metric_order: tuple[str, ...] = ()) -> str:
    shaped = (canonical_issue(data) if kind == "issue" else canonical_sections(data) if kind == "sections"
              else canonical_district(data, metric_order))
    text = yamlio.dump_canonical(shaped)
    stripped = "\n".join(line.rstrip() for line in text.split("\n"))
    if stripped != text and yamlio.parse_text(stripped, "")[0] != yamlio.parse_text(text, "")[0]:
        return text  # trailing spaces inside a block scalar are content: keep them
    return stripped
