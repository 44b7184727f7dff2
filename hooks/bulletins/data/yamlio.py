"""Reading and writing YAML safely and fast.

The build reads every data file through `load_file`: ruamel's C-backed safe loader behind a
cache keyed by file content, with aliases, tabs, oversized and over-deep files refused before
they can cost anything. Round-trip parsing (slow) is used only to point at a line in an error
and to write files (`dump_canonical`), where comments must survive.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent

from bulletins.files import safefile
from bulletins.files.problems import Problem

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 20
_DATE_TOKEN = re.compile(r"(?<![\w-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w:-])")


class PrintedFloat(float):
    """A decimal as the data file prints it: 97.30 keeps its zero on the page (as a number it is 97.3)."""

    def __new__(cls, value: float, printed: str) -> "PrintedFloat":
        obj = super().__new__(cls, value)
        obj.printed = printed
        return obj

    def __reduce__(self):
        return (PrintedFloat, (float(self), self.printed))


_TRAILING_ZERO = re.compile(r"^-?\d+\.\d*0$")


def printed_float(value: float, text: str) -> float:
    """A float that remembers its printed digits when they say more than its value (97.30)."""
    return PrintedFloat(value, text) if _TRAILING_ZERO.match(text) else value


class _Constructor(SafeConstructor):
    def construct_yaml_float(self, node):
        return printed_float(super().construct_yaml_float(node), str(node.value))


_Constructor.add_constructor("tag:yaml.org,2002:float", _Constructor.construct_yaml_float)


def _safe() -> YAML:
    y = YAML(typ="safe", pure=False)
    y.Constructor = _Constructor
    return y


def decode(raw: bytes, relpath: str) -> tuple[str | None, list[Problem]]:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(relpath, line, 1, "文件不是 UTF-8 编码 — 请以 UTF-8 保存数据文件")]


# Characters that break XML exports or hide text from a reviewer: C0 controls but tab and newline,
# DEL and C1, bidi controls, line/paragraph separators, a BOM inside the text, U+FFFE/U+FFFF.
# Invisible characters that hide inside a word: after one, 公积金 no longer matches 公积金, and a
# reviewer sees nothing in the diff (zero-width spaces and joiners, soft hyphens, word joiners,
# invisible operators, fillers, tag characters).
INVISIBLE = "\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200d\u2060-\u2064\u3164\uffa0\U000e0000-\U000e007f"
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
                      f"\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff{INVISIBLE}]|\r(?!\n)")
_CONTROL_NAMES = {
    "\x00": "空字符 NUL", "\x0b": "垂直制表符 VT", "\x0c": "换页符 FF", "\r": "单独的回车符 CR",
    "\x1b": "转义符 ESC", "\x7f": "删除符 DEL", "\x85": "下一行符 NEL", "\u2028": "行分隔符",
    "\u2029": "段分隔符", "\ufeff": "字节顺序标记 BOM", "\u200e": "从左到右标记 LRM",
    "\u200f": "从右到左标记 RLM", "\u202a": "从左到右嵌入 LRE", "\u202b": "从右到左嵌入 RLE",
    "\u202c": "方向格式结束 PDF", "\u202d": "从左到右覆盖 LRO", "\u202e": "从右到左覆盖 RLO",
    "\u2066": "从左到右隔离 LRI", "\u2067": "从右到左隔离 RLI", "\u2068": "首字隔离 FSI",
    "\u2069": "方向隔离结束 PDI", "\ufffe": "非字符 U+FFFE", "\uffff": "非字符 U+FFFF",
    "\u00ad": "软连字符 SHY", "\u200b": "零宽空格 ZWSP", "\u200c": "零宽不连字 ZWNJ", "\u200d": "零宽连字 ZWJ",
    "\u2060": "字连接符 WJ", "\u180e": "蒙古文元音分隔符", "\u3164": "韩文填充符", "\u034f": "组合字形连接符 CGJ",
}
# Plain scalars YAML reads as numbers; only plain decimals are allowed, so 0x3CF4, 0o17, 1_000,
# 1e400, .inf and .nan never become a number nobody wrote.
_NUMBERISH = re.compile(r"^[-+]?(?:\.?[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|0[xX][0-9a-fA-F_]+"
                        r"|0[oO][0-7_]+|0[bB][01_]+|\.(?:inf|Inf|INF|nan|NaN|NAN))$")
_DECIMAL = re.compile(r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$")
_SUSPECT = re.compile(r"0[xXoObB]|[0-9]_|_[0-9]|\.(?:inf|Inf|INF|nan|NaN|NAN)|[0-9.][eE][-+]?[0-9]"
                      r"|\+[0-9.]|(?<![0-9.])0[0-9]|[0-9]\.(?![0-9])|(?<![0-9])\.[0-9]|<<")


def control_character(text: str) -> tuple[int, int, str] | None:
    """(line, column, name) of the first forbidden control character, or None."""
    m = _CONTROL.search(text)
    if m is None:
        return None
    ch = m.group(0)
    line = text.count("\n", 0, m.start()) + 1
    col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
    what = _CONTROL_NAMES.get(ch) or ("标签字符" if 0xE0000 <= ord(ch) <= 0xE007F else
                                      "不可见字符" if _INVISIBLE.match(ch) else "控制字符")
    return line, col, f"U+{ord(ch):04X}（{what}）"


def without_invisible(text: str) -> tuple[str, int]:
    """The text without invisible characters, and how many there were (the importer removes them)."""
    return _INVISIBLE.subn("", text)


def _prescan(text: str, relpath: str) -> list[Problem]:
    """Refuse what the parser would accept but we must not: control characters, tabs, aliases,
    merge keys, numbers not written as plain decimals, deep nesting."""
    found = control_character(text)
    if found:
        line, col, name = found
        return [Problem(relpath, line, col, f"含有不可见的控制字符 {name} — 请删除它"
                        "（常随从网页、PDF 或 Word 复制的文字而来），数据文件只能有可见文字、空格、Tab 和换行")]
    problems = []
    for no, line in enumerate(text.split("\n"), 1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            problems.append(Problem(relpath, no, indent.index("\t") + 1,
                                    "行首缩进含制表符（Tab） — 请只用空格缩进"))
    if problems or not ("&" in text or "*" in text or "[" * 4 in text or "{" * 4 in text
                        or text.count("\n") > 2000 or _SUSPECT.search(text)):
        return problems
    return _scan_events(text, relpath)


def _scan_events(text: str, relpath: str) -> list[Problem]:
    depth = 0
    try:
        for event in _safe().parse(text):
            mark = event.start_mark
            where = (relpath, mark.line + 1, mark.column + 1)
            if isinstance(event, AliasEvent) or (
                    isinstance(event, (ScalarEvent, CollectionStartEvent)) and event.anchor):
                return [Problem(*where, "不允许使用 YAML 锚点（&）和别名（*） — 请把内容直接写出来")]
            if isinstance(event, ScalarEvent) and not event.style:
                problem = _plain_scalar(event.value, where)
                if problem:
                    return [problem]
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return [Problem(*where, f"嵌套超过 {MAX_DEPTH} 层 — 数据文件只需几层嵌套")]
            elif type(event).__name__ in ("SequenceEndEvent", "MappingEndEvent"):
                depth -= 1
    except YAMLError:
        pass  # the loader reports syntax errors with its own position
    return []


def _plain_scalar(value: str, where: tuple[str, int, int]) -> Problem | None:
    if value == "<<":
        return Problem(*where, "不允许使用 YAML 合并键（<<） — 请把每一项直接写出来")
    if _NUMBERISH.match(value) and not _DECIMAL.match(value):
        return Problem(*where, f"数字“{value}”的写法不允许 — 请写成普通的十进制数（如 15604 或 93.5），"
                       "不用十六进制、八进制、下划线、科学记数法、前导零或 .inf/.nan；如果是文字，请加引号")
    return None


_SYNTAX_HINTS = (
    ("found duplicate key", "重复的键{key} — 同一层中每个键只能出现一次"),
    ("could not find expected ':'", "缺少冒号 — 每个键后要有“: ”"),
    ("mapping values are not allowed", "此处不能出现“: ” — 含冒号的文字请加引号"),
    ("found unexpected end of stream", "引号没有闭合 — 检查这一行起的引号"),
    ("found character that cannot start any token", "出现了不能作为开头的字符 — 含 @、` 等字符的文字请加引号"),
)


def _syntax_problem(exc: Exception, relpath: str) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    detail = f"{getattr(exc, 'context', '') or ''} {getattr(exc, 'problem', '') or ''}"
    for needle, message in _SYNTAX_HINTS:
        if needle in detail:
            key = re.search(r'duplicate key "([^"]*)"', detail)
            return Problem(relpath, line, col, message.format(key=f"“{key.group(1)}”" if key else ""))
    return Problem(relpath, line, col, f"YAML 语法错误（{detail.strip()}） — 检查缩进、引号和冒号")


def _bad_date(text: str, relpath: str) -> Problem:
    for no, line in enumerate(text.split("\n"), 1):
        for m in _DATE_TOKEN.finditer(line):
            try:
                dt.date(*map(int, m.groups()))
            except ValueError:
                return Problem(relpath, no, m.start() + 1,
                               f"日期 {m.group(0)} 不存在 — 请写成真实的日期，如 2018-09-21")
    return Problem(relpath, 1, 1, "文件中有无法解析的值 — 检查日期和数字")


def parse_text(text: str, relpath: str) -> tuple[Any, list[Problem]]:
    problems = _prescan(text, relpath)
    if problems:
        return None, problems
    try:
        data = _safe().load(text)
    except MarkedYAMLError as exc:
        return None, [_syntax_problem(exc, relpath)]
    except YAMLError as exc:
        return None, [_syntax_problem(exc, relpath)]
    except ValueError:
        return None, [_bad_date(text, relpath)]
    except RecursionError:
        return None, [Problem(relpath, 1, 1, "嵌套过深 — 数据文件只需几层嵌套")]
    if "\\" in text:  # only an escape in a quoted scalar can make a character the raw text lacks
        escaped = _escaped_control(data, text, relpath)
        if escaped:
            return None, [escaped]
    return data, []


def _strings(node: Any, path: tuple = ()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _strings(v, path + (i,))
    elif isinstance(node, str):
        yield path, node


def _escaped_control(data: Any, text: str, relpath: str) -> Problem | None:
    """A control or invisible character written as an escape ("\\x01", "\\u200b"): checked in
    the parsed values too, so it cannot reach a page or break feed.xml."""
    for path, value in _strings(data):
        found = control_character(value)
        if found:
            line, col = locate(positions(text), path)
            return Problem(relpath, line, col, f"含有写成转义的不可见字符 {found[2]} — 请删去这个转义"
                           "（如 \\x01、\\u200b），数据中只能有可见文字")
    return None


def content_key(raw: bytes, relpath: str) -> str:
    """A file's identity for every cache: its bytes and its place (messages name the place)."""
    return hashlib.sha1(raw).hexdigest() + relpath


