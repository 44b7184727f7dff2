"""What no single bulletin shows: a finding's earlier findings of the same kind.

A finding *recurs* when, in the `recurrence_window` issues before its own (registry/settings.yaml),
the same district (or a district it continues after a reorganisation) had a finding sharing at least
one problem type with it. Derived from the data at every build, never stored.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .model import Archive, DistrictReport, Finding, Issue


@dataclass(frozen=True)
class Ref:
    """A finding elsewhere in the archive, with what a link to it needs."""
    issue: Issue
    report: DistrictReport
    finding: Finding

    @property
    def id(self) -> str:
        return finding_id(self.issue, self.finding)


def finding_id(issue: Issue, finding: Finding) -> str:
    return f"{issue.id}-{finding.anchor}"


def earlier_findings(archive: Archive) -> dict[str, tuple[Ref, ...]]:
    """Finding id → its earlier findings of the same district and a shared type, newest first
    (within an issue, in the bulletin's order). Findings with none are absent."""
    window = archive.registry.recurrence_window
    # per issue (newest first): (district slug, type) → refs, in bulletin order
    by_key: list[dict[tuple[str, str], list[tuple[int, Ref]]]] = []
    for issue in archive.issues:
        keyed: dict[tuple[str, str], list[tuple[int, Ref]]] = defaultdict(list)
        ordinal = 0
        for report in issue.districts:  # the bulletin's order
            for f in report.findings:
                ordinal += 1
                for t in f.types:
                    keyed[(report.district.slug, t)].append((ordinal, Ref(issue, report, f)))
        by_key.append(keyed)
    out: dict[str, tuple[Ref, ...]] = {}
    for i, issue in enumerate(archive.issues):
        for report in issue.districts:
            family = archive.registry.lineage(report.district.slug, issue.date)
            for f in report.findings:
                found: list[Ref] = []
                for older in by_key[i + 1:i + 1 + window]:
                    hits = dict(hit for s in family for t in f.types for hit in older.get((s, t), ()))
                    found += [hits[k] for k in sorted(hits)]
                if found:
                    out[finding_id(issue, f)] = tuple(found)
    return out
