"""Exports in every build: data/archive.json (a public contract), data/findings.csv, feed.xml."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from email.utils import format_datetime
import datetime as dt
import xml.etree.ElementTree as ET

from bulletins.analysis.patterns import FollowLinks
from bulletins.data import fields
from bulletins.data.model import Archive, DistrictReport, Finding, Issue, finding_id
from . import facets, urls

ARCHIVE_JSON = "data/archive.json"
SEARCH_NAMES = "search/names.json"
SEARCH_SOUNDS = "search/sounds.json"
FINDINGS_CSV = "data/findings.csv"
FEED = "feed.xml"


EXPORTED = tuple(f for f in fields.FINDING if f.export)  # a finding's fields in archive.json and the CSV


def _exported(f: Finding, fld: fields.Field) -> object:
    """A finding's field as archive.json gives it: lists as lists, an empty optional field null."""
    if fld.name == "districts":  # the model keeps its own district and the others it names
        return [f.district, *f.also]
    value = getattr(f, fld.name)
    if isinstance(value, tuple):
        return list(value)
    return value if fld.required else value or None


def _finding(issue: Issue, f: Finding, earlier: dict, links: FollowLinks) -> dict:
    fid = finding_id(issue, f)
    return {"id": fid, "number": f.number,
            **{fld.name: _exported(f, fld) for fld in EXPORTED if not fld.link},
            "url": urls.finding(issue.id, f.anchor),
            "earlier": [ref.id for ref in earlier.get(fid, ())],
            **{fld.name: _exported(f, fld) for fld in EXPORTED if fld.link},
            "followed_by": [ref.id for ref in links.followed_by.get(fid, ())]}


def _district(issue: Issue, position: int, r: DistrictReport, earlier: dict, links: FollowLinks) -> dict:
    return {
        "name": r.district.name, "slug": r.district.slug, "position": position, "summary": r.summary or None,
        "metrics": dict(r.metrics),
        "findings": [_finding(issue, f, earlier, links) for f in r.findings],
    }


def _issue(i: Issue, earlier: dict, links: FollowLinks) -> dict:
    return {
        "id": i.id, "number": i.number, "date": i.date.isoformat(),
        "period": {"start": i.period_start.isoformat() if i.period_start else None,
                   "end": i.period_end.isoformat() if i.period_end else None},
        "series": i.series, "publisher": i.publisher,
        "report": {"title": i.report_title, "sequence": i.report_sequence or None},
        "running": i.running,
        "intro": i.intro or None,
        "distribution": {"report_to": i.report_to or None, "send_to": i.send_to or None,
                         "copy_to": i.copy_to or None, "printed": i.printed or None},
        "url": urls.issue(i.id),
        "districts": [_district(i, n, r, earlier, links) for n, r in enumerate(i.reports, 1)],  # as printed
        "sections": [{"title": s.title, "text": s.text or None,
                      "findings": [finding_id(i, f) for f in s.findings]} for s in i.sections],
        "corrections": [{"date": c.date.isoformat(), "note": c.note} for c in i.corrections],
        "unplaced": list(i.unplaced),
    }


