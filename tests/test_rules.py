"""Rules as data: a metric added to metrics.yaml gets its computed rate, trend chart and check
without a line of code; a rule naming what is not registered is refused with file:line."""

from __future__ import annotations

import pytest
from conftest import built, cli, edit, soup

RULES = """  - name: 办结
    slug: banjie
    unit: 件
    kind: count
    patterns: [办结N件]
"""


@pytest.mark.site
def test_a_new_metric_gets_its_rate_chart_and_check_from_the_registry(archive):
    edit(archive, "issues/registry/metrics.yaml", "\n# 计算值", RULES + "\n# 计算值")
    edit(archive, "issues/registry/metrics.yaml", "rates:\n", "rates:\n  - name: 办结率\n    numerator: [办结]\n"
         "    denominator: [回访量]\n")
    edit(archive, "issues/registry/metrics.yaml", "trends:\n", "trends:\n  - metric: 办结\n")
    edit(archive, "issues/registry/metrics.yaml", "sums:\n", "sums:\n  - parts: [办结]\n    total: [回访量]\n")
    edit(archive, "issues/2018-033/shangcheng.yaml", "  不满意: 66\n", "  不满意: 66\n  办结: 16000\n")
    result = cli(archive, "validate")
    assert "办结 = 16000，超过 回访量 = 15729" in result.stderr
    site = built(archive)
    table = soup(site / "issues/2018-033/index.html").select_one("#shangcheng ~ * table.zb-metrics")
    heads = [th.get_text() for th in table.select("th")]
    assert "办结（件）" in heads and "办结率（%）计算值" in heads
    assert "101.72" in [td.get_text() for td in table.select("td")]  # 16000 / 15729
    district = soup(site / "districts/shangcheng/index.html").get_text()
    assert "上城区 办结" in district


def test_a_rule_naming_an_unregistered_metric_is_refused(archive):
    edit(archive, "issues/registry/metrics.yaml", "    numerator: [回复]\n", "    numerator: [回覆]\n")
    edit(archive, "issues/registry/metrics.yaml", "  - metric: 呼出\n", "  - metric: 呼出\n    fallback: 不存在\n")
    result = cli(archive, "validate")
    assert result.returncode == 1
    assert "issues/registry/metrics.yaml:" in result.stderr and "“回覆”不是登记的指标" in result.stderr
    assert "“不存在”不是 rates 中的计算值" in result.stderr