def read_data(path: Path, relpath: str) -> tuple[bytes | None, list[Problem]]:
    """A data file's bytes, or the reason it is refused: never a link, a FIFO, a device or a folder
    (refused without reading), never more than MAX_BYTES (checked before reading)."""
    try:
        return safefile.read_limited(path, MAX_BYTES), []
    except safefile.UnsafeFile as exc:
        return None, [Problem(relpath, 1, 1, str(exc))]
    except OSError as exc:
        return None, [Problem(relpath, 1, 1, f"无法读取文件（{exc.strerror}） — 检查文件是否存在、是否可读")]




def _roundtrip() -> YAML:
    y = YAML(typ="rt")
    y.representer.add_representer(PrintedFloat, lambda r, d: r.represent_scalar("tag:yaml.org,2002:float", d.printed))
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    y.allow_unicode = True
    y.preserve_quotes = False
    return y


def positions(text: str) -> Any:
    """The round-trip tree of a file, parsed once to locate all of its problems (None if it does not parse)."""
    try:
        return _roundtrip().load(text)
    except Exception:  # a file that does not parse has no positions to give
        return None


def locate(node: Any, keypath: tuple) -> tuple[int, int]:
    """Line and column (1-based) of the value at keypath in a `positions` tree, or of its nearest parent."""
    best = (1, 1)
    for key in keypath:
        try:
            if isinstance(key, int):
                line, col = node.lc.item(key)
            else:
                line, col = node.lc.key(key)
            best = (line + 1, col + 1)
            node = node[key]
        except (AttributeError, KeyError, IndexError, TypeError):
            break
    return best


def load_roundtrip(text: str) -> Any:
    return _roundtrip().load(text)


def dump_canonical(data: Any) -> str:
    """The one layout every data file is written in (importer, new, fmt)."""
    buf = io.StringIO()
    _roundtrip().dump(data, buf)
    out = buf.getvalue()
    return out if out.endswith("\n") else out + "\n"


write_atomic = safefile.write_atomic  # one writer for every data and cache file


def as_plain(data: Any) -> Any:
    """Round-trip containers → plain dicts/lists, for comparing data regardless of layout."""
    if isinstance(data, dict):
        return {str(k): as_plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [as_plain(v) for v in data]
    return data
