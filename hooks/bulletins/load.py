"""issues/ → Archive. Every problem in every file is collected before anything fails."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from . import schema, validate, yamlio
from .located import FileProblems
from .model import Archive, DistrictReport, Finding, Issue, Registry
from .problems import Problem, errors
from .registry import load_registry

ISSUE_DIR = re.compile(r"^(\d{4})-(\d{3})$")
SLUG_FILE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*\.yaml$")


def _finding(item: dict, slug: str, number: int) -> Finding:
    observed = item.get("observed", "")
    return Finding(
        district=slug, number=number, text=item["text"], types=tuple(item.get("types", ())),
        departments=tuple(item.get("departments", ())), place=item.get("place", ""),
        observed=observed.isoformat() if hasattr(observed, "isoformat") else observed,
        action=item.get("action", ""))


def _district(root: Path, path: Path, registry: Registry, issue: dict | None,
              seen: dict[str, str]) -> tuple[DistrictReport | None, list[Problem]]:
    rel = path.relative_to(root).as_posix()
    data, problems, shape = yamlio.load_checked(path, rel, "district", lambda d: schema.check(d, schema.DISTRICT))
    if data is None:
        return None, problems
    fp = FileProblems(path, rel)
    for keypath, message in shape:
        fp.error(keypath, message)
    if fp.pending:
        return None, fp.resolve()
    district = validate.district_name(data, registry, fp, path.stem)
    issue_date = issue.get("date") if issue else None
    if district and hasattr(issue_date, "year") and not district.valid_on(issue_date):
        fp.warn(("district",), f"{district.name} 在 {issue_date} 时已不存在或尚未设立 — 请核对区县名称")
    if district and district.slug in seen:
        fp.error(("district",), f"{district.name} 在本期中重复出现（另见 {seen[district.slug]}） — 每个区县只能有一个文件")
    validate.metrics(data.get("metrics") or {}, registry, fp)
    for i, item in enumerate(data["findings"]):
        validate.finding(item, i, registry, fp, issue_date)
    problems = fp.resolve()
    if district is None or errors(problems):
        return None, problems
    seen[district.slug] = rel
    order = {m.name: k for k, m in enumerate(registry.metrics)}
    metrics = tuple(sorted((data.get("metrics") or {}).items(), key=lambda kv: order[kv[0]]))
    findings = tuple(_finding(item, district.slug, n) for n, item in enumerate(data["findings"], 1))
    return DistrictReport(district, rel, findings, metrics, data.get("summary", "")), problems


def _issue_header(root: Path, folder: Path) -> tuple[dict | None, list[Problem]]:
    path = folder / "issue.yaml"
    rel = path.relative_to(root).as_posix()
    if not path.exists():
        return None, [Problem(rel, 1, 1, "缺少 issue.yaml — 每期文件夹都要有 issue.yaml（可用 bulletins new 生成）")]
    data, problems, shape = yamlio.load_checked(path, rel, "issue", lambda d: schema.check(d, schema.ISSUE))
    if data is None:
        return None, problems
    fp = FileProblems(path, rel)
    for keypath, message in shape:
        fp.error(keypath, message)
    if not fp.pending:
        validate.issue_dates(data, folder.name, fp)
    problems = fp.resolve()
    return (None if errors(problems) else data), problems


# folder → (what it held, issue, problems). Lives as long as the process: under `mkdocs serve`
# an edit re-reads one issue, not 520 (measured: 1.3 s of each rebuild at 520 issues).
_ISSUES: dict[str, tuple[tuple, Issue | None, tuple[Problem, ...]]] = {}


def load_issue(root: Path, folder: Path, registry: Registry) -> tuple[Issue | None, list[Problem]]:
    keys = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            keys.append(yamlio.content_key(path.read_bytes(), path.relative_to(root).as_posix()))
        except OSError:
            keys.append(path.name)  # unreadable: never matches a cached read
    state = (hash(registry), tuple(keys))
    hit = _ISSUES.get(str(folder))
    if hit is not None and hit[0] == state:
        yamlio.touch(keys)
        return hit[1], list(hit[2])
    issue, problems = _load_issue(root, folder, registry)
    _ISSUES[str(folder)] = (state, issue, tuple(problems))
    return issue, problems


def _load_issue(root: Path, folder: Path, registry: Registry) -> tuple[Issue | None, list[Problem]]:
    header, problems = _issue_header(root, folder)
    reports, seen = [], {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name == "issue.yaml":
            continue
        if not SLUG_FILE.match(path.name):
            problems.append(Problem(path.relative_to(root).as_posix(), 1, 1,
                                    "文件名应为区县的拼音 slug，如 gongshu.yaml — 请改文件名"))
            continue
        report, found = _district(root, path, registry, header, seen)
        problems += found
        if report:
            reports.append(report)
    if header is None or errors(problems):
        return None, problems
    return _build_issue(folder.name, header, reports), problems


def _build_issue(folder: str, h: dict, reports: list[DistrictReport]) -> Issue:
    period, dist = h.get("period") or {}, h.get("distribution") or {}
    return Issue(
        id=folder, number=h["number"], date=h["date"], series=h["series"], publisher=h["publisher"],
        report_title=h["report"]["title"], report_sequence=h["report"].get("sequence", ""),
        period_start=period.get("start"), period_end=period.get("end"), intro=h.get("intro", ""),
        report_to=dist.get("report_to", ""), send_to=dist.get("send_to", ""),
        districts=tuple(sorted(reports, key=lambda r: r.district.order)),
        unplaced=tuple(h.get("unplaced", ())))


def issue_folders(root: Path) -> tuple[list[Path], list[Problem]]:
    base, folders, problems = root / "issues", [], []
    if not base.is_dir():
        return [], [Problem("issues", 1, 1, "找不到 issues/ 文件夹 — 请在归档根目录（有 mkdocs.yml 处）运行")]
    for child in sorted(base.iterdir()):
        if child.name == "registry" or child.name.startswith(".") or not child.is_dir():
            continue
        if ISSUE_DIR.match(child.name):
            folders.append(child)
        else:
            problems.append(Problem(f"issues/{child.name}", 1, 1,
                                    f"文件夹名“{child.name}”不符合“年-期号”格式 — 应如 2018-033，已跳过", "warning"))
    return folders, problems


def load_archive(root: Path, only: list[Path] | None = None) -> tuple[Archive | None, list[Problem]]:
    """The whole archive (or the issue folders in `only`) and every problem found."""
    yamlio.cache_open(root)
    try:
        return _load_archive(root, only)
    finally:
        yamlio.cache_save(root)


def _load_archive(root: Path, only: list[Path] | None) -> tuple[Archive | None, list[Problem]]:
    registry, problems = load_registry(root)
    if registry is None:
        return None, problems
    folders, problems = issue_folders(root)
    if only is not None:
        wanted = {p.resolve() for p in only}
        folders = [f for f in folders if f.resolve() in wanted]
    issues = []
    for folder in folders:
        issue, found = load_issue(root, folder, registry)
        problems += found
        if issue:
            issues.append(issue)
    if errors(problems):
        return None, problems
    issues.sort(key=lambda i: (i.date, i.number), reverse=True)
    return Archive(registry, tuple(issues)), problems


def as_plain(data: Any) -> Any:
    """Round-trip containers → plain dicts/lists, for comparing data regardless of layout."""
    if isinstance(data, dict):
        return {str(k): as_plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [as_plain(v) for v in data]
    return data