def search_names(archive: Archive, also: tuple[tuple[str, str], ...] = (), name: str = "") -> bytes:
    """The names a query may use as a filter (search.js): districts with their aliases, problem
    types, departments, years. A few KB, read once per page that searches. `also`: other archives
    (name, address) searched from this one's pages (mkdocs.yml `extra.search_also`); `name` is
    this archive's own, shown beside its results when there are others."""
    reg = archive.registry
    data: dict = {
        facets.DISTRICT: [[d.name, list(d.aliases)] for d in reg.districts],
        facets.TYPE: [[t.name, []] for t in reg.types],
        facets.DEPARTMENT: [[x.name, []] for x in reg.departments],
        facets.YEAR: [[str(y), []] for y in sorted({i.year for i in archive.issues}, reverse=True)],
    }
    if reg.synonyms:
        data["同义词"] = [list(g) for g in reg.synonyms]
    if archive.issues:
        data["最新一期"] = {"id": archive.issues[0].id, "number": archive.issues[0].number}
    if also:
        data["归档"] = {"name": name, "also": [{"name": n, "url": u} for n, u in also]}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def vocabulary(reg) -> list[str]:
    """Words a reader may have meant when a search finds nothing: the registries' names, aliases,
    keywords and synonyms (a mistyped 自主机 is offered 自助机 by sound, 自助终段 by spelling)."""
    words = [d.name for d in reg.districts] + [a for d in reg.districts for a in d.aliases]
    words += [t.name for t in reg.types] + [k for t in reg.types for k in t.keywords]
    words += [x.name for x in reg.departments] + [k for x in reg.departments for k in x.keywords]
    words += [w for g in reg.synonyms for w in g]
    return sorted({w for w in words if len(w) >= 2}, key=lambda w: (len(w), w))


def search_sounds(archive: Archive) -> bytes:
    """Every character of the archive's text under each of its readings (toneless pinyin →
    characters), and the registries' words ("词表"): search.js fetches it only when a search finds
    nothing, to try the homophones of a mistyped character (自主机 → 自助机, 排对 → 排队) and the
    words it may have meant (not in names.json, which every query reads)."""
    from pypinyin import Style, pinyin

    seen: Counter[str] = Counter()
    for issue in archive.issues:
        for f in issue.findings:
            seen.update(f.text)
    by_sound: dict[str, list[str]] = {}
    for ch, _ in sorted(seen.items(), key=lambda kv: (-kv[1], kv[0])):  # the commonest first: tried first
        if "\u4e00" <= ch <= "\u9fff":
            for reading in pinyin(ch, style=Style.NORMAL, heteronym=True)[0]:
                by_sound.setdefault(reading, []).append(ch)
    data: dict = {k: "".join(v) for k, v in sorted(by_sound.items())}
    data["词表"] = vocabulary(archive.registry)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def archive_json(archive: Archive, earlier: dict | None = None, links: FollowLinks | None = None) -> bytes:
    """`earlier`: finding id → its earlier findings (patterns.earlier_findings), as ids newest first;
    `links`: patterns.follow_links, for `follows` and `followed_by`."""
    links = links or FollowLinks({}, {})
    # One issue a line: readable, and each line is written by json's C encoder (indent= is not:
    # 3 s at 520 issues, on every rebuild of the preview).
    lines = [json.dumps(_issue(i, earlier or {}, links), ensure_ascii=False, separators=(",", ":"))
             for i in archive.issues]
    return ('{"version":1,"issues":[\n' + ",\n".join(lines) + "\n]}\n").encode("utf-8")


CSV_FIELDS = tuple(f for f in EXPORTED if f.name != "districts")  # 区县 is a column of names, beside 期 and 日期
CSV_COLUMNS = ("期", "日期", fields.field(fields.FINDING, "districts").label, "序号", *(f.label for f in CSV_FIELDS),
               "本期更正说明", "链接")
# A list in one cell, one value a line: names never hold a line break (validate), so a reader of the
# file splits them without guessing (a type's name may hold 、).
LIST_SEPARATOR = "\n"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A cell a spreadsheet will not run (OWASP, CSV injection): text that would start a formula
    gets a leading apostrophe, which Excel and LibreOffice show as text and do not display.
    Every cell is quoted by the writer. archive.json keeps the verbatim text."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def findings_csv(archive: Archive) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_COLUMNS)
    for i in archive.issues:
        for r in i.reports:
            for f in r.findings:
                if f.district != r.district.slug:
                    continue  # one row per finding: one that names several districts lists them all
                names = [r.district.name] + [d.name for s in f.also if (d := archive.registry.district_by_slug(s))]
                values = [getattr(f, fld.name) for fld in CSV_FIELDS]
                writer.writerow(map(csv_cell, (
                    i.id, i.date.isoformat(), LIST_SEPARATOR.join(names), f.number,
                    *(LIST_SEPARATOR.join(v) if isinstance(v, tuple) else v for v in values),
                    LIST_SEPARATOR.join(f"{c.date.isoformat()} {c.note}" for c in i.corrections),
                    urls.finding(i.id, f.anchor))))
    return "\ufeff".encode("utf-8") + buf.getvalue().encode("utf-8")


