"""Synthetic archives for tests, demos and benchmarks: realistic, valid and reproducible by seed.

Issues continue weekly after the latest one (numbering restarts each year), so the 2021
reorganisation of districts is crossed as in the real series.
"""

from __future__ import annotations

import datetime as dt
import random

from bulletins.data.follows import quote_of
from bulletins.data.model import Archive, District
from bulletins.edit import scaffold
from bulletins.importer import annotate

PLACES = ("区行政服务中心", "区市民之家", "不动产登记服务中心", "办税服务厅", "车管所办事大厅",
          "社保办事大厅", "街道便民服务中心", "公积金分中心", "出入境办证大厅")
# (problem type, department or "", sentence with {place} {when} {n} {dept} fill-ins, the same fault
# reworded: what a later bulletin writes when the problem comes back at the same place)
FINDINGS = (
    ("排队等候", "人社局", "{place}{dept}窗口数量少、办理人多，群众排队等候时间长，高峰时段等候超过 {n} 分钟。",
     ("{when}回访发现{place}{dept}窗口仍然偏少，办事群众排长队，等候时间超过 {n} 分钟。",)),
    ("排队等候", "交警", "有群众反映{place}{dept}违章处理窗口周末只开设一个窗口，导致等候时间过长。",
     ("{place}{dept}违章处理窗口周末仍只开一个窗口，群众再次反映等候时间过长。",)),
    ("窗口纪律", "税务", "{when}巡察{place}，发现{dept}窗口人员在工作时段玩手机。",
     ("{when}复查{place}，{dept}窗口仍有工作人员上班时间玩手机。",)),
    ("窗口纪律", "公安", "{when}检查{place}，{dept}窗口 {n} 号工作人员离岗未放置去向牌。",
     ("{place}{dept}窗口工作人员再次离岗，未按规定放置去向牌。",)),
    ("窗口纪律", "市场监管局", "{place}{dept}窗口个别工作人员未规范着装，仪容仪表不到位。",
     ("{when}抽查{place}，{dept}窗口仍有人员着装不规范，仪容仪表不整。",)),
    ("自助设备", "", "{place}两台自助服务机故障，无法满足 24 小时自助服务需求。",
     ("{place}自助服务机又出现故障，24 小时自助服务无法正常提供。",)),
    ("自助设备", "公积金", "{place}{dept}自助机使用说明已过期，群众不会操作。",
     ("{place}{dept}自助机的使用说明仍未更新，群众反映不会操作。",)),
    ("办事指南", "住建局", "抽查{place}{dept}纸质办事指南与浙江政务服务网对应事项，发现 {n} 个事项办理时限不一致。",
     ("{place}{dept}纸质办事指南与政务服务网仍有 {n} 个事项的办理时限不一致。",)),
    ("办事指南", "人社局", "对{place}办事指南同源发布情况进行抽查，{dept} {n} 个事项的“网上办业务模式”信息为空。",
     ("再次抽查{place}办事指南同源发布，{dept}仍有 {n} 个事项“网上办业务模式”信息为空。",)),
    ("引导服务", "", "多名办事群众反映{place}引导标识不清晰，电梯到达楼层以后没有明确的指引牌。",
     ("{place}引导标识仍不清晰，群众反映出电梯后找不到指引牌。",)),
    ("引导服务", "交警", "{place}{dept}导服人员全程无接待、无指引。",
     ("{when}暗访{place}，{dept}导服人员依然无接待、无指引。",)),
    ("设施环境", "", "{place}缺乏母婴设施，便民服务箱物品不齐全。",
     ("{place}母婴设施仍未配备，便民服务箱物品依旧不齐全。",)),
    ("系统故障", "不动产登记", "有群众反映，{place}{dept}综合窗口每天下午出现系统故障，导致无法正常办理业务。",
     ("{place}{dept}综合窗口下午再次出现系统故障，业务无法正常办理。",)),
    ("咨询热线", "", "对{place}咨询投诉热线抽查，拨打咨询 {n} 次，有 1 次未接通。",
     ("再次抽查{place}咨询投诉热线，拨打 {n} 次仍有未接通。",)),
    ("业务能力", "市民卡", "{place}{dept}窗口工作人员业务不够熟练，办事效率有待提高。",
     ("{place}{dept}窗口人员业务依旧不熟练，办事效率仍然不高。",)),
)
ACTIONS = ("已责令整改。", "已进行通报并责令整改。", "已督促相关单位完成整改。", "已整改到位。",
           "已要求部门进行整改。", "")
# Promises of work to come (待跟进 until a later finding follows them up) and the follow-ups.
PROMISES = ("已联系厂家维修，近期将恢复使用。", "正在整改中，限期两周内完成。", "已制定整改计划，将于下月底前完成。")
FOLLOW_UPS = ("上期通报的问题已整改完成，经复查{place}已恢复正常。", "对上期通报问题进行复查，{place}相关问题已全部整改到位。")


class _Trend:
    """Per-district satisfaction that drifts slowly, so charts show plausible trends."""

    def __init__(self, rng: random.Random) -> None:
        self.rng, self.level = rng, rng.uniform(95.0, 99.5)

    def next(self) -> float:
        self.level = min(99.9, max(90.0, self.level + self.rng.uniform(-0.4, 0.4)))
        return round(self.level, 2)


