"""Registries (districts, problem types, metrics, departments) are data in issues/registry/."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from bulletins.files.problems import Problem
from . import schema, validate
from .located import FileProblems
from .model import Department, District, Metric, ProblemType, Rate, Registry, Sum, Terms, Trend
from .parsecache import ParseCache
from .textutil import toneless

REGISTRY_DIR = "issues/registry"
FILES = ("districts", "problem_types", "metrics", "departments")
SETTINGS = "settings"  # optional: issues/registry/settings.yaml
SYNONYMS = "synonyms"  # optional: issues/registry/synonyms.yaml, words a search treats as one
_KEYS = {"districts": "districts", "problem_types": "types", "metrics": "metrics", "departments": "departments"}


def _load_one(root: Path, name: str, cache: ParseCache) -> tuple[Any, FileProblems, list[Problem]]:
    rel = f"{REGISTRY_DIR}/{name}.yaml"
    fp = FileProblems(root / rel, rel)
    data, problems = cache.load_file(root / rel, rel)
    if data is not None:
        for keypath, message in schema.check(data, schema.REGISTRIES[name]):
            fp.error(keypath, message)
        key = _KEYS[name]
        validate.names(data, ((key, None, "name"), (key, None, "slug"), (key, None, "aliases", None)), fp)
    return data, fp, problems


def _strays(root: Path) -> list[Problem]:
    """Files in the registry folder that nothing reads: an error, so no registry is lost."""
    folder = root / REGISTRY_DIR
    if folder.is_symlink() or not folder.is_dir():
        return [Problem(REGISTRY_DIR, 1, 1, "找不到登记表文件夹（或它是链接） — 应有 issues/registry/ 文件夹，"
                        f"内有 {'、'.join(f + '.yaml' for f in FILES)}")]
    known = {f"{name}.yaml" for name in FILES + (SETTINGS, SYNONYMS)}
    out = []
    for child in sorted(folder.iterdir()):
        if child.name not in known and not child.name.startswith("."):
            out.append(Problem(f"{REGISTRY_DIR}/{child.name}", 1, 1, f"登记表文件夹中只能有 {'、'.join(sorted(known))} — "
                               f"{child.name} 不会被读取，请移走或删除"))
    return out


def _check_slugs(items: list[dict], key: str, fp: FileProblems) -> None:
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        for field in ("slug", "name"):
            value = item.get(field)
            if value in seen.setdefault(field, {}):  # type: ignore[operator]
                fp.error((key, i, field), f"“{value}”重复登记 — 每个{field}只能用一次")
            seen[field][value] = i  # type: ignore[index]
        if key == "districts" and item.get("slug") in ("issue", "sections", "part"):
            fp.error((key, i, "slug"), f"slug 不能是“{item['slug']}” — 这个名字另有用处（期文件夹中的文件或页面上的位置），请换一个")


_COMPAT = re.compile("[\u2e80-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")
_WHAT = {"districts": "区县", "types": "问题类型", "metrics": "指标", "departments": "部门"}


def _folded(name: str) -> str:
    """What a reader sees and search compares: NFKC, no spaces (invisible ones are refused earlier)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


def _check_lookalikes(items: list[dict], key: str, fp: FileProblems) -> None:
    """Every name and alias belongs to one entry, even compared as a reader sees them (full-width
    and half-width alike); compatibility ideographs (公积⾦ with U+2FA6) look right and match nothing."""
    seen: dict[str, tuple[int, str]] = {}
    for i, item in enumerate(items):
        values = [((key, i, "name"), item.get("name"))]
        values += [((key, i, "aliases", j), a) for j, a in enumerate(item.get("aliases") or [])]
        for path, value in values:
            if not isinstance(value, str):
                continue
            m = _COMPAT.search(value)
            if m:
                fp.error(path, f"“{value}”中的“{m.group()}”（U+{ord(m.group()):04X}）是兼容字符，看起来和"
                         f"“{unicodedata.normalize('NFKC', m.group())}”一样，搜索却找不到它 — 请改为普通的汉字")
            folded = _folded(value)
            if folded in seen and seen[folded][0] != i:
                other = items[seen[folded][0]].get("name")
                fp.error(path, f"“{value}”与{other}的“{seen[folded][1]}”相同（或只差全角半角、空格） — "
                         f"每个名称和别名只能属于一个{_WHAT[key]}，否则无法分辨指的是哪一个")
            seen.setdefault(folded, (i, value))


