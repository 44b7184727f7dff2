"""`bulletins init`: a new office's archive, holding only its data and settings.

The archive gets its own git repository with mkdocs.yml, docs/index.md, a hook file of three
lines that imports the installed package, and registries: its districts from the office's list
(pinyin slugs made and checked unique, kinds guessed from the name), the rest from the starter
registries beside this module. Templates, styles and the editors' guide stay in the project, so
upgrading the project never means editing an archive.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from pypinyin import Style, lazy_pinyin, pinyin

from bulletins.data import yamlio
from bulletins.files import installed, safefile
from bulletins.files.safefile import write_atomic

MAX_LIST_BYTES = 64 * 1024  # a list of districts is a few hundred bytes; a city has at most a few dozen

STARTER = Path(__file__).parent / "starter"
_SUFFIXES = ("新区", "区", "县", "市")
_BAD = re.compile(r"[<>&\"'`\s]")


class InitError(Exception):
    """Why no archive was made, in Chinese; nothing was written."""


@dataclass(frozen=True)
class Entry:
    name: str
    aliases: tuple[str, ...]
    line: int


def read_districts(text: str, source: str) -> list[Entry]:
    """One district a line: its name, then any aliases, separated by spaces (`#` starts a comment)."""
    entries, problems, seen = [], [], {}
    for n, raw in enumerate(text.splitlines(), 1):
        words = unicodedata.normalize("NFKC", raw.split("#", 1)[0]).replace("，", " ").replace(",", " ").split()
        if not words:
            continue
        unseen = yamlio.control_character(raw)
        if unseen:
            problems.append(f"{source}:{n}: 这一行有看不见的字符（{unseen[2]}） — 请删去后重写这一行")
            continue
        for word in words:
            if _BAD.search(word) or len(word) > 24:
                problems.append(f"{source}:{n}: “{word}”不能作区县名称或别名（最多 24 个字，不含 < > & 引号）")
            elif word in seen:
                problems.append(f"{source}:{n}: “{word}”在第 {seen[word]} 行已经出现过 — 每个名称和别名只能出现一次")
            else:
                seen[word] = n
        entries.append(Entry(words[0], tuple(words[1:]), n))
    if not entries and not problems:
        problems.append(f"{source}:1: 文件中没有区县 — 每行写一个区县：名称在前，别名在后，用空格分开，如“海曙区 海曙”")
    if problems:
        raise InitError("\n".join(problems))
    return entries


def kind_of(name: str) -> str:
    """区、县、县级市 or 管委会, guessed from the name's ending; the editor corrects it in the file."""
    if name.endswith(("新区", "开发区", "管委会", "集聚区", "园区", "风景名胜区")):
        return "管委会"
    if name.endswith("县"):
        return "县"
    if name.endswith("市"):
        return "县级市"
    return "区"


