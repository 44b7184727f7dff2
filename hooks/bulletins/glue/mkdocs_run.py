"""`bulletins build` and `bulletins serve`: MkDocs in this process, speaking Chinese.

MkDocs prints its own progress in English and Material prints an English end-of-life banner with
a link out; editors read neither. The banner is switched off by its own variable, and MkDocs's
usual lines are put into Chinese as they are logged (anything else passes unchanged).
"""

from __future__ import annotations

import logging
import os
import re
import sys
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
    (re.compile(r"^Error building page '([^']*)': \[Errno \d+\] .*$"), r"生成页面 \1 时无法写入文件"),
    (re.compile(r"^Error building page '([^']*)': (.*)$"), r"生成页面 \1 时出错：\2"),
    (re.compile(r"^Aborted with (\d+) warnings in strict mode!$"), r"有 \1 个警告，严格模式下站点未生成。"),
)


_CLOCK = re.compile(r"^(\[\d\d:\d\d:\d\d\] )?(.*)$", re.S)  # the serve loop stamps its lines


_STAGING = re.compile(r"/\.([^/]+)\.building-\d+(?=/|$)")  # the new site is built beside the old (sitedir)


def translate(message: str) -> str:
    clock, text = _CLOCK.match(message).groups()
    text = _STAGING.sub(r"/\1", text)
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
        if isinstance(exc, OSError):  # a full disk or a read-only folder in MkDocs's own writing
            from bulletins.files.safefile import write_reason

            where = f"{exc.filename}：" if exc.filename else ""
            click.echo(translate(f"错误：无法写入 {where}{write_reason(exc)} — 请检查磁盘空间和文件夹权限。"
                                 "原来的站点没有改动。"), err=True)
            return 1
        raise
    return 0


SITE_URL_ENV = "ZHUANBAO_SITE_URL"  # `publish --site-url`: read by the hook's on_config (mkdocs_glue)


def build(root: Path, site_dir: Path | None = None, site_url: str | None = None, quiet: bool = False) -> int:
    from . import sitedir

    try:  # before MkDocs, whose own checks speak English (and come after it has read the config)
        sitedir.check(root, site_dir or root / "site", root / "docs")
    except sitedir.Refused as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    if site_url is None:
        _warn_placeholder(root)
    args = ["build", "--strict", "-f", str(root / "mkdocs.yml")] + (["--quiet"] if quiet else [])
    if site_dir is not None:
        args += ["--site-dir", str(site_dir.resolve())]
    before = os.environ.get(SITE_URL_ENV)
    if site_url is not None:
        os.environ[SITE_URL_ENV] = site_url
    try:
        code = _run(args)
    finally:
        if before is None:
            os.environ.pop(SITE_URL_ENV, None)
        else:
            os.environ[SITE_URL_ENV] = before
    if code == 0 and not quiet:
        print(f"站点已生成：{site_dir or root / 'site'}")
    return code


def declared_site_url(root: Path) -> str:
    """mkdocs.yml's site_url as MkDocs itself reads it (INHERIT, !ENV, its own check of a URL);
    "" when there is none, or when MkDocs cannot read the file: the build says why, in Chinese."""
    from mkdocs.config import load_config

    _prepare()
    logger = logging.getLogger("mkdocs")
    level = logger.level
    logger.setLevel(logging.ERROR)  # its notes on the config are the build's to say
    try:
        config = load_config(config_file=str(root / "mkdocs.yml"))
    except Exception:  # noqa: BLE001 — MkDocs' ConfigurationError, YAML errors, an unreadable file
        return ""
    finally:
        logger.setLevel(level)
    return config.site_url or ""


def _warn_placeholder(root: Path) -> None:
    """Once per build: a site built for the preview's address points its canonical links, sitemap
    and feed at the reader's own computer."""
    from urllib.parse import urlparse

    from .siteconfig import PLACEHOLDER_HOSTS

    url = declared_site_url(root)
    if url and urlparse(url).hostname in PLACEHOLDER_HOSTS:
        print(f"提醒：mkdocs.yml 的 site_url 是本机预览地址（{urlparse(url).netloc}），生成的站点中规范链接、sitemap.xml 和 "
              "feed.xml 都会指向它 — 发布到内网请用 bulletins publish 目标文件夹 --site-url 内网地址"
              "（或在 mkdocs.yml 中写上内网地址）", file=sys.stderr)


def serve(root: Path, address: str) -> int:
    problem = address_problem(address) or (None if (root / "mkdocs.yml").is_file() else
                                           f"找不到 {root / 'mkdocs.yml'} — 请在归档文件夹中运行")
    if problem:  # checked before building: MkDocs would build everything, then fail in English
        print(f"错误：{problem}", file=sys.stderr)
        return 2
    return _run(["serve", "-a", address, "-f", str(root / "mkdocs.yml")])


def address_problem(address: str) -> str | None:
    """Why the preview cannot listen at HOST:PORT, in one Chinese sentence; None if it can."""
    import errno
    import socket

    host, sep, port = address.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        return f"地址“{address}”应写成 主机:端口，如 127.0.0.1:8000"
    try:
        family, kind, proto, _, where = socket.getaddrinfo(host, int(port), type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError):
        return f"找不到主机“{host}” — 请写本机的地址，如 127.0.0.1:{port}"
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the preview server does
        try:
            probe.bind(where)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return (f"端口 {port} 已被占用（也许另一个 bulletins serve 还在运行） — 请先关掉它，"
                        f"或换一个端口：bulletins serve -a {host}:{int(port) + 1}")
            if exc.errno in (errno.EACCES, errno.EPERM):
                return f"没有权限使用端口 {port}（1024 以下的端口需要管理员权限） — 请换一个端口，如 {host}:8000"
            if exc.errno == errno.EADDRNOTAVAIL:
                return f"本机没有地址“{host}” — 请写本机的地址，如 127.0.0.1:{port}"
            return f"无法在 {address} 上提供预览（{exc.strerror}） — 请换一个地址或端口"
    return None