def _districts(items: list[dict], fp: FileProblems) -> tuple[District, ...]:
    slugs = {d["slug"] for d in items}
    out = []
    for i, d in enumerate(items):
        if re.search(r"-\d+$", d["slug"]):
            fp.error(("districts", i, "slug"), f"slug“{d['slug']}”以“-数字”结尾，会与问题的锚点重复"
                     "（xihu-2 是西湖区第 2 条问题的地址） — 请改用不以数字结尾的 slug")
        if toneless(d["pinyin"]) != d["slug"].replace("-", ""):
            fp.error(("districts", i, "slug"),
                     f"slug“{d['slug']}”与读音“{d['pinyin']}”不一致 — slug 应为去掉声调和空格的拼音")
        for rel in ("predecessors", "successors"):
            for other in d.get(rel, []):
                if other not in slugs:
                    fp.error(("districts", i, rel), f"“{other}”不是已登记的 slug — 可用：{'、'.join(sorted(slugs))}")
        if d.get("valid_to") and d.get("valid_from") and d["valid_to"] < d["valid_from"]:
            fp.error(("districts", i, "valid_to"), "valid_to 早于 valid_from — 请检查日期")
        out.append(District(
            name=d["name"], slug=d["slug"], pinyin=d["pinyin"], kind=d["kind"], order=d["order"],
            aliases=tuple(d.get("aliases", ())), valid_from=d.get("valid_from"),
            valid_to=d.get("valid_to"), predecessors=tuple(d.get("predecessors", ())),
            successors=tuple(d.get("successors", ())), note=d.get("note", "")))
    return tuple(sorted(out, key=lambda d: d.order))


def load_registry(root: Path, cache: ParseCache | None = None) -> tuple[Registry | None, list[Problem]]:
    cache = cache or ParseCache()
    strays = _strays(root)
    loaded = {name: _load_one(root, name, cache) for name in FILES}
    problems = strays + [p for _, _, ps in loaded.values() for p in ps]
    if problems or any(fp.queued for _, fp, _ in loaded.values()):
        return None, problems + [p for _, fp, _ in loaded.values() for p in fp.resolve()]
    (dd, dfp, _), (td, tfp, _), (md, mfp, _), (pd, pfp, _) = (loaded[n] for n in FILES)
    for items, key, fp in ((dd["districts"], "districts", dfp), (td["types"], "types", tfp),
                           (md["metrics"], "metrics", mfp), (pd["departments"], "departments", pfp)):
        _check_slugs(items, key, fp)
        _check_lookalikes(items, key, fp)
    districts = _districts(dd["districts"], dfp)
    types = tuple(ProblemType(t["name"], t["slug"], t["description"], tuple(t.get("keywords", ())),
                              bool(t.get("routine", False))) for t in td["types"])
    metrics = tuple(Metric(m["name"], m["slug"], m["unit"], m["kind"], m.get("description", ""),
                           tuple(m.get("patterns", ()))) for m in md["metrics"])
    departments = tuple(Department(d["name"], d["slug"], tuple(d.get("keywords", ())))
                        for d in pd["departments"])
    rules = _metric_rules(md, metrics, mfp)
    problems = [p for fp in (dfp, tfp, mfp, pfp) for p in fp.resolve()]
    settings, more = _settings(root, cache)
    synonyms, other = _synonyms(root, cache)
    problems += more + other
    if problems:
        return None, problems
    return Registry(districts, types, metrics, departments, **settings, **rules, synonyms=synonyms), []


