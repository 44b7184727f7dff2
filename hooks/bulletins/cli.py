"""The `bulletins` command. Each subcommand is glue over a module that knows nothing of click."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from . import clizh
from .files import project
from .files.problems import Problem, errors

clizh.install()


def _utf8_streams() -> None:
    """Chinese on any terminal: under LC_ALL=C the streams are ASCII and the last line of a good
    build would end in a UnicodeEncodeError; UTF-8 bytes are what the editor's terminal shows."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "").replace("_", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")


_utf8_streams()


def _root() -> Path:
    try:
        return project.find_root()
    except project.NoArchive as exc:
        raise click.ClickException(str(exc)) from None


def _report(problems: list) -> int:
    for p in sorted(problems):
        click.echo(str(p), err=True)
    n_err = len(errors(problems))
    n_warn = len(problems) - n_err
    click.echo(f"{n_err} 个错误，{n_warn} 个警告", err=True)
    return 1 if n_err else 0


def _writes(func):
    """A command that writes: a full disk or a missing permission is a sentence, not a traceback."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from .files.safefile import write_reason

        try:
            return func(*args, **kwargs)
        except OSError as exc:
            where = f"{exc.filename}：" if exc.filename else ""
            raise click.ClickException(f"无法写入 {where}{write_reason(exc)} — 请检查磁盘空间和文件权限后重试。"
                                       "已有的数据没有改动。") from None
    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]},
             options_metavar="[选项]", subcommand_metavar="命令 [参数]…")
def main() -> None:
    """专报归档：导入、检查、格式化和比较通报数据。

    在归档文件夹（有 mkdocs.yml 处）或其子文件夹中运行。每个命令的用法：bulletins 命令 --help。
    """


def _command(name: str, **kwargs):
    return main.command(name, options_metavar="[选项]", **kwargs)


def _only(root: Path, paths: tuple[Path, ...]) -> tuple[list[Path] | None, list[Problem]]:
    """Issue folders named by PATHs (None: the whole archive), and a problem for each PATH that is
    missing or not in this archive's issues/: never a silent pass over data that was not read."""
    base, only, problems = root / "issues", [], []
    for given in paths:
        p, refused = project.data_path(root, given)
        if refused:
            problems.append(Problem(str(given), 1, 1, refused))
        elif p == base or p.relative_to(base).parts[0] == "registry":
            return None, problems  # the registry concerns every issue
        else:
            only.append(base / p.relative_to(base).parts[0])
    return only, problems


@_command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[路径…]")
def validate_cmd(paths: tuple[Path, ...]) -> None:
    """检查数据（不写路径时检查整个归档）。有错误时退出码为 1。"""
    from .data.load import load_archive

    root = _root()
    only, bad = _only(root, paths) if paths else (None, [])
    archive, problems = load_archive(root, only)
    problems = bad + problems
    if archive is not None and not problems:
        click.echo(f"通过：{len(archive.issues)} 期，{sum(len(i.findings) for i in archive.issues)} 条问题", err=True)
    sys.exit(_report(problems))


@_command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="文件或文件夹…")
@click.option("--force", is_flag=True, help="覆盖已存在的同一期")
@click.option("--dry-run", is_flag=True, help="只显示将写入什么，不写任何文件")
@click.option("--publish", is_flag=True, help="直接作为已发布的一期写入（默认写为草稿 draft: true）")
@_writes
def import_cmd(files: tuple[Path, ...], force: bool, dry_run: bool, publish: bool) -> None:
    """把通报（.docx/.doc/.wps/.pdf/.txt/.md）导入为 issues/<年>-<期号>/，默认写为草稿。

    可以一次给多个文件或文件夹（往期存档）：每个文件各自导入或各自说明原因，最后列出汇总表。"""
    from .importer import importrun
    from .data.registry import load_registry

    root = _root()
    registry, problems = load_registry(root)
    if registry is None:
        sys.exit(_report(problems))
    paths, outcomes = importrun.expand(list(files))
    run = importrun.Importer(root, registry, force=force, dry_run=dry_run, publish=publish)
    for path in paths:
        outcome = run.one(path)
        outcomes.append(outcome)
        _echo_outcome(outcome, dry_run)
    if not outcomes:
        raise click.ClickException("没有找到可以导入的文件（.docx .doc .wps .pdf .txt .md） — 请检查路径。未写入任何文件。")
    if len(outcomes) > 1:
        click.echo("")
        for line in importrun.summary(outcomes, dry_run):
            click.echo(line)
    if any(o.refused for o in outcomes):
        sys.exit(1)