def _stem(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _ascii(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", "".join(lazy_pinyin(name)).lower())


def slugs(entries: list[Entry], source: str) -> list[tuple[str, str]]:
    """(slug, toned reading) for each district: the name's pinyin without its 区/县/市, with it where
    two would be alike; a slug that is still taken is refused by line."""
    out, taken = [], {}
    for e in entries:
        stem = _stem(e.name)
        slug = _ascii(stem) or "d"
        if slug in taken:
            slug = _ascii(e.name)
        slug = re.sub(r"-\d+$", "", slug)
        if slug in taken:
            raise InitError(f"{source}:{e.line}: “{e.name}”的拼音 {slug} 与第 {taken[slug]} 行的区县相同 — "
                            "请在 issues/registry/districts.yaml 中手工给出不同的 slug，或改用能区分的名称")
        taken[slug] = e.line
        out.append((slug, " ".join(p[0] for p in pinyin(stem, style=Style.TONE))))
    return out


def districts_yaml(entries: list[Entry], read: list[tuple[str, str]]) -> str:
    items = []
    for order, (e, (slug, toned)) in enumerate(zip(entries, read), 1):
        item = {"name": e.name, "slug": slug, "pinyin": toned, "kind": kind_of(e.name), "order": order}
        if e.aliases:
            item["aliases"] = list(e.aliases)
        items.append(item)
    head = ("# 区、县（市）和管委会登记表，由 bulletins init 按区县名单生成。\n"
            "# slug 为拼音（文件名和网址用），pinyin 为读音：pypinyin 会读错一些地名，请逐个核对；\n"
            "# kind 按名称猜出（区、县、县级市、管委会），order 为通报中的排列顺序。\n")
    return head + yamlio.dump_canonical({"districts": items})


MKDOCS_YML = """site_name: {title}
site_description: {description}
site_url: http://127.0.0.1:8000/
docs_dir: docs
site_dir: site
strict: true
use_directory_urls: true

# 页面模板和样式来自安装的专报归档（升级时不用改这里）。
theme:
  name: material
  language: zh
  font: false
  favicon: assets/zb/mark.svg
  features:
    - navigation.top
    - content.code.copy

hooks:
  - hooks/archive.py

# 保存数据后预览自动刷新。
watch:
  - issues

plugins: []

not_in_nav: |
  /guide.md

extra:
  generator: false
  publisher: {office}
  licence: 内部资料，仅供内网使用。通报原文照录，标注（问题类型、部门等）由编辑整理；引用数据请注明出处及期号。

markdown_extensions:
  - attr_list
  - md_in_html
  - toc:
      permalink: false

nav:
  - 首页: index.md
  - 往期: archive/index.md
  - 区县: districts/index.md
  - 问题类型: types/index.md
  - 部门: departments/index.md
  - 待跟进: pending/index.md
  - 更正记录: corrections/index.md
  - 搜索: search/index.md
"""

INDEX_MD = """---
title: 首页
---

# {title}

本站收录{office}编发的历期通报，按区县、问题类型、部门和年份整理，便于查找和比对。
"""

GITIGNORE = "site/\n/.cache/\n.site.building-*/\n__pycache__/\n"
GITATTRIBUTES = "issues/**/*.yaml diff=bulletins\n"


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML string, whatever it holds


def files(title: str, office: str, districts: str) -> dict[str, str]:
    """Every file of the new archive, by path."""
    out = {
        "mkdocs.yml": MKDOCS_YML.format(title=_quoted(title), office=_quoted(office),
                                         description=_quoted(f"{office}编发的{title}")),
        "docs/index.md": INDEX_MD.format(title=title, office=office),
        "hooks/archive.py": (installed.PROJECT / "hooks" / "archive.py").read_text(encoding="utf-8"),
        "issues/registry/districts.yaml": districts,
        ".gitignore": GITIGNORE,
        ".gitattributes": GITATTRIBUTES,
    }
    for starter in sorted(STARTER.glob("*.yaml")):
        out[f"issues/registry/{starter.name}"] = starter.read_text(encoding="utf-8")
    return out


def _check_words(title: str, office: str) -> None:
    for label, value in (("--title", title), ("--office", office)):
        if not value.strip() or re.search(r"[<>\n\r]", value) or len(value) > 80:
            raise InitError(f"{label}“{value}”不能用 — 请写 1 到 80 个字、不含 < > 和换行的名称")


def create(dest: Path, title: str, office: str, district_list: Path) -> list[str]:
    """Makes the archive at `dest` (new or empty), checked by loading its registries before it
    appears: on any problem nothing is left behind. Returns the files written."""
    from bulletins.data.registry import load_registry

    _check_words(title, office)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise InitError(f"{dest} 已存在且不是空文件夹 — 请给一个新的文件夹")
    try:
        raw = safefile.read_limited(district_list, MAX_LIST_BYTES, follow=True)
        text = raw.decode("utf-8-sig")
    except safefile.UnsafeFile as exc:
        raise InitError(f"区县名单 {district_list}：{exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InitError(f"无法读取区县名单 {district_list}：{exc.__class__.__name__} — 请给一个 UTF-8 文本文件") from None
    entries = read_districts(text, str(district_list))
    content = files(title, office, districts_yaml(entries, slugs(entries, str(district_list))))
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".init-", dir=dest.parent))
    try:
        for rel, body in content.items():
            write_atomic(staging / rel, body)
        registry, problems = load_registry(staging)
        if registry is None or any(p.is_error for p in problems):
            raise InitError("区县名单生成的登记表有错误：\n" + "\n".join(str(p) for p in problems))
        _git(staging)
        if dest.exists():
            dest.rmdir()
        staging.rename(dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted(content)


def _git(folder: Path) -> None:
    """A repository of its own with the first commit, when git is there and knows who commits."""
    if shutil.which("git") is None:
        return
    run = lambda *a: subprocess.run(["git", *a], cwd=folder, capture_output=True, text=True)  # noqa: E731
    run("init", "-q")
    command = Path(sys.executable).parent / "bulletins"
    run("config", "diff.bulletins.textconv", f"{command if command.exists() else 'bulletins'} textconv")
    run("add", "-A")
    who = [] if run("config", "user.name").stdout.strip() else ["-c", "user.name=专报归档", "-c", "user.email=archive@localhost"]
    run(*who, "commit", "-q", "-m", "新建归档")
