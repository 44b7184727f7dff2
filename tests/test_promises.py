"""Promised work is read from phrases in context, and reports of work done win (待跟进 lists only
what is still open). Every action of the sample, and hand-made traps."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from bulletins import synth
from bulletins.patterns import promised

SAMPLE = Path(__file__).resolve().parents[1] / "issues" / "2018-033"
OPEN_IN_SAMPLE = {("jianggan", 2), ("fuyang", 7)}


def sample_findings():
    y = YAML(typ="safe")
    for path in sorted(SAMPLE.glob("*.yaml")):
        if path.name != "issue.yaml":
            for n, f in enumerate(y.load(path.read_text(encoding="utf-8")).get("findings") or [], 1):
                yield path.stem, n, f


@pytest.mark.parametrize("slug,n,finding", list(sample_findings()), ids=lambda v: str(v)[:20])
def test_every_action_of_the_sample(slug, n, finding):
    assert promised(finding.get("action") or finding["text"]) == ((slug, n) in OPEN_IN_SAMPLE)


@pytest.mark.parametrize("text", [
    "已将窗口由 2 个增至 4 个，问题已解决。",
    "整改到位，不再拟定新的方案。",
    "正在整改，现已整改到位。",
    "已将自助机更换，已恢复使用。",
    "已经将导服人员增至 3 名。",
    "原计划下月开通，现已提前开通并投入使用。",
])
def test_finished_work_is_not_a_promise(text):
    assert not promised(text)


@pytest.mark.parametrize("text", [
    "已增设母婴室，近期将投入使用。",
    "目前已完成 6 个问题的整改工作，剩余 3 个正在整改中。",
    "已要求限期两周内完成整改。",
    "拟于 10 月底前更换全部自助机。",
    "已联系厂家，月底前完成维修。",
    "系统尚未恢复，待厂家维修。",
    *synth.PROMISES,
])
def test_work_still_to_come_is_a_promise(text):
    assert promised(text)
