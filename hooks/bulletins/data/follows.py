"""`follows:` links, checked: a link must name an earlier, published finding of the same district
(or its predecessor), and keep the quote of its target's text, so that it fails loudly when the
finding ids move (they are positions)."""

from __future__ import annotations

import re
from pathlib import Path

from bulletins.files.problems import Problem
from .located import FileProblems
from .model import Archive, refs_by_id

QUOTE_CHARS = 16  # how much of the target's text `follows_quote` keeps


def quote_of(text: str) -> str:
    """The beginning of a finding's text that a link keeps, to notice when its id re-points."""
    return re.sub(r"\s+", "", text)[:QUOTE_CHARS]


def check_follows(root: Path, archive: Archive, only: set[str] | None = None) -> list[Problem]:
    """`follows:` must name a finding of an earlier, published issue, of the same district or one
    this district continues, whose text still begins as `follows_quote` says (finding ids are
    positions: deleting a finding re-points every later id). With `only` (issue ids), the links
    out of those issues and into them are checked."""
    refs = refs_by_id(archive)
    order = {i.id: (i.date, i.number) for i in archive.issues}
    out: list[Problem] = []
    for ref in refs.values():
        wanted = ref.finding.follows
        if not wanted or (only is not None and ref.issue.id not in only and wanted[:8] not in only):
            continue
        fp = FileProblems(root / ref.report.source, ref.report.source)
        where = ("findings", ref.finding.number - 1, "follows")
        target = refs.get(wanted)
        if target is None:
            fp.error(where, f"找不到编号为 {wanted} 的问题 — 请核对期号、区县 slug 和序号（如 2024-013-chengqu-2）；"
                     "如果那一期删去了问题，编号可能已经变了")
        elif order[target.issue.id] >= order[ref.issue.id]:
            fp.error(where, f"{wanted} 不在更早的一期中 — “前情”只能指向本期之前的问题")
        elif target.report.district.slug not in archive.registry.lineage(ref.report.district.slug, ref.issue.date):
            fp.error(where, f"{wanted} 是{target.report.district.name}的问题，不是{ref.report.district.name}（或其前身）的 — "
                     "“前情”只能指向同一区县的问题")
        elif target.issue.draft and not ref.issue.draft:
            fp.error(where, f"{wanted} 在草稿 {target.issue.id} 中 — 草稿尚未发布，“前情”只能指向已发布的问题")
        elif ref.finding.follows_quote and not re.sub(r"\s+", "", target.finding.text).startswith(
                re.sub(r"\s+", "", ref.finding.follows_quote)):
            fp.error(where, f"{wanted} 现在是“{quote_of(target.finding.text)}…”，不是记下的“{ref.finding.follows_quote}…” — "
                     "那一期的问题可能被删去或调换了，编号已指向另一条问题；请找到原来的问题，改正编号和 follows_quote")
        elif not ref.finding.follows_quote:
            fp.warn(where, f"前情 {wanted} 没有记下原文开头（follows_quote） — 运行 bulletins fmt 会补上，"
                    "这样编号一旦指向别的问题，检查就会发现")
        out += fp.resolve()
    return out
