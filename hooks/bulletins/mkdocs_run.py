"""`bulletins build` and `bulletins serve`: MkDocs in this process, speaking Chinese.

MkDocs prints its own progress in English and Material prints an English end-of-life banner with
a link out; editors read neither. The banner is switched off by its own variable, and MkDocs's
usual lines are put into Chinese as they are logged (anything else passes unchanged).
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

_LINES = (
    (re.compile(r"^Cleaning site directory$"), "清空站点文件夹"),
    (re.compile(r"^Building documentation to directory: (.*)$"), r"生成站点到 \1"),
    (re.compile(r"^Documentation built in ([\d.]+) seconds$"), r"站点已生成，用时 \1 秒"),
    (re.compile(r"^Building documentation\.\.\.$"), "正在生成站点…"),
    (re.compile(r"^Serving on (\S+).*$"), r"预览地址：\1 （按 Ctrl+C 停止）"),
    (re.compile(r"^Watching paths for changes: (.*)$"), r"留意这些文件夹中的改动：\1"),
    (re.compile(r"^Detected file changes$"), "发现文件有改动"),
    (re.compile(r"^Reloading browsers$"), "刷新浏览器"),
    (re.compile(r"^Browser connected: (.*)$"), r"浏览器已连接：\1"),
    (re.compile(r"^Shutting down\.\.\.$"), "正在停止…"),
    (re.compile(r"^Aborted with a BuildError!$"), "数据有错误，站点未生成。"),
    (re.compile(r"^Aborted with (\d+) warnings in strict mode!$"), r"有 \1 个警告，严格模式下站点未生成。"),
)


_CLOCK = re.compile(r"^(\[\d\d:\d\d:\d\d\] )?(.*)$", re.S)  # the serve loop stamps its lines


def translate(message: str) -> str:
    clock, text = _CLOCK.match(message).groups()
    for pattern, replacement in _LINES:
        if pattern.match(text):
            return (clock or "") + pattern.sub(replacement, text)
    return message


def _prepare() -> None:
    """Banner off; MkDocs's records put into Chinese as they are made (only MkDocs's loggers,
    only in this process: `bulletins build` and `bulletins serve`)."""
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    make = logging.getLogRecordFactory()
    if getattr(make, "_zb_translated", False):
        return

    def record(name, level, fn, lno, msg, args, exc_info, func=None, sinfo=None, **kwargs):
        rec = make(name, level, fn, lno, msg, args, exc_info, func, sinfo, **kwargs)
        if name.startswith("mkdocs") and isinstance(rec.msg, str):
            rec.msg, rec.args = translate(rec.getMessage()), ()
        return rec

    record._zb_translated = True
    logging.setLogRecordFactory(record)


def _run(args: list[str]) -> int:
    _prepare()
    from mkdocs.__main__ import cli

    try:
        cli.main(args, prog_name="mkdocs", standalone_mode=False)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    except Exception as exc:  # click's own failures (Abort and the like) end in a sentence
        import click

        if isinstance(exc, click.exceptions.Abort):
            return 1
        if isinstance(exc, click.ClickException):
            click.echo(f"错误：{translate(exc.format_message())}", err=True)
            return exc.exit_code
        raise
    return 0


def build(root: Path, site_dir: Path | None = None) -> int:
    args = ["build", "--strict", "-f", str(root / "mkdocs.yml")]
    if site_dir is not None:
        args += ["--site-dir", str(site_dir.resolve())]
    code = _run(args)
    if code == 0:
        print(f"站点已生成：{site_dir or root / 'site'}")
    return code


def serve(root: Path, address: str) -> int:
    return _run(["serve", "-a", address, "-f", str(root / "mkdocs.yml")])
