"""click's own words (Usage:, Options:, Error:, No such command …) in Chinese.

click asks gettext for each of its messages through a name `_` (and `ngettext`) bound in each of
its modules. Rebinding those names to this table is narrower than installing a process-wide
gettext catalogue: only click's messages change, only in the `bulletins` command.
"""

from __future__ import annotations

import importlib

ZH = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行“{command} {option}”查看帮助。",
    "No such command {name!r}.": "没有“{name}”这个命令。",
    "No such option {name!r}.": "没有“{name}”这个选项。",
    "No such option: {name}": "没有“{name}”这个选项。",
    "Missing command.": "缺少命令。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "argument": "参数",
    "option": "选项",
    "parameter": "参数",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Option {name!r} does not take a value.": "选项“{name}”后面不能跟值。",
    "Aborted!": "已中止。",
    "{value!r} is not a valid {number_type}.": "“{value}”不是有效的{number_type}。",
    "integer": "整数",
    "integer range": "整数",
    "float": "数字",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{name} {filename!r} does not exist.": "{name}“{filename}”不存在。",
    "{name} {filename!r} is a directory.": "{name}“{filename}”是文件夹。",
    "{name} {filename!r} is a file.": "{name}“{filename}”是文件。",
    "{name} {filename!r} is not readable.": "{name}“{filename}”不可读。",
    "{name} {filename!r} is not writable.": "{name}“{filename}”不可写。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "Did you mean {possibility}?": "是否想输入 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否想输入其中之一：{possibilities}？）",
    "Got unexpected extra argument ({args})": "多出了参数（{args}）",
    "Got unexpected extra arguments ({args})": "多出了参数（{args}）",
    "Option {name!r} requires an argument.": "选项“{name}”后面要跟一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项“{name}”后面要跟 {nargs} 个值。",
    "Could not open file {filename!r}: {message}": "无法打开文件“{filename}”：{message}",
    "unknown error": "未知错误",
}
_MODULES = ("core", "exceptions", "formatting", "decorators", "types", "parser", "termui", "utils")


def _gettext(message: str) -> str:
    return ZH.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _gettext(singular if n == 1 else plural)


def install() -> None:
    for name in _MODULES:
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:
            continue
        if hasattr(module, "_"):
            module._ = _gettext
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext
