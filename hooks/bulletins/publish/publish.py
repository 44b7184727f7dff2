"""`bulletins publish DEST`: a release built and checked beside the published ones, then one atomic
switch of `DEST/current`; `--rollback` switches back. Nothing under `current` changes until a
release has passed every check, so a reader never sees a site half old, half new.

    DEST/releases/20181005-093012-1a2b3c4/   one built site per publish (the commit and the time)
    DEST/current -> releases/…               a symlink, replaced by rename(2): the server's root
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Callable
from urllib.parse import urlparse

from bulletins.glue.siteconfig import PLACEHOLDER_HOSTS
from . import linkcheck

RELEASES = "releases"
CURRENT = "current"
_RELEASE = re.compile(r"^\d{8}-\d{6}-[0-9a-z]+(?:-dirty)?(?:-\d+)?$")
CHECKED = ".zhuanbao-checked"  # written last, once a release passed every check: only such are published
LOCK = ".publish.lock"


class PublishError(Exception):
    """What stopped a publish, in one Chinese sentence; nothing under DEST/current changed."""


def site_url_problem(url: str, given: bool) -> str | None:
    """Why an address cannot be the published site's, or None. `given`: typed as --site-url (any
    well-formed address, a test server's too); otherwise mkdocs.yml's, where the shipped preview
    address means nobody has said yet where the site lives."""
    parts = urlparse(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"站点地址“{url}”应是完整的网址，如 http://zb.intranet/zhuanbao/"
    if not given and parts.hostname in PLACEHOLDER_HOSTS:
        return (f"mkdocs.yml 的 site_url 还是本机预览地址 {url}：规范链接、sitemap 和订阅都会指向读者自己的电脑 — "
                "请用 --site-url 给出内网上的地址，如 --site-url http://zb.intranet/zhuanbao/，或把它写进 mkdocs.yml")
    return None


def normalized(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def releases(dest: Path, checked_only: bool = True) -> list[str]:
    """The releases in DEST, oldest first: those that passed every check (`checked_only`), or all."""
    folder = dest / RELEASES
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if _RELEASE.match(p.name) and p.is_dir() and not p.is_symlink()
                  and (not checked_only or (p / CHECKED).is_file()))


def mark_checked(target: Path, about: dict) -> None:
    """The release passed every check: said by a file written last (commit, time, address)."""
    from bulletins.files.safefile import write_atomic

    write_atomic(target / CHECKED, json.dumps(about, ensure_ascii=False, sort_keys=True) + "\n")


def about(dest: Path, name: str) -> str:
    """“提交 1a2b3c4，2018-10-05 09:30:12 生成” for a checked release."""
    try:
        info = json.loads((dest / RELEASES / name / CHECKED).read_text(encoding="utf-8"))
        return f"提交 {info.get('commit', '?')}，{info.get('built', '?')} 生成"
    except (OSError, ValueError, AttributeError):
        return "生成时间不明"


def sweep(dest: Path, say: Callable[[str], None]) -> None:
    """Releases a stopped publish left unfinished (never checked): gone, never a rollback target."""
    live = current(dest)
    if live and (dest / RELEASES / live).is_dir() and not (dest / RELEASES / live / CHECKED).is_file():
        mark_checked(dest / RELEASES / live, {"commit": live.split("-")[2], "built": "（早于检查记录）"})  # served already
    for name in releases(dest, checked_only=False):
        if name != live and not (dest / RELEASES / name / CHECKED).is_file():
            shutil.rmtree(dest / RELEASES / name, ignore_errors=True)
            say(f"删除未完成的版本：{RELEASES}/{name}（上次发布中途停止，没有通过检查）")


def current(dest: Path) -> str | None:
    link = dest / CURRENT
    if not link.is_symlink():
        return None
    return Path(os.readlink(link)).name


def check_dest(dest: Path) -> None:
    if dest.exists() and not dest.is_dir():
        raise PublishError(f"{dest} 已存在，但不是文件夹 — 请给出发布用的文件夹，如 /srv/zhuanbao")
    link = dest / CURRENT
    if link.exists() and not link.is_symlink():
        raise PublishError(f"{link} 是真实的文件夹，不是指向某个版本的链接 — 它不是 bulletins publish 建的；"
                           f"请把它移走（或换一个发布文件夹），再发布")
    if (dest.exists() and any(p.name != LOCK for p in dest.iterdir()) and not (dest / RELEASES).is_dir()
            and not link.is_symlink()):
        raise PublishError(f"{dest} 里已有别的文件 — 请给出一个空的或 bulletins publish 用过的文件夹")


def release_id(root: Path, now: dt.datetime | None = None, taken: set[str] = frozenset()) -> str:
    """`20181005-093012-1a2b3c4`: when, and which commit (`-dirty` with uncommitted data); `-2`,
    `-3`… after it when a release of that second and commit exists already."""
    now = now or dt.datetime.now(dt.timezone.utc)

    def git(*args: str) -> str:
        out = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
        return out.stdout.strip() if out.returncode == 0 else ""
    sha = git("rev-parse", "--short=7", "HEAD") or "nogit"
    dirty = "-dirty" if sha != "nogit" and git("status", "--porcelain") else ""
    name = f"{now:%Y%m%d-%H%M%S}-{sha}{dirty}"
    n = 1
    while (f"{name}-{n:02d}" if n > 1 else name) in taken:
        n += 1
    return f"{name}-{n:02d}" if n > 1 else name


def corrected_without_note(root: Path) -> list[str]:
    """Published issues whose data differs from the last commit with no new correction note: a
    reader of the published page would see figures change without a word (`bulletins diff` warns
    of the same)."""
    from bulletins.data import gitdata
    from bulletins.review import semdiff

    old = gitdata.files_at(root, "HEAD")
    if old is None:  # no git, or no commit yet: nothing to compare with
        return []
    return [w for section in semdiff.sections(old, gitdata.files_in_tree(root)) for w in section.warnings]


def switch(dest: Path, name: str) -> None:
    """Points DEST/current at releases/<name> in one rename(2) of a new symlink over the old one."""
    tmp = dest / f".{CURRENT}.{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(f"{RELEASES}/{name}", tmp)
    os.replace(tmp, dest / CURRENT)


def prune(dest: Path, keep: int, say: Callable[[str], None]) -> None:
    """The `keep` newest releases stay (and the one published, whatever its age)."""
    names = releases(dest)
    live = current(dest)
    gone = [n for n in names[:-keep] if n != live] if keep < len(names) else []
    for name in gone:
        shutil.rmtree(dest / RELEASES / name)
    if gone:
        say(f"删除旧版本：{'、'.join(gone)}（保留最近 {keep} 个）")


def inside_archive(root: Path, dest: Path) -> str | None:
    """Why DEST cannot be used: inside the archive (its data folders, its site), or None."""
    real_root, real_dest = root.resolve(), dest.resolve()
    if real_dest == real_root or real_dest.is_relative_to(real_root):
        return (f"{dest} 在归档 {root} 之内 — 发布的版本会混进数据（issues/）或被下一次构建清掉（site/）；"
                "请给归档之外的文件夹，如 /srv/zhuanbao")
    return None


def publish(root: Path, dest: Path, site_url: str, keep: int, say: Callable[[str], None], given: bool = True) -> str:
    """Builds, checks and publishes; returns the release's name. Raises PublishError (nothing
    published) when the data, the build or the check fails. One publish into DEST at a time."""
    refused = inside_archive(root, dest)
    if refused:
        raise PublishError(refused)
    check_dest(dest)
    dest.mkdir(parents=True, exist_ok=True)
    from bulletins.files.buildlock import FileLock

    lock = FileLock(dest / LOCK, f"另一个发布正在写 {dest}，等它结束后再继续…")
    lock.acquire()
    try:
        sweep(dest, say)
        return _publish(root, dest, site_url, keep, say, given)
    finally:
        lock.release()


def _publish(root: Path, dest: Path, site_url: str, keep: int, say: Callable[[str], None], given: bool) -> str:
    from bulletins.glue import mkdocs_run
    from bulletins.data.load import load_archive

    problem = site_url_problem(site_url, given)
    if problem:
        raise PublishError(problem)
    site_url = normalized(site_url)
    say("检查数据…")
    archive, problems = load_archive(root)
    errors = [p for p in problems if p.is_error]
    if archive is None or errors:
        for p in problems:
            say(str(p))
        raise PublishError(f"数据有 {len(errors)} 个错误，没有发布 — 请改正后再发布（bulletins validate 会列出它们）")
    say(f"数据无误：{len(archive.issues)} 期，{sum(len(i.findings) for i in archive.issues)} 条问题")
    unnoted = corrected_without_note(root)
    if unnoted:
        for line in unnoted:
            say(line)
        raise PublishError("已发布的期有未提交的改动，却没有更正说明，没有发布 — 请补上更正说明（或撤销改动）后再发布")
    name = release_id(root, taken=set(releases(dest, checked_only=False)))
    target = dest / RELEASES / name
    (dest / RELEASES).mkdir(parents=True, exist_ok=True)
    say(f"生成站点：{RELEASES}/{name}/（地址 {site_url}）")
    code = mkdocs_run.build(root, target, site_url=site_url, quiet=True)
    if code != 0:
        raise PublishError("站点没有生成成功（原因见上） — 没有发布，正在使用的版本没有改动")
    report = linkcheck.check(target, site_url)
    if report.problems:
        for line in report.problems[:20]:
            say(line)
        shutil.rmtree(target)
        raise PublishError(f"检查出 {len(report.problems)} 个坏链接，没有发布 — 正在使用的版本没有改动")
    say(f"检查链接：{report.pages} 页，{report.links} 个链接和资源，全部有效")
    commit = name.split("-")[2]
    mark_checked(target, {"commit": commit, "built": dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S"), "url": site_url})
    before = current(dest)
    switch(dest, name)
    say(f"切换：{CURRENT} → {RELEASES}/{name}" + (f"（上一个：{before}）" if before else ""))
    prune(dest, keep, say)
    say(f"已发布：{site_url}")
    return name


def rollback(dest: Path, say: Callable[[str], None]) -> str:
    """Back to the checked release before the one published (never one a publish left unchecked)."""
    check_dest(dest)
    from bulletins.files.buildlock import FileLock

    lock = FileLock(dest / LOCK, f"另一个发布正在写 {dest}，等它结束后再继续…")
    lock.acquire()
    try:
        return _rollback(dest, say)
    finally:
        lock.release()


def _rollback(dest: Path, say: Callable[[str], None]) -> str:
    names = releases(dest)
    live = current(dest)
    if live is None or live not in names:
        raise PublishError(f"{dest} 中还没有发布过的版本 — 无法回退")
    at = names.index(live)
    if at == 0:
        raise PublishError(f"{live} 是保留下来的最早版本，没有更早的可以回退")
    previous = names[at - 1]
    switch(dest, previous)
    say(f"回退：{CURRENT} → {RELEASES}/{previous}（{about(dest, previous)}；原来：{live}）")
    return previous