def _rfc822(day: dt.date) -> str:
    return format_datetime(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc))


ATOM = "http://www.w3.org/2005/Atom"
ET.register_namespace("atom", ATOM)
TITLE_WORDS = 24  # characters of a finding that an item's title carries: what a reader scans a feed by


def _channel(title: str, link: str, description: str, newest, self_url: str = "") -> tuple[ET.Element, ET.Element]:
    rss = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss, "channel")
    for tag, text in (("title", title), ("link", link), ("description", description), ("language", "zh-CN")):
        ET.SubElement(channel, tag).text = text
    if self_url:  # where the feed itself lives (RSS Best Practices: atom:link rel="self")
        ET.SubElement(channel, f"{{{ATOM}}}link", href=self_url, rel="self", type="application/rss+xml")
    if newest:
        ET.SubElement(channel, "lastBuildDate").text = _rfc822(newest)
    return rss, channel


def _item(channel: ET.Element, title: str, link: str, day, description: str) -> ET.Element:
    item = ET.SubElement(channel, "item")
    ET.SubElement(item, "title").text = title
    ET.SubElement(item, "link").text = link
    ET.SubElement(item, "guid", isPermaLink="true").text = link
    ET.SubElement(item, "pubDate").text = _rfc822(day)
    ET.SubElement(item, "description").text = description
    return item


def _xml(rss: ET.Element) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(rss, encoding="unicode").encode("utf-8") + b"\n"


def finding_feed(entries, site_url: str, title: str, page: str, limit: int = 50) -> bytes:
    """RSS 2.0 of one district's or problem type's newest findings (a subscription to, say,
    萧山区 or 自助设备), each linked to its place in its bulletin."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    rss, channel = _channel(title, base + page, f"{title}：通报中的新问题", entries[0].issue.date if entries else None,
                            base + page + "feed.xml")
    for e in entries[:limit]:
        words = e.finding.text if len(e.finding.text) <= TITLE_WORDS else e.finding.text[:TITLE_WORDS] + "…"
        item = _item(channel, f"{e.report.district.name}：{words}（第 {e.issue.number} 期，{e.issue.date.isoformat()}）",
                     base + urls.finding(e.issue.id, e.finding.anchor), e.issue.date, e.finding.text)
        for t in e.finding.types:
            ET.SubElement(item, "category").text = t
    return _xml(rss)


def feeds(archive: Archive, indexes, site_url: str, site_name: str) -> dict[str, bytes]:
    """Path → feed: one per district and per problem type (`districts/<slug>/feed.xml`, …)."""
    reg = archive.registry
    out = {}
    for d in reg.districts:
        page = urls.district(d.slug)
        out[page + "feed.xml"] = finding_feed(indexes.by_district.get(d.slug, ()), site_url, f"{site_name} · {d.name}", page)
    for t in reg.types:
        page = urls.problem_type(t.slug)
        out[page + "feed.xml"] = finding_feed(indexes.by_type.get(t.name, ()), site_url, f"{site_name} · {t.name}", page)
    return out


def feed_xml(archive: Archive, site_url: str, title: str, limit: int = 30) -> bytes:
    """RSS 2.0 of the newest issues, written by an XML library (every text escaped as XML wants)."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    rss, channel = _channel(title, base, f"{title}：新一期通报", archive.latest.date if archive.latest else None,
                            base + FEED)
    for i in archive.issues[:limit]:
        _item(channel, f"第 {i.number} 期（{i.date.isoformat()}）", base + urls.issue(i.id), i.date,
              f"{i.report_title}：{len(i.reports)} 个区县，{len(i.findings)} 条问题。")
    return _xml(rss)