def _echo_outcome(o, dry_run: bool) -> None:
    from pathlib import Path as _P
    from .importer.importrun import shown

    name = shown(_P(o.file).name)
    if o.refused:
        click.echo(f"错误：{name}：导入失败：{o.refused}\n未写入任何文件。", err=True)
        return
    for warning in o.warnings:
        click.echo(f"警告：{name}：{warning}", err=True)
    for line in o.proposals:
        click.echo(f"建议：{line}", err=True)
    if o.changes is not None:
        click.echo(f"issues/{o.folder}/ 已存在：真正导入时要加 --force 才会覆盖。与现有数据相比：", err=True)
        for line in o.changes or ["  数据相同，没有改动"]:
            click.echo(f"  {line}", err=True)
    verb = "将写入（--dry-run，未写入）" if dry_run else "已写入"
    click.echo(f"{verb} issues/{o.folder}/：{len(o.files)} 个文件，{o.districts} 个区县，{o.findings} 条问题")
    for file in o.files:
        click.echo(f"  issues/{o.folder}/{file}")
    if o.count:
        click.echo(f"  {o.count.line()}")
    if o.draft and not dry_run:
        click.echo("  这一期写为草稿（issue.yaml 中 draft: true），不会发布：核对警告，用 bulletins serve 预览，"
                   "无误后删去 draft: true 再提交")


@main.command("init", options_metavar="[选项]")
@click.argument("dest", type=click.Path(path_type=Path, file_okay=False), metavar="文件夹")
@click.option("--title", required=True, metavar="名称", help="归档的名称，如“12345政务服务热线专报”")
@click.option("--office", required=True, metavar="单位", help="编发通报的单位，如“某某市12345政务服务热线管理办公室”")
@click.option("--districts", "district_list", required=True, metavar="文件",
              type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="区县名单：每行一个区县，名称在前，别名在后，用空格分开")
@_writes
def init_cmd(dest: Path, title: str, office: str, district_list: Path) -> None:
    """新建一个归档：自己的文件夹和 git 仓库，只有数据和设置；页面模板来自安装的专报归档。"""
    from .edit import newarchive

    try:
        written = newarchive.create(dest.absolute(), title, office, district_list)
    except newarchive.InitError as exc:
        click.echo(f"错误：{exc}\n未写入任何文件。", err=True)
        sys.exit(1)
    click.echo(f"已新建归档 {dest}：{len(written)} 个文件")
    click.echo(f"  区县登记表：{dest / 'issues/registry/districts.yaml'}（请核对拼音和类别）")
    click.echo(f"下一步：cd {dest}，再 bulletins import 通报文件，bulletins serve 预览")


@_command("new")
@_writes
def new_cmd() -> None:
    """按最新一期生成下一期的空白文件。"""
    from .edit import scaffold, writer
    from .data.load import load_archive

    root = _root()
    archive, problems = load_archive(root)
    if archive is None:
        sys.exit(_report(problems))
    try:
        folder, issue, districts = scaffold.next_issue(archive)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    files = writer.issue_files(issue, districts, archive.registry)
    try:
        writer.write_issue_folder(root / "issues" / folder, files)
    except FileExistsError:
        raise click.ClickException(f"issues/{folder}/ 已存在 — 未写入任何文件") from None
    click.echo(f"已生成 issues/{folder}/：{len(districts)} 个区县文件，请填写各区县的问题")


@_command("fmt")
@click.option("--check", is_flag=True, help="只列出需要格式化的文件，不写入；有则退出码为 1")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[路径…]")
@_writes
def fmt_cmd(check: bool, paths: tuple[Path, ...]) -> None:
    """把数据文件整理成统一格式（保留注释，不改动内容）。"""
    from .edit import fmt
    from .data.registry import load_registry

    root = _root()
    registry, problems = load_registry(root)
    order = tuple(m.name for m in registry.metrics) if registry else ()
    changed, problems = fmt.run(root, list(paths) or None, check, order)
    for rel in changed:
        click.echo(f"{'需要格式化' if check else '已格式化'}：{rel}")
    for p in problems:
        click.echo(str(p), err=True)
    if problems or (check and changed):
        sys.exit(1)
    if not changed:
        click.echo("所有数据文件格式正确", err=True)


