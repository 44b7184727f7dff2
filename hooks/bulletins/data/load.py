"""issues/ → Archive. Every problem in every file is collected before anything fails."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import replace
from pathlib import Path

from bulletins.files.problems import Problem, errors
from . import fields, schema, validate, yamlio
from .follows import check_follows
from .located import FileProblems
from .model import Archive, CorrectionNote, DistrictReport, Finding, Issue, Registry, Section
from .parsecache import ParseCache
from .registry import load_registry
from .state import BuildState

ISSUE_DIR = re.compile(r"^(\d{4})-(\d{3})$")
SLUG_FILE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*\.yaml$")


def _finding(item: dict, slug: str, number: int) -> Finding:
    """A finding's fields, as its table lists them (fields.DISTRICT_FINDING): lists as tuples, a
    date as the text it stands for, an absent field empty."""
    return Finding(district=slug, number=number, **{f.name: _value(item.get(f.name), f) for f in fields.DISTRICT_FINDING})


def _value(value: object, f: fields.Field) -> object:
    if f.is_list:
        return tuple(value or ())
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else value


def _shaped(root: Path, path: Path, cache: ParseCache, kind: str,
            shape_of: dict) -> tuple[dict | None, FileProblems | None, list[Problem]]:
    """A data file parsed and checked against its schema: (data, its problems so far, problems),
    data None when it cannot be read further (its problems say why)."""
    rel = path.relative_to(root).as_posix()
    data, problems, shape = cache.load_checked(path, rel, kind, lambda d: schema.check(d, shape_of))
    if data is None:
        return None, None, problems
    fp = FileProblems(path, rel)
    for keypath, message in shape:
        fp.error(keypath, message)
    if fp.queued:
        return None, None, fp.resolve()
    return data, fp, problems


def _district(root: Path, path: Path, registry: Registry, issue: dict | None,
              seen: dict[str, str], cache: ParseCache) -> tuple[DistrictReport | None, list[Problem]]:
    data, fp, problems = _shaped(root, path, cache, "district", schema.DISTRICT)
    if data is None:
        return None, problems
    rel = fp.relpath
    district = validate.district_name(data, registry, fp, path.stem)
    issue_date = issue.get("date") if issue else None
    if district and hasattr(issue_date, "year") and not district.valid_on(issue_date):
        fp.warn(("district",), f"{district.name} 在 {issue_date} 时已不存在或尚未设立 — 请核对区县名称")
    if district and district.slug in seen:
        fp.error(("district",), f"{district.name} 在本期中重复出现（另见 {seen[district.slug]}） — 每个区县只能有一个文件")
    validate.metrics(data.get("metrics") or {}, registry, fp)
    for i, item in enumerate(data.get("findings") or []):
        validate.finding(item, i, registry, fp, issue_date)
    if issue and not issue.get("draft") and not (data.get("findings") or data.get("metrics")
                                                 or (data.get("summary") or "").strip()):
        fp.error(("district",), f"{district.name if district else data['district']} 没有问题、概述，也没有指标，"
                 "已发布的一期不能有空的区县 — 请至少写其中一项（本期没有问题时写 summary: 本期未发现问题），"
                 "或删除这个文件；还没写完的一期请在 issue.yaml 中写 draft: true")
    problems = fp.resolve()
    if district is None or errors(problems):
        return None, problems
    seen[district.slug] = rel
    order = {m.name: k for k, m in enumerate(registry.metrics)}
    metrics = tuple(sorted((data.get("metrics") or {}).items(), key=lambda kv: order[kv[0]]))
    findings = tuple(_finding(item, district.slug, n) for n, item in enumerate(data.get("findings") or [], 1))
    return DistrictReport(district, rel, findings, metrics, data.get("summary", ""), data.get("position")), problems


SECTIONS_FILE = "sections.yaml"


def _sections(root: Path, path: Path, registry: Registry, issue: dict | None,
              cache: ParseCache) -> tuple[list[dict] | None, list[Problem]]:
    """sections.yaml (a bulletin by problem category): its parts, each finding naming its districts."""
    data, fp, problems = _shaped(root, path, cache, "sections", schema.SECTIONS)
    if data is None:
        return None, problems
    issue_date = issue.get("date") if issue else None
    out = []
    for s, section in enumerate(data["sections"]):
        items = []
        for i, item in enumerate(section.get("findings") or []):
            where = ("sections", s, "findings", i)
            validate.finding(item, i, registry, fp, issue_date, base=where[:-1])
            items.append((item, validate.section_districts(item, where, registry, fp)))
        out.append({"title": section["title"], "text": section.get("text", ""), "items": items,
                    "figures": bool(section.get("figures"))})
    problems = fp.resolve()
    return (None if errors(problems) else out), problems


def _place_sections(sections: list[dict], reports: list[DistrictReport],
                    rel: str) -> tuple[tuple[Section, ...], list[DistrictReport]]:
    """Each section's finding stands in every district it names: numbered and anchored in the
    first (after that district file's own findings), listed in the others' reports too, so their
    pages, feeds, counts and the 区县 filter find it. A district named only in sections gets a report."""
    by_slug = {r.district.slug: r for r in reports}
    placed: dict[str, list[Finding]] = {}
    districts = {}
    out = []
    for section in sections:
        findings = []
        for item, named in section["items"]:
            first = named[0].slug
            own = len(by_slug[first].findings) if first in by_slug else 0
            number = own + sum(1 for f in placed.get(first, ()) if f.district == first) + 1
            finding = replace(_finding(item, first, number), also=tuple(d.slug for d in named[1:]))
            findings.append(finding)
            for d in named:
                districts[d.slug] = d
                placed.setdefault(d.slug, []).append(finding)
        out.append(Section(section["title"], section["text"], tuple(findings), section["figures"]))
    merged = [replace(r, findings=r.findings + tuple(placed.pop(r.district.slug, ()))) for r in reports]
    merged += [DistrictReport(districts[slug], rel, tuple(fs)) for slug, fs in placed.items()]
    return tuple(out), merged


def _issue_header(root: Path, folder: Path, cache: ParseCache) -> tuple[dict | None, list[Problem]]:
    path = folder / "issue.yaml"
    rel = path.relative_to(root).as_posix()
    if not os.path.lexists(path):
        return None, [Problem(rel, 1, 1, "缺少 issue.yaml — 每期文件夹都要有 issue.yaml（可用 bulletins new 生成）")]
    data, fp, problems = _shaped(root, path, cache, "issue", schema.ISSUE)
    if data is None:
        return None, problems
    validate.issue_header(data, folder.name, fp)
    problems = fp.resolve()
    return (None if errors(problems) else data), problems


def _entries(folder: Path) -> list[str]:
    try:
        return sorted(os.listdir(folder))
    except OSError:
        return []


def load_issue(root: Path, folder: Path, registry: Registry, state: BuildState) -> tuple[Issue | None, list[Problem]]:
    """An issue, read again only when a file of its folder changed (`state.issues`)."""
    keys = []
    for name in _entries(folder):
        path = folder / name
        raw, _ = yamlio.read_data(path, name) if name.endswith(".yaml") else (None, [])
        # unreadable, refused or not data: the name alone, so a changed folder never hits the cache
        keys.append(yamlio.content_key(raw, path.relative_to(root).as_posix()) if raw is not None else "?" + name)
    held = (hash(registry), tuple(keys))
    hit = state.issues.get(str(folder))
    if hit is not None and hit[0] == held:
        state.parsed.touch(keys)
        return hit[1], list(hit[2])
    issue, problems = _load_issue(root, folder, registry, state.parsed)
    state.issues[str(folder)] = (held, issue, tuple(problems))
    return issue, problems


def _stray(rel: str, name: str) -> Problem:
    """A file in an issue folder that the build would not read: never dropped in silence."""
    stem, dot, ext = name.rpartition(".")
    data_like = bool(dot) and ext.lower() in ("yaml", "yml")
    if data_like and SLUG_FILE.match(stem.lower() + ".yaml"):
        return Problem(rel, 1, 1, f"{name} 不会被读取 — 数据文件的扩展名必须是小写的 .yaml，"
                       f"请改名为 {stem.lower()}.yaml")
    if data_like:
        return Problem(rel, 1, 1, "文件名应为区县的拼音 slug，如 chengqu.yaml — 请改文件名，否则这份数据不会发布")
    if name.startswith("."):
        return Problem(rel, 1, 1, f"隐藏文件 {name} 不会被读取，也不会发布", "warning")
    return Problem(rel, 1, 1, f"期文件夹中只能有 issue.yaml 和区县的 .yaml 文件 — {name} 不会被读取，"
                   "请把它移出 issues/ 或删除")


def _load_issue(root: Path, folder: Path, registry: Registry, cache: ParseCache) -> tuple[Issue | None, list[Problem]]:
    header, problems = _issue_header(root, folder, cache)
    reports, seen = [], {}
    sections: list[dict] | None = None
    for name in _entries(folder):
        path = folder / name
        rel = path.relative_to(root).as_posix()
        if name == "issue.yaml":
            continue
        if name == SECTIONS_FILE:
            sections, found = _sections(root, path, registry, header, cache)
            problems += found
            continue
        if not SLUG_FILE.match(name):
            problems.append(_stray(rel, name))
            continue
        report, found = _district(root, path, registry, header, seen, cache)
        problems += found
        if report:
            reports.append(report)
    problems += _positions(reports)
    if header is None or errors(problems):
        return None, problems
    parts: tuple[Section, ...] = ()
    if sections:
        parts, reports = _place_sections(sections, reports, f"{folder.relative_to(root).as_posix()}/{SECTIONS_FILE}")
    return _build_issue(folder.name, header, reports, parts), problems


def _positions(reports: list[DistrictReport]) -> list[Problem]:
    """The bulletin's own order: every district file says where it was printed, or none does."""
    placed = [r for r in reports if r.position is not None]
    if not placed:
        return []
    out = [Problem(r.source, 1, 1, f"本期其他区县写了 position（在通报中的位置），{r.district.name} 没有写 — "
                   "请补上，或全部删去（按登记表顺序）") for r in reports if r.position is None]
    seen: dict[int, str] = {}
    for r in sorted(placed, key=lambda r: r.source):
        if r.position in seen:
            out.append(Problem(r.source, 1, 1, f"position {r.position} 与 {seen[r.position]} 重复 — 每个区县的位置应不同"))
        seen[r.position] = r.source
    return out


def _build_issue(folder: str, h: dict, reports: list[DistrictReport], sections: tuple[Section, ...] = ()) -> Issue:
    period, dist = h.get("period") or {}, h.get("distribution") or {}
    order = ((lambda r: (r.position or 999, r.district.order)) if any(r.position for r in reports)
             else (lambda r: r.district.order))
    return Issue(
        id=folder, number=h["number"], date=h["date"], series=h["series"], publisher=h["publisher"],
        report_title=h["report"]["title"], report_sequence=h["report"].get("sequence", ""),
        period_start=period.get("start"), period_end=period.get("end"), intro=h.get("intro", ""),
        report_to=dist.get("report_to", ""), send_to=dist.get("send_to", ""),
        copy_to=dist.get("copy_to", ""), printed=dist.get("printed", ""),
        reports=tuple(sorted(reports, key=order)), unplaced=tuple(h.get("unplaced", ())),
        draft=bool(h.get("draft", False)), running=h.get("running"), sections=sections,
        corrections=tuple(CorrectionNote(c["date"], c["note"].strip()) for c in h.get("corrections", ())))


def issue_folders(root: Path) -> tuple[list[Path], list[Problem]]:
    """Every issue folder, and a problem for anything else in issues/: nothing there is skipped
    in silence, and nothing behind a link is read."""
    base, folders, problems = root / "issues", [], []
    if base.is_symlink() or not base.is_dir():
        return [], [Problem("issues", 1, 1, "找不到 issues/ 文件夹（或它是链接） — 请在归档根目录（有 mkdocs.yml 处）运行")]
    names = _entries(base)
    for name in names:
        child, rel = base / name, f"issues/{name}"
        if name == "registry":
            continue
        if name.startswith("."):
            problems.append(_hidden(rel, name, names))
        elif child.is_symlink():
            problems.append(Problem(rel, 1, 1, "是符号链接 — 每期数据必须是 issues/ 中的普通文件夹，请用文件夹本身替换链接"))
        elif not child.is_dir():
            problems.append(Problem(rel, 1, 1, f"issues/ 中只能有每期的文件夹和 registry/ — {name} 不会被读取，请移走或删除"))
        elif ISSUE_DIR.match(name):
            folders.append(child)
        else:
            problems.append(Problem(rel, 1, 1, f"文件夹名“{name}”不符合“年-期号”格式，其中的数据不会发布 — "
                                    "应为四位年份、连字符、三位期号，如 2018-033"))
    return folders, problems


def _hidden(rel: str, name: str, names: list[str]) -> Problem:
    m = re.match(r"^\.(\d{4}-\d{3})\.old$", name)
    if m and m.group(1) not in names:
        return Problem(rel, 1, 1, f"上次覆盖导入 {m.group(1)} 时被中断，原来的数据在 {rel} 中 — "
                       f"请把它改名回 issues/{m.group(1)}，或重新导入这一期")
    return Problem(rel, 1, 1, f"隐藏的 {name} 不会被读取，也不会发布 — 如是数据，请去掉名称前的点", "warning")


def load_archive(root: Path, only: list[Path] | None = None,
                 state: BuildState | None = None) -> tuple[Archive | None, list[Problem]]:
    """The whole archive (or the issue folders in `only`) and every problem found. `state` is the
    process's (serve keeps one for every rebuild); without it, this call makes its own."""
    state = state or BuildState()
    state.parsed.open(root)
    try:
        return _load_archive(root, only, state)
    finally:
        state.parsed.save(root)


def _load_archive(root: Path, only: list[Path] | None, state: BuildState) -> tuple[Archive | None, list[Problem]]:
    """With `only`, every issue is read (links cross issues) but the problems reported are those
    of the named issues and of the links into and out of them."""
    registry, problems = load_registry(root, state.parsed)
    if registry is None:
        return None, problems
    folders, problems = issue_folders(root)
    wanted = None if only is None else {p.resolve() for p in only}
    issues = []
    for folder in folders:
        issue, found = load_issue(root, folder, registry, state)
        if wanted is None or folder.resolve() in wanted:
            problems += found
        if issue:
            issues.append(issue)
    if errors(problems):
        return None, problems
    issues.sort(key=lambda i: (i.date, i.number), reverse=True)
    archive = Archive(registry, tuple(issues))
    ids = None if wanted is None else {f.name for f in folders if f.resolve() in wanted}
    problems += check_follows(root, archive, ids)
    problems += _future_corrections(root, archive, ids)
    if ids is not None:
        archive = Archive(registry, tuple(i for i in issues if i.id in ids))
    return (None if errors(problems) else archive), problems


def _future_corrections(root: Path, archive: Archive, ids: set[str] | None) -> list[Problem]:
    """A correction is dated after its issue and, at the latest, within a year of the newest issue:
    9999-12-31 is a typo, and it would sort first in 更正记录 for ever."""
    latest = archive.latest
    if latest is None:
        return []
    bound = latest.date + dt.timedelta(days=366)
    out: list[Problem] = []
    for issue in archive.issues:
        if ids is not None and issue.id not in ids:
            continue
        rel = f"issues/{issue.id}/issue.yaml"
        fp = FileProblems(root / rel, rel)
        for i, c in enumerate(issue.corrections):
            if c.date > bound:
                fp.error(("corrections", i, "date"), f"更正日期 {c.date} 晚于最新一期（{latest.date}）一年以上 — 请核对日期")
        out += fp.resolve()
    return out
