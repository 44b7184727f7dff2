"""A data change in words: what a reviewer needs instead of forty lines of YAML.

Compares two snapshots of issues/ (path → text) at the data level, so a layout-only change
reports nothing.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from . import yamlio
from .yamlio import as_plain
from .textutil import circled

FIELD = {"types": "问题类型", "departments": "部门", "place": "地点", "observed": "发现时间", "action": "处理情况",
         "follows": "前情", "follows_quote": "前情原文开头"}
ISSUE_FIELDS = {"draft": "草稿", "number": "期号", "date": "日期", "series": "刊名", "publisher": "发文单位",
                "report": "通报", "period": "时段", "intro": "导语", "distribution": "报送范围",
                "unplaced": "未归类文字"}
NOTE_PREFIX = "更正说明"
COMMENTS_ONLY = "只改了注释"


def parse(text: str | None) -> Any:
    if text is None:
        return None
    data, _ = yamlio.parse_text(text, "")
    return as_plain(data)


def char_diff(old: str, new: str) -> str:
    """'…母[-婴-]{+哺乳+}室…': only the changed characters, with a little context."""
    out = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            seg = old[a1:a2]
            out.append(seg if len(seg) <= 12 else f"{seg[:6]}…{seg[-6:]}" if out else f"…{seg[-8:]}")
        else:
            if a2 > a1:
                out.append(f"[-{old[a1:a2]}-]")
            if b2 > b1:
                out.append(f"{{+{new[b1:b2]}+}}")
    text = "".join(out)
    return text if len(text) < 400 else text[:400] + "…"


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "、".join(map(str, value)) or "（空）"
    return "（空）" if value in (None, "") else str(value)


def _findings(name: str, old: list, new: list) -> list[str]:
    out = []
    old_t, new_t = [f.get("text", "") for f in old], [f.get("text", "") for f in new]
    matcher = difflib.SequenceMatcher(None, old_t, new_t, autojunk=False)
    pairs, deleted, inserted = [], [], []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal" or (op == "replace" and a2 - a1 == b2 - b1):
            pairs += list(zip(range(a1, a2), range(b1, b2)))
        else:
            deleted += range(a1, a2)
            inserted += range(b1, b2)
    for i in deleted:  # a finding that left one place and arrived at another has moved
        j = next((j for j in inserted if new_t[j] == old_t[i]), None)
        if j is None:
            out.append(f"  {name} 删除第 {i + 1} 条：{old_t[i][:40]}")
        else:
            inserted.remove(j)
            pairs.append((i, j))
            out.append(f"  {name} 第 {i + 1} 条移到第 {j + 1} 条")
    out += [f"  {name} 新增第 {j + 1} 条：{new_t[j][:40]}" for j in inserted]
    for i, j in pairs:
        label = f"  {name} {circled(j + 1)}"
        if old_t[i] != new_t[j]:
            out.append(f"{label} 原文改动：{char_diff(old_t[i], new_t[j])}")
        for key, cn in FIELD.items():
            a, b = old[i].get(key), new[j].get(key)
            if (a or None) != (b or None):
                out.append(f"{label} {cn}：{_show(a)} → {_show(b)}")
    return out


def district_changes(old: dict, new: dict) -> list[str]:
    name = new.get("district") or old.get("district") or "?"
    out = []
    if old.get("district") != new.get("district"):
        out.append(f"  区县名称：{_show(old.get('district'))} → {_show(new.get('district'))}")
    if old.get("position") != new.get("position"):
        out.append(f"  {name} 在通报中的位置：{_show(old.get('position'))} → {_show(new.get('position'))}")
    om, nm = old.get("metrics") or {}, new.get("metrics") or {}
    for key in list(om) + [k for k in nm if k not in om]:
        if om.get(key) != nm.get(key):
            out.append(f"  {name} {key} {_show(om.get(key))} → {_show(nm.get(key))}")
    if (old.get("summary") or "") != (new.get("summary") or ""):
        out.append(f"  {name} 概述：{char_diff(old.get('summary') or '', new.get('summary') or '')}")
    return out + _findings(name, old.get("findings") or [], new.get("findings") or [])


def issue_changes(old: dict, new: dict) -> list[str]:
    out = [f"  {cn}：{_show(old.get(k))} → {_show(new.get(k))}" for k, cn in ISSUE_FIELDS.items()
           if old.get(k) != new.get(k)]
    before, after = _notes(old), _notes(new)
    out += [f"  {NOTE_PREFIX}（新增）：{d} {n}" for d, n in after if (d, n) not in before]
    out += [f"  {NOTE_PREFIX}（删除）：{d} {n}" for d, n in before if (d, n) not in after]
    return out


def _notes(data: dict) -> list[tuple[str, str]]:
    return [(str(c.get("date")), str(c.get("note", "")).strip())
            for c in data.get("corrections") or [] if isinstance(c, dict)]


_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"\\]|\\.)*\"")
_COMMENT = re.compile(r"(?:^|\s)#(.*)$")


def comments(text: str | None) -> list[str]:
    """The comments of a YAML file, in order (quoted text set aside: a # in a quote is text)."""
    out = []
    for line in (text or "").split("\n"):
        m = _COMMENT.search(_QUOTED.sub(lambda q: "_" * len(q.group()), line))
        if m:
            out.append(m.group(1).strip())
    return out


def _summary(files: dict[str, str], mine: list[str]) -> list[str]:
    """A whole issue in a few lines: each district with its number of findings and its figures."""
    out = []
    for p in mine:
        data = parse(files.get(p)) if not p.endswith("/issue.yaml") else None
        if isinstance(data, dict):
            findings = len(data.get("findings") or [])
            figures = "、".join(f"{k} {v}" for k, v in (data.get("metrics") or {}).items())
            out.append(f"  {data.get('district', p)}：{findings} 条问题" + (f"；{figures}" if figures else "")
                       + ("；概述：" + data["summary"][:30] if data.get("summary") else ""))
    return out


def _published_without_note(old_header: Any, new_header: Any, body: list[str]) -> bool:
    """Data of an issue that was already published changed, and no correction note came with it."""
    if not isinstance(old_header, dict) or old_header.get("draft") or not isinstance(new_header, dict):
        return False
    if new_header.get("draft"):
        return False
    data_changed = any(not line.strip().startswith((NOTE_PREFIX, COMMENTS_ONLY)) for line in body)
    new_note = any(n not in _notes(old_header) for n in _notes(new_header))
    return data_changed and not new_note


def diff(old_files: dict[str, str], new_files: dict[str, str]) -> list[str]:
    """Lines in Chinese, grouped by issue; empty when the data is the same."""
    lines: list[str] = []
    paths = sorted(set(old_files) | set(new_files))
    folders = sorted({p.split("/")[1] for p in paths if p.count("/") == 2})
    for folder in folders:
        mine = [p for p in paths if p.split("/")[1] == folder]
        old_has = any(p in old_files for p in mine)
        new_has = any(p in new_files for p in mine)
        if folder == "registry":
            changed = [p for p in mine if parse(old_files.get(p)) != parse(new_files.get(p))]
            if changed:
                lines.append("登记表：" + "、".join(p.split("/")[-1] for p in changed) + " 有改动")
            continue
        if not old_has or not new_has:
            files = new_files if not old_has else old_files
            present = [p for p in mine if p in files]
            n = sum(len((parse(files.get(p)) or {}).get("findings") or []) for p in present if not p.endswith("/issue.yaml"))
            what = "新增一期" if not old_has else "删除这一期"
            lines.append(f"{folder}：{what}（{len(present) - 1} 个区县，{n} 条问题）")
            lines += _summary(files, present)
            continue
        body = []
        for p in mine:
            a, b = parse(old_files.get(p)), parse(new_files.get(p))
            if a == b:
                if comments(old_files.get(p)) != comments(new_files.get(p)):
                    body.append(f"  {COMMENTS_ONLY}：{p.split('/')[-1]}（数据没有改动）")
                continue
            if p.endswith("/issue.yaml"):
                body += issue_changes(a or {}, b or {})
            elif a is None:
                body.append(f"  新增区县：{(b or {}).get('district', p)}")
            elif b is None:
                body.append(f"  删除区县：{(a or {}).get('district', p)}")
            elif isinstance(a, dict) and isinstance(b, dict):
                body += district_changes(a, b)
        if body:
            lines.append(f"{folder}：")
            lines += body
            header = f"issues/{folder}/issue.yaml"
            if _published_without_note(parse(old_files.get(header)), parse(new_files.get(header)), body):
                lines.append(f"  警告：{folder} 已发布，数据有改动，但 issue.yaml 的 corrections 中没有新增更正说明 — "
                             "请补一条（date: 更正日期，note: 改了什么、为什么），读者会在这一期的页面上看到")
    return lines


def textconv(text: str) -> str:
    """One data fact per line, for `git diff` through a textconv driver."""
    data = parse(text)
    if not isinstance(data, dict):
        return text
    out = []
    if "district" in data:
        name = data["district"]
        out.append(f"区县：{name}")
        if data.get("position") is not None:
            out.append(f"{name} 在通报中的位置：{data['position']}")
        for k, v in (data.get("metrics") or {}).items():
            out.append(f"{name} {k}：{v}")
        if data.get("summary"):
            out.append(f"{name} 概述：{data['summary']}")
        for n, f in enumerate(data.get("findings") or [], 1):
            out.append(f"{name} {circled(n)} 原文：{f.get('text', '')}")
            for key, cn in FIELD.items():
                if f.get(key):
                    out.append(f"{name} {circled(n)} {cn}：{_show(f[key])}")
        return "\n".join(out + [f"注释：{c}" for c in comments(text)]) + "\n"
    lines = [f"{ISSUE_FIELDS.get(k, k)}：{_show(v)}" for k, v in data.items() if k != "corrections"]
    lines += [f"{NOTE_PREFIX}：{d} {n}" for d, n in _notes(data)]
    return "\n".join(lines + [f"注释：{c}" for c in comments(text)]) + "\n"