@_command("synth")
@click.option("--issues", "count", type=click.IntRange(1, 2000), required=True, metavar="期数", help="生成多少期")
@click.option("--seed", type=int, default=1, show_default=True, metavar="整数", help="随机种子：同一种子生成同样的数据")
@click.option("--truth", type=click.Path(path_type=Path, dir_okay=False), metavar="文件",
              help="写出每条模拟问题的“问题族”和地点（JSON），即判断“再次出现”的标准答案")
@_writes
def synth_cmd(count: int, seed: int, truth: Path | None) -> None:
    """在最新一期之后生成 N 期模拟通报（用于测试、演示和性能测试），不覆盖已有的期。"""
    from zbtools import synth
    from .edit import writer
    from .data.load import load_archive

    root = _root()
    archive, problems = load_archive(root)
    if archive is None:
        sys.exit(_report(problems))
    answers: dict | None = {} if truth is not None else None
    made = synth.generate(archive, count, seed, answers)
    for folder, issue, districts in made:
        target = root / "issues" / folder
        if target.exists():
            raise click.ClickException(f"issues/{folder}/ 已存在 — 模拟数据不会覆盖已有的期")
        writer.write_issue_folder(target, writer.issue_files(issue, districts, archive.registry))
    if truth is not None:
        import json
        from .files.safefile import write_atomic
        write_atomic(truth, json.dumps(answers, ensure_ascii=False, sort_keys=True, indent=0) + "\n")
    click.echo(f"已生成 {len(made)} 期：issues/{made[0][0]}/ 至 issues/{made[-1][0]}/")


@_command("diff")
@click.argument("rev_a", required=False, default="HEAD", metavar="[版本A")
@click.argument("rev_b", required=False, metavar="[版本B]]")
@click.option("--markdown", "as_markdown", is_flag=True, help="输出 Markdown（合并请求的说明）")
@click.option("--html", "html_file", type=click.Path(path_type=Path, dir_okay=False), metavar="文件",
              help="写一页审阅用的 HTML（新旧对照，手机可读）")
@click.option("--limit", type=click.IntRange(1000, 1_000_000), metavar="字数",
              help="与 --markdown 同用：超过这个字数时只写摘要（合并请求的评论有长度上限）")
def diff_cmd(rev_a: str, rev_b: str | None, as_markdown: bool, html_file: Path | None, limit: int | None) -> None:
    """按期、按区县列出数据的改动（默认：HEAD 与工作区比较）。只改格式时不列出任何改动。"""
    from .review import diffviews, semdiff
    from .data import gitdata
    from .files.safefile import write_atomic, write_reason

    root = _root()
    old = gitdata.files_at(root, rev_a)
    new = gitdata.files_at(root, rev_b) if rev_b else gitdata.files_in_tree(root)
    if old is None or new is None:
        raise click.ClickException(f"git 中找不到版本 {rev_a if old is None else rev_b} — 请检查版本名（如 HEAD~1）")
    sections = semdiff.sections(old, new)
    title = f"{rev_a} → {rev_b or '工作区'}"
    if html_file is not None:
        try:
            write_atomic(html_file, diffviews.html_page(sections, title))
        except OSError as exc:
            raise click.ClickException(f"无法写入 {html_file}：{write_reason(exc)} — 请换一个可写的位置") from None
        click.echo(f"已写入 {html_file}（{diffviews.counted(sections) if sections else diffviews.NONE}）", err=True)
    if as_markdown:
        click.echo(diffviews.markdown(sections, title, limit), nl=False)
    elif html_file is None:
        lines = semdiff.diff(old, new)
        click.echo("\n".join(lines) if lines else diffviews.NONE)


@_command("bench")
@click.option("--issues", "count", type=click.IntRange(1, 2000), required=True, metavar="期数", help="模拟归档的期数")
@click.option("--seed", type=int, default=1, show_default=True, metavar="整数", help="模拟数据的随机种子")
@click.option("--runs", type=click.IntRange(1, 50), default=3, show_default=True, metavar="次数",
              help="每种构建的次数（取中位数；大归档可用 1 次）")
