"""Importing one file or a whole back catalogue: each file becomes its issue or is refused with
its reason, and one bad file never stops or spoils the others."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from bulletins.data.model import Registry
from bulletins.edit import writer
from . import importer, readers
from .tally import Tally


@dataclass
class Outcome:
    """What became of one file; `refused` is the reason in Chinese when nothing was written."""
    file: str
    folder: str = ""
    districts: int = 0
    findings: int = 0
    warnings: list[str] = field(default_factory=list)
    proposals: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    count: Tally | None = None
    refused: str = ""
    draft: bool = True
    changes: list[str] | None = None  # --dry-run over an issue that exists: what the import would change


def written_would_fail(parsed: importer.Parsed) -> list[str]:
    """What `validate` would refuse in the data an import is about to write (第 0 期, the year 0999,
    a finding of 750,000 characters): such a file is refused at import, with the reason."""
    from bulletins.data import schema, validate
    from bulletins.data.located import FileProblems

    out = [m for _, m in schema.check(parsed.issue, schema.ISSUE)]
    fp = FileProblems(Path("issue.yaml"), "issue.yaml")
    validate._date_range(parsed.issue, fp)
    out += [message for _, message, severity in fp.queued if severity == "error"]
    for slug, data in parsed.districts.items():
        out += [f"{data.get('district', slug)}：{m}" for _, m in schema.check(data, schema.DISTRICT)]
    if parsed.sections:
        out += [m for _, m in schema.check({"sections": parsed.sections}, schema.SECTIONS)]
    return out


def _published(folder: Path) -> bool:
    """An issue folder whose issue.yaml does not say `draft: true` (unreadable: taken as published)."""
    from bulletins.data import yamlio

    try:
        data, _ = yamlio.parse_text((folder / "issue.yaml").read_text(encoding="utf-8"), "issue.yaml")
    except (OSError, UnicodeDecodeError):
        return True
    return not (isinstance(data, dict) and data.get("draft") is True)


def expand(paths: list[Path]) -> tuple[list[Path], list[Outcome]]:
    """The files named, and every bulletin file inside the folders named (sorted, hidden ones left
    out); a path that does not exist is an outcome of its own."""
    files: list[Path] = []
    missing: list[Outcome] = []
    for path in paths:
        if path.is_dir():
            for folder, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files += [Path(folder) / n for n in sorted(names)
                          if not n.startswith((".", "~$")) and Path(n).suffix.lower() in readers.SUFFIXES]
        elif os.path.lexists(path):
            files.append(path)
        else:
            missing.append(Outcome(str(path), refused="找不到文件 — 请检查路径"))
    return files, missing


class Importer:
    """One run over many files, sharing the registry, the archive (for follow-up proposals) and
    the folders already taken in this run."""

    def __init__(self, root: Path, registry: Registry, *, force: bool, dry_run: bool, publish: bool) -> None:
        self.root, self.registry = root, registry
        self.force, self.dry_run, self.publish = force, dry_run, publish
        self.taken: dict[str, str] = {}
        self._archive = None
        self._archive_loaded = False

    def archive(self):
        if not self._archive_loaded:
            from bulletins.data.load import load_archive

            self._archive, _ = load_archive(self.root)
            self._archive_loaded = True
        return self._archive

    def one(self, path: Path) -> Outcome:
        out = Outcome(str(path))
        try:
            parsed = importer.parse(readers.read(path), self.registry)
        except Exception as exc:  # noqa: BLE001 — one bad file never stops a back catalogue
            if not isinstance(exc, (readers.SourceError, importer.ImportFailure)):
                out.refused = (f"读取时出错（{exc.__class__.__name__}），这个文件没有导入 — 请把文件发给维护者；"
                               "其余文件照常导入")
                return out
            out.refused = str(exc).removeprefix(f"{path.name}: ").removeprefix(f"{path.name}").replace(
                path.name, shown(path.name)[1:-1])
            return out
        invalid = written_would_fail(parsed)
        if invalid:
            out.refused = "读出的数据不合要求，没有写入：\n" + "\n".join(f"  {line}" for line in invalid[:10])
            return out
        folder = f"{parsed.issue['date'].year}-{parsed.issue['number']:03d}"
        out.folder, out.count, out.warnings = folder, parsed.count, parsed.warnings
        out.districts = len(parsed.districts)
        out.findings = (sum(len(d.get("findings") or []) for d in parsed.districts.values())
                        + sum(len(s.get("findings") or []) for s in parsed.sections or []))
        if folder in self.taken:
            out.refused = f"与 {self.taken[folder]} 是同一期（issues/{folder}/） — 只导入了第一个文件"
            return out
        target = self.root / "issues" / folder
        exists = target.exists()
        if exists and not self.force and not self.dry_run:
            out.refused = f"issues/{folder}/ 已存在 — 如要覆盖，请加 --force"
            return out
        if exists and not self.publish and _published(target):
            out.refused = (f"issues/{folder}/ 是已发布的一期 — 导入会把它改成草稿，从网站上撤下；"
                           "要用这个文件覆盖已发布的数据，请同时加 --force 和 --publish，并在 issue.yaml 中写更正说明")
            if not self.dry_run:
                return out
            out.warnings.append(out.refused)
            out.refused = ""
        self.taken[folder] = path.name
        if not self.publish:
            parsed.issue = {"draft": True, **parsed.issue}
        out.draft = not self.publish
        proposals = self._proposals(parsed, out)
        files = writer.issue_files(parsed.issue, parsed.districts, self.registry, proposals, parsed.sections)
        out.files = list(files)
        if exists and self.dry_run:
            out.changes = self._changes(folder, target, files)
        if not self.dry_run:
            writer.write_issue_folder(target, files, self.force)
        return out

    def _changes(self, folder: str, target: Path, files: dict[str, str]) -> list[str]:
        """The data change an import over an existing issue would make, as `bulletins diff` says it."""
        from bulletins.review import semdiff

        old = {f"issues/{folder}/{p.name}": p.read_text(encoding="utf-8", errors="replace")
               for p in sorted(target.glob("*.yaml")) if p.is_file() and not p.is_symlink()}
        new = {f"issues/{folder}/{name}": text for name, text in files.items()}
        return semdiff.diff(old, new)

    def _proposals(self, parsed: importer.Parsed, out: Outcome) -> dict[str, dict[int, tuple[str, float, str]]]:
        """Likely follow-ups of earlier findings, for the editor to confirm (none if the archive has errors)."""
        from . import proposals

        archive = self.archive()
        if archive is None:
            return {}
        found: dict[str, dict[int, tuple[str, float, str]]] = {}
        for slug, data in parsed.districts.items():
            for n, finding in enumerate(data.get("findings") or [], 1):
                hit = proposals.propose_follow(archive, parsed.issue["date"], slug, finding)
                if hit:
                    found.setdefault(slug, {})[n] = hit
                    out.proposals.append(
                        f"{data['district']} 第 {n} 条可能是对 {hit[0]} 的跟进（文字相似度 {hit[1]}），"
                        f"已在 issues/{out.folder}/{slug}.yaml 中写为注释 — 确认后删去“# ”")
        return found


_UNSEEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def shown(name: str) -> str:
    """A file's name as a message may print it: quoted, its line breaks and other unseen characters
    written out (\\n), so a name can never forge a line of its own (“错误：…”)."""
    return "“" + _UNSEEN.sub(lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) > 0xff
                             else f"\\x{ord(m.group()):02x}", name) + "”"


def summary(outcomes: list[Outcome], dry_run: bool) -> list[str]:
    """The table printed after a run of several files: file → issue, counts, or why refused."""
    rows = [("文件", "期", "区县", "问题", "警告", "结果")]
    for o in outcomes:
        if o.refused:
            rows.append((shown(Path(o.file).name), o.folder or "—", "—", "—", "—", f"未导入：{o.refused.splitlines()[0]}"))
        else:
            done = "将写入" if dry_run else "已写入"
            rows.append((shown(Path(o.file).name), o.folder, str(o.districts), str(o.findings), str(len(o.warnings)),
                         f"{done}{'（草稿）' if o.draft else ''}"))
    widths = [max(_width(r[i]) for r in rows) for i in range(5)]
    return ["  ".join(_pad(cell, widths[i]) for i, cell in enumerate(r[:5])) + "  " + r[5] for r in rows]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