def _terms(values: list[str], known: set[str], path: tuple, fp: FileProblems) -> Terms:
    plus = tuple(v for v in values if not v.startswith("-"))
    minus = tuple(v[1:] for v in values if v.startswith("-"))
    for i, name in enumerate(values):
        if name.lstrip("-") not in known:
            fp.error(path + (i,), f"“{name.lstrip('-')}”不是登记的指标 — 可用：{'、'.join(sorted(known))}")
    return Terms(plus, minus)


def _metric_rules(md: dict, metrics: tuple[Metric, ...], fp: FileProblems) -> dict:
    """metrics.yaml's rates, trends and sums: what is computed, charted and checked, as data."""
    known = {m.name for m in metrics}
    rates = tuple(Rate(r["name"], _terms(r["numerator"], known, ("rates", i, "numerator"), fp),
                       _terms(r["denominator"], known, ("rates", i, "denominator"), fp))
                  for i, r in enumerate(md.get("rates") or []))
    rate_names = {r.name for r in rates}
    trends = []
    for i, t in enumerate(md.get("trends") or []):
        if t["metric"] not in known:
            fp.error(("trends", i, "metric"), f"“{t['metric']}”不是登记的指标 — 可用：{'、'.join(sorted(known))}")
        if t.get("fallback") and t["fallback"] not in rate_names:
            fp.error(("trends", i, "fallback"), f"“{t['fallback']}”不是 rates 中的计算值 — 可用：{'、'.join(sorted(rate_names))}")
        trends.append(Trend(t["metric"], t.get("label") or t["metric"], t.get("fallback", "")))
    sums = tuple(Sum(_terms(s["parts"], known, ("sums", i, "parts"), fp), _terms(s["total"], known, ("sums", i, "total"), fp))
                 for i, s in enumerate(md.get("sums") or []))
    return {"rates": rates, "trends": tuple(trends), "sums": sums}


def _settings(root: Path, cache: ParseCache) -> tuple[dict, list[Problem]]:
    """issues/registry/settings.yaml, if there is one: the archive's settings for patterns."""
    rel = f"{REGISTRY_DIR}/{SETTINGS}.yaml"
    if not (root / rel).exists() and not (root / rel).is_symlink():
        return {}, []
    data, problems = cache.load_file(root / rel, rel)
    if data is None:
        return {}, problems
    fp = FileProblems(root / rel, rel)
    for keypath, message in schema.check(data, schema.REGISTRIES[SETTINGS]):
        fp.error(keypath, message)
    found = fp.resolve()
    return ({} if found else dict(data)), problems + found


def _synonyms(root: Path, cache: ParseCache) -> tuple[tuple[tuple[str, ...], ...], list[Problem]]:
    """issues/registry/synonyms.yaml, if there is one: groups of words a search treats as one
    (自助终端 finds 自助机). A word in two groups would make a query mean two different things."""
    rel = f"{REGISTRY_DIR}/{SYNONYMS}.yaml"
    if not (root / rel).exists() and not (root / rel).is_symlink():
        return (), []
    data, problems = cache.load_file(root / rel, rel)
    if data is None:
        return (), problems
    fp = FileProblems(root / rel, rel)
    for keypath, message in schema.check(data, schema.REGISTRIES[SYNONYMS]):
        fp.error(keypath, message)
    found = fp.resolve()
    if found:
        return (), problems + found
    validate.names(data, (("groups", None, "words", None),), fp)
    seen: dict[str, tuple[int, str]] = {}
    for i, group in enumerate(data["groups"]):
        for j, word in enumerate(group["words"]):
            folded = _folded(word)
            if folded in seen and seen[folded][0] != i:
                fp.error(("groups", i, "words", j), f"“{word}”已在第 {seen[folded][0] + 1} 组（“{seen[folded][1]}”） — "
                         "一个词只能属于一组：请把两组合并，或删去其中一处")
            elif len(folded) < 2:
                fp.error(("groups", i, "words", j), f"“{word}”只有一个字 — 同义词至少两个字，否则会找到太多无关的问题")
            seen.setdefault(folded, (i, word))
    found = fp.resolve()
    groups = tuple(tuple(str(w) for w in g["words"]) for g in data["groups"])
    return (() if found else groups), problems + found