@click.option("--json", "as_json", is_flag=True, help="只输出一行 JSON")
@click.option("--keep", type=click.Path(path_type=Path, file_okay=False), metavar="文件夹", help="保留临时归档到此文件夹（需不存在）")
def bench_cmd(count: int, seed: int, runs: int, as_json: bool, keep: Path | None) -> None:
    """性能基准：本项目的构建与“同样页面、无钩子”的基线构建交替运行，报告中位数之比等。"""
    from zbtools import bench

    root = _root()
    if keep is not None and keep.exists():
        raise click.ClickException(f"{keep} 已存在 — --keep 需要一个新的文件夹")
    try:
        result = bench.run(root, count, seed, runs, quiet=as_json, keep=keep.resolve() if keep else None)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(result.line())
        return
    click.echo(f"期数            {result.issues}")
    click.echo(f"本项目构建      {result.ours_s} 秒（各次：{result.ours_runs}）")
    click.echo(f"基线构建        {result.baseline_s} 秒（各次：{result.baseline_runs}）")
    click.echo(f"比值            {result.ratio}")
    click.echo(f"内存峰值        {result.peak_rss_mb} MB（mkdocs 及 Pagefind 进程合计）")
    click.echo(f"站点大小        {result.site_mb} MB")
    click.echo(f"一次查询下载    {result.query_bytes} 字节（“{bench.QUERY}”，前 3 条结果）")
    for name, size in sorted(result.query_files.items()):
        click.echo(f"    {size:>8}  {name}")
    click.echo(f"首条结果        {result.first_result_ms} 毫秒（无头 Chromium，按键到第一条结果）")
    click.echo(f"serve 重建      {result.rebuild_s} 秒（改动一个区县文件后，浏览器显示改过的这一期）")
    click.echo(f"serve 全部更新  {result.full_rebuild_s} 秒（其余页面随后更新完毕）")
    click.echo(f"最大页面        {result.largest_page_kb} KB")


@_command("build")
@click.option("--site-dir", type=click.Path(path_type=Path, file_okay=False), metavar="文件夹",
              help="站点写到这里（默认：site/）")
def build_cmd(site_dir: Path | None) -> None:
    """生成站点（mkdocs build --strict），输出为中文，不显示主题的英文提示。"""
    from .glue import mkdocs_run

    sys.exit(mkdocs_run.build(_root(), site_dir))


@_command("publish")
@click.argument("dest", type=click.Path(path_type=Path), metavar="目标文件夹")
@click.option("--site-url", metavar="地址", help="站点在内网上的地址，如 http://zb.intranet/zhuanbao/（默认：mkdocs.yml 的 site_url）")
@click.option("--rollback", is_flag=True, help="不生成新版本，把 current 指回上一个版本")
@click.option("--keep", type=click.IntRange(1, 100), default=5, show_default=True, metavar="N", help="保留最近几个版本")
def publish_cmd(dest: Path, site_url: str | None, rollback: bool, keep: int) -> None:
    """生成、检查并发布一个新版本到 目标文件夹/releases/，检查通过后一步切换 目标文件夹/current。

    网页服务器（deploy/nginx.conf）提供 current 指向的版本；切换是一次原子的改名，读者不会看到半新半旧的站点。"""
    from .glue import mkdocs_run
    from .publish import publish

    dest = dest.resolve() if not dest.is_symlink() else dest.absolute()
    try:
        if rollback:
            publish.rollback(dest, click.echo)
            return
        root = _root()
        url = site_url or mkdocs_run.declared_site_url(root)
        if not url:
            raise publish.PublishError("不知道站点的地址 — 请用 --site-url 给出，如 --site-url http://zb.intranet/zhuanbao/")
        publish.publish(root, dest, url, keep, click.echo, given=bool(site_url))
    except publish.PublishError as exc:
        click.echo(f"错误：{exc}", err=True)
        sys.exit(1)
    except OSError as exc:
        from .files.safefile import write_reason
        click.echo(f"错误：无法写入 {exc.filename or dest}：{write_reason(exc)} — 没有发布，正在使用的版本没有改动", err=True)
        sys.exit(1)


@_command("serve")
@click.option("-a", "--address", default="127.0.0.1:8000", show_default=True, metavar="地址:端口",
              help="预览服务的地址")
def serve_cmd(address: str) -> None:
    """本机预览：生成站点并在浏览器中打开的地址上提供，保存数据文件后自动刷新。"""
    from .glue import mkdocs_run

    sys.exit(mkdocs_run.serve(_root(), address))


@_command("textconv", hidden=True)
@click.argument("file", type=click.Path(exists=True, path_type=Path), metavar="文件")
def textconv_cmd(file: Path) -> None:
    """git 的 textconv 驱动：把数据文件显示为一行一项事实。"""
    from .review import semdiff

    click.echo(semdiff.textconv(file.read_text(encoding="utf-8", errors="replace")), nl=False)


if __name__ == "__main__":
    main()
