"""What the importer proposes for the editor to confirm: the earlier finding a new one most likely
follows up (written as a commented-out `follows:`). Proposals only: nothing here decides."""

from __future__ import annotations

import re

from bulletins.data.follows import quote_of
from bulletins.data.model import Archive, finding_id

SIMILAR = 0.25  # Dice coefficient of character pairs above which a new finding may follow an old one
# A follow-up reports on earlier work: without such words a similar finding is a recurrence instead.
REPORTS_BACK = re.compile(r"上期|前期|复查|回访|已整改|整改到位|整改完成|已完成|投入使用|已恢复|已解决|已修复|已落实")


def _pairs(text: str) -> set[str]:
    chars = [c for c in text if not c.isspace()]
    return {a + b for a, b in zip(chars, chars[1:])}


def similarity(a: str, b: str) -> float:
    """How much two findings' wordings overlap (Dice over pairs of characters): enough to propose,
    never to decide."""
    pa, pb = _pairs(a), _pairs(b)
    return 2 * len(pa & pb) / (len(pa) + len(pb)) if pa and pb else 0.0


def propose_follow(archive: Archive, day, slug: str, finding: dict) -> tuple[str, float, str] | None:
    """The earlier finding (same district, in the window before `day`, same place or a shared
    department, similar wording) a new finding most likely follows up: its id, the similarity,
    and the quote of its text a confirmed link keeps."""
    if not REPORTS_BACK.search(finding["text"]):
        return None
    family = archive.registry.lineage(slug, day)
    before = [i for i in archive.issues if i.date < day][:archive.registry.recurrence_window]
    best = None
    for issue in before:
        for report in issue.reports:
            if report.district.slug not in family:
                continue
            for f in report.findings:
                related = (finding.get("place") and finding.get("place") == f.place) or \
                    set(finding.get("departments", ())) & set(f.departments)
                score = similarity(finding["text"], f.text) if related else 0.0
                if score >= SIMILAR and (best is None or score > best[1]):
                    best = (finding_id(issue, f), round(score, 2), quote_of(f.text))
    return best