def _finding(rng: random.Random, day: dt.date, registry, family: int | None = None, place: str | None = None) -> dict:
    """A finding; with `family` and `place`, that problem again, reworded (a true repeat)."""
    repeat = family is not None
    if family is None:
        family = FINDINGS.index(rng.choice(FINDINGS))
    kind, dept, template, reworded = FINDINGS[family]
    if repeat:
        template = rng.choice(reworded)
    when = f"{day.month} 月 {day.day} 日 {rng.randint(8, 16)} 时 {rng.randint(0, 59):02d} 分"
    place = place if place is not None else rng.choice(PLACES)
    text = template.format(place=place, when=when, n=rng.randint(2, 40), dept=dept)
    text += rng.choice(PROMISES) if rng.random() < 0.1 else rng.choice(ACTIONS)
    out: dict = {"text": text, "types": [kind]}
    if dept:
        out["departments"] = [dept]
    extra = annotate.observed_of(text, day)
    if extra:
        out["observed"] = extra
    act = annotate.action_of(text)
    if act:
        out["action"] = act
    out["_truth"] = (family, place)
    return out


def _follow_ups(rng: random.Random, waiting: list[tuple[str, dict]]) -> list[dict]:
    """Some of a district's promises are reported done a week or a few later (`follows`)."""
    out = []
    for item in list(waiting):
        if rng.random() < 0.4:
            waiting.remove(item)
            fid, promised = item
            text = rng.choice(FOLLOW_UPS).format(place=rng.choice(PLACES))
            out.append({"text": text, "types": list(promised["types"]), "action": "已整改到位。", "follows": fid,
                        "follows_quote": quote_of(promised["text"])})
    return out


def _callbacks(rng: random.Random, trend: _Trend, d: District) -> tuple[str, dict]:
    calls = rng.randint(800, 20000)
    missed = int(calls * rng.uniform(0.05, 0.25))
    answered = calls - missed
    rate = trend.next()
    unhappy = max(0, int(answered * (100 - rate) / 100))
    basic = int((answered - unhappy) * rng.uniform(0.0, 0.05))
    happy = answered - unhappy - basic
    text = (f"本周电话回访办件 {calls} 件，其中未接通 {missed} 件，满意 {happy} 件，基本满意 {basic} 件，"
            f"不满意 {unhappy} 件。已对不满意件逐件核实。")
    return text, {"回访量": calls, "未接通": missed, "满意": happy, "基本满意": basic, "不满意": unhappy}


REPEAT_RATE = 0.15  # a district's chance, each issue, of reporting one of its recent problems again


def generate(archive: Archive, count: int, seed: int, truth: dict | None = None) -> list[tuple[str, dict, dict[str, dict]]]:
    """`count` issues after the archive's latest: (folder, issue data, district files). `truth`, if
    given, receives each finding's id → [problem family, place] (the ground truth of recurrence:
    two findings of a district are the same problem when both match)."""
    rng = random.Random(seed)
    again = random.Random(seed * 7919 + 17)  # repeats from a stream of their own: the rest stays as it was
    last = archive.latest
    day = last.date if last else dt.date(2018, 1, 5)
    number = last.number if last else 0
    series = last.series if last else "专报"
    publisher = last.publisher if last else "专报办公室"
    title = last.report_title if last else "各地检查情况通报"
    intro = last.intro if last else "各地检查情况如下："
    trends = {d.slug: _Trend(rng) for d in archive.registry.districts}
    waiting: dict[str, list[tuple[str, dict]]] = {}  # district → (finding id, finding) promising work
    recent: dict[str, list[tuple[int, str]]] = {}  # district → its recent problems (family, place)
    window = max(1, archive.registry.recurrence_window - 1)
    out = []
    for _ in range(count):
        prev, day = day, day + dt.timedelta(days=7)
        number = number + 1 if day.year == prev.year else 1
        start, end = day - dt.timedelta(days=7), day - dt.timedelta(days=1)
        issue = {"number": number, "date": day, "series": series, "publisher": publisher,
                 "report": {"title": title}, "period": {"start": start, "end": end},
                 "intro": scaffold.next_intro(intro, start, end)}
        districts = {}
        for d in archive.registry.districts:
            if not d.valid_on(day):
                continue
            findings = [_finding(rng, start + dt.timedelta(days=rng.randint(0, 6)), archive.registry)
                        for _ in range(rng.choice((1, 1, 2, 2, 3, 3, 4, 5)))]
            mine = recent.setdefault(d.slug, [])
            if mine and again.random() < REPEAT_RATE:
                family, place = again.choice(mine[-window * 3:])
                findings.append(_finding(again, start + dt.timedelta(days=again.randint(0, 6)), archive.registry,
                                         family, place))
            mine += [f["_truth"] for f in findings]
            del mine[:-window * 3]  # about the last `window` issues' problems
            data: dict = {"district": d.name}
            if rng.random() < 0.5:
                text, metrics = _callbacks(rng, trends[d.slug], d)
                data["metrics"] = metrics
                findings.insert(0, {"text": text, "types": ["满意度回访"], "action": "已对不满意件逐件核实。"})
            findings += _follow_ups(rng, waiting.setdefault(d.slug, []))
            folder = f"{day.year}-{number:03d}"
            waiting[d.slug] += [(f"{folder}-{d.slug}-{n}", f) for n, f in enumerate(findings, 1)
                                if any(p in f.get("action", "") for p in PROMISES)]
            for n, f in enumerate(findings, 1):
                mark = f.pop("_truth", None)
                if truth is not None and mark is not None:
                    truth[f"{folder}-{d.slug}-{n}"] = list(mark)
            data["findings"] = findings
            districts[d.slug] = data
        out.append((f"{day.year}-{number:03d}", issue, districts))
    return out
