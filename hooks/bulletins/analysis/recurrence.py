"""Whether a finding is the same problem again, not merely the same label.

A district reports 窗口纪律 nearly every week, about different windows and different people; a
reader wants to know when the *same* fault comes back at the *same* place. Two findings of one
district (or its predecessors) are the same problem when

1. they share a problem type that is not routine (the weekly callback figures, 满意度回访, are a
   report, not a problem: `routine: true` in problem_types.yaml);
2. they are about the same place — the `place` field, or the service hall named in the text — or,
   when neither names one, the same department;
3. their wording of the fault is alike: the weighted overlap of their character pairs (each pair
   weighted by how rare it is in the archive, so 窗口 and 工作人员 count little and 去向牌 much),
   with the place, the action taken, dates, times and numbers taken out, is at least SIMILAR.

SIMILAR was calibrated on `bulletins synth --truth` (true repeats reworded at the same place;
look-alikes of the same type elsewhere or of another fault at the same place): tests/test_patterns.py
reports precision and recall on it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Iterable

from bulletins.data.model import Finding, Registry

SIMILAR = 0.3
_PLACE = re.compile(r"[\u4e00-\u9fff]{0,10}?(?:服务中心|市民之家|办事大厅|服务厅|服务大厅|分中心|办证大厅|大厅|车管所)")
_NOISE = re.compile(r"\d+\s*(?:年|月|日|时|分|号|个|件|次|名|人|台|天|分钟|小时)?|[：:，,。；;、（）()“”\"'\s]")


_BEFORE_PLACE = re.compile(r".*(?:反映|检查|巡察|巡查|发现|抽查|复查|暗访|回访|对|在|到|是)")


def place_of(f: Finding) -> str:
    """Where the finding is: its `place`, else the first service hall its text names (without the
    verb before it: 检查出入境办证大厅 is at 出入境办证大厅)."""
    if f.place:
        return _norm_place(f.place)
    m = _PLACE.search(f.text)
    return _norm_place(_BEFORE_PLACE.sub("", m.group())) if m else ""


def _norm_place(place: str) -> str:
    return re.sub(r"[\s（）()]", "", place)


def _same_place(a: str, b: str) -> bool:
    return a == b or (len(a) >= 4 and len(b) >= 4 and (a in b or b in a))


def _pairs(f: Finding, place: str) -> frozenset[str]:
    text = f.text.replace(f.action, " ") if f.action else f.text  # what was done is not the problem
    if place:
        text = text.replace(place, " ")
    text = _NOISE.sub(" ", text)
    return frozenset(a + b for chunk in text.split() for a, b in zip(chunk, chunk[1:]))


class Measure:
    """The archive's rarity of character pairs, and each finding's place and pairs (found once:
    every finding is compared with many candidates)."""

    def __init__(self, findings: Iterable[Finding]) -> None:
        self._seen: dict[int, tuple[str, frozenset[str]]] = {}
        df: Counter[str] = Counter()
        n = 0
        for f in findings:
            df.update(self.of(f)[1])
            n += 1
        # 1 + idf: a pair every finding has still counts (a small archive has no rarity to go by)
        self.weight = {pair: 1 + math.log((n + 1) / (k + 0.5)) for pair, k in df.items()}

    def of(self, f: Finding) -> tuple[str, frozenset[str]]:
        """(place, character pairs) of a finding."""
        seen = self._seen.get(id(f))
        if seen is None:
            place = place_of(f)
            seen = self._seen[id(f)] = (place, _pairs(f, place))
        return seen

    def similarity(self, a: Finding, b: Finding) -> float:
        pa, pb = self.of(a)[1], self.of(b)[1]
        if not pa or not pb:
            return 0.0
        w = self.weight
        shared = sum(w.get(p, 1.0) for p in pa & pb)
        return shared / (sum(w.get(p, 1.0) for p in pa | pb) or 1.0)


def problem_types(f: Finding, registry: Registry) -> set[str]:
    """The finding's types that are problems (not routine reports)."""
    return {t for t in f.types if not getattr(registry.type(t), "routine", False)}


def same_problem(a: Finding, b: Finding, registry: Registry, measure: Measure) -> bool:
    if a.follows or b.follows:  # a follow-up reports work done on a problem: not the problem again
        return False
    if not problem_types(a, registry) & problem_types(b, registry):
        return False
    pa, pb = measure.of(a)[0], measure.of(b)[0]
    if pa and pb:
        if not _same_place(pa, pb):
            return False
    elif not set(a.departments) & set(b.departments):
        return False
    return measure.similarity(a, b) >= SIMILAR
