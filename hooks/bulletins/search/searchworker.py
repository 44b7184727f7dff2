"""The search index's heavy steps, each in a process of its own.

Indexing a year (its records made into a part in Pagefind's format) and merging the parts are
CPU work: in the build's own process they would hold the interpreter lock while MkDocs renders
pages, and a rebuild under `mkdocs serve` could only stop them between steps. In a process they run
on the other core, and stopping one is a kill. The kernel ends a worker, and its Pagefind, when
the build that started it dies (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
from pathlib import Path

from bulletins.files import safefile
from . import searchbundle

HOOKS = Path(__file__).resolve().parents[2]  # the folder holding the bulletins package
RECORDS = "records.json"  # a year's records as the build hands them over: {file name: searchindex.record_data}


def command(*args: str) -> list[str]:
    """How the build starts a worker: the same interpreter, this same package."""
    return [sys.executable, "-c",
            "import sys; sys.path.insert(0, sys.argv[1]); from bulletins.search.searchworker import main; "
            "sys.exit(main(sys.argv[2:]))", str(HOOKS), *args]


def write_files(folder: Path, files: dict[str, str]) -> None:
    """Records as the files Pagefind reads: {name in the folder: HTML}."""
    for name, html in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")


def part(scratch: Path, folder: Path, year: int, tag: str, assets: Path) -> None:
    """One year's records made into a part, which appears whole or not at all."""
    tmp = folder.with_name(f"tmp-{folder.name}")
    records = json.loads((scratch / RECORDS).read_text(encoding="utf-8"))
    try:
        searchbundle.make_part(records, tmp, year, tag, assets)
        os.replace(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(1)  # stopped by the build (or its death): unwinds, so scratch is removed


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGTERM, _stop)
    try:
        if argv[0] == "part":
            part(Path(argv[1]), Path(argv[2]), int(argv[3]), argv[4], Path(argv[5]))
        elif argv[0] == "merge":  # merge keep-old|replace OUT PART…
            parts = [searchbundle.load_part(Path(p), verify=False) for p in argv[3:]]  # verified by the job
            if any(p is None for p in parts):
                raise RuntimeError("搜索索引的缓存不完整，请重新构建")
            print(searchbundle.merge([p for p in parts if p is not None], Path(argv[2]), keep_old=argv[1] == "keep-old"))
        elif argv[0] == "empty":  # nothing published: no index (Pagefind refuses to make an empty one);
            shutil.rmtree(Path(argv[2]), ignore_errors=True)  # search.js reads names.json and finds nothing
        else:
            raise RuntimeError(f"未知的步骤：{argv[0]}")
    except OSError as exc:
        where = f"{exc.filename}：" if exc.filename else ""
        print(f"建立搜索索引时无法读写 {where}{safefile.write_reason(exc)} — 请检查磁盘空间和权限；"
              "已有的站点没有改动", file=sys.stderr)
        return 1
    except RuntimeError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except Exception as exc:  # a broken Pagefind output or cached part: never a traceback
        print(f"建立搜索索引的一步（{argv[0]}）失败：{exc.__class__.__name__} — 相关缓存已作废，"
              "下次构建会重新建立", file=sys.stderr)
        return 1
    return 0
