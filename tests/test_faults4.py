"""Bad input and faults, round four: each case failed before its fix."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup

from bulletins import diffviews, semdiff
from conftest import BIN, cli, edit, git, repo  # noqa: F401  (repo: a fixture)

QUICK_ACTION = re.compile(r"^\s{0,3}/\w+", re.M)  # GitLab runs such a line of a note as a command


def outside_code(note: str) -> str:
    return re.sub(r"```.*?```", "", note, flags=re.S)


# --- 1. A data change never commands the review bot ---------------------------------------------

HOSTILE = "群众反映窗口排队。\n/merge\n/approve\n请 @all 和 @admin 看 http://evil.example/x www.evil.example #12 !3 ~bug"


def test_a_finding_cannot_start_a_line_mention_anyone_or_link_in_the_merge_request_note(repo):
    base = git(repo, "rev-parse", "HEAD").strip()
    path = repo / "issues/2018-033/jianggan.yaml"
    text = path.read_text(encoding="utf-8")
    quoted = HOSTILE.replace("\n", "\\n")
    path.write_text(text + f'  - text: "{quoted}"\n  - text: 另一条。\n', encoding="utf-8")
    assert cli(repo, "validate").returncode == 0  # the data is valid: it is the note that must be safe
    note = cli(repo, "diff", "--markdown", base).stdout
    assert "排队" in note and "↵" in note
    body = outside_code(note)
    assert not QUICK_ACTION.search(body), [line for line in body.splitlines() if QUICK_ACTION.match(line)]
    assert "@" not in body and "http://" not in body and "www." not in body
    for ref in ("#12", "!3", "~bug"):
        assert ref not in body.replace("\\", "")
    html = BeautifulSoup(markdown.markdown(note), "html.parser")
    assert not html.find_all("a") and "＠all" in html.get_text()


def test_a_note_too_long_for_gitlab_becomes_a_summary_and_points_to_the_attachments():
    change = semdiff.Change("江干区", "① 原文", "甲" * 600, "乙" * 600, long=True)
    sections = [semdiff.Section(f"2018-{n:03d}", f"2018-{n:03d}：", [change] * 20) for n in range(1, 200)]
    full = diffviews.markdown(sections, "HEAD → 工作区")
    assert len(full) > 100_000
    note = diffviews.markdown(sections, "HEAD → 工作区", limit=100_000)
    assert len(note) <= 100_000 and "review.md" in note and "太长" in note
    assert diffviews.markdown(sections[:1], "t", limit=100_000) == diffviews.markdown(sections[:1], "t")


def test_a_branch_name_never_runs_in_the_gitea_job(repo, tmp_path):
    from test_review_ci import gitea_steps, run_steps

    marker = tmp_path / "PWNED"
    branch = f"main$(touch${{IFS}}{marker})"
    values = {"github.base_ref": branch, "github.token": "t", "github.server_url": "http://127.0.0.1:9",
              "github.repository": "o/a", "github.event.pull_request.number": "1"}
    run_steps(repo, gitea_steps(values), {})
    assert not marker.exists()
    job = (Path(__file__).resolve().parents[1] / "deploy/ci/gitea-actions.yml").read_text(encoding="utf-8")
    for step in re.findall(r"run: \|\n((?:          .*\n)+)", job):
        assert "${{" not in step, step  # expressions reach a script only through env:


# --- 2. A rollback never serves an unchecked release; 12. DEST outside the archive ------------

from bulletins import publish as publishing  # noqa: E402
from conftest import make_archive  # noqa: E402


def _publish(root: Path, dest: Path, *extra: str) -> subprocess.CompletedProcess:
    return cli(root, "publish", str(dest), "--site-url", "http://zb.intranet/z/", *extra)


def test_a_release_a_stopped_publish_left_is_never_rolled_back_to(tmp_path):
    (tmp_path / "src").mkdir()
    root = make_archive(tmp_path / "src")
    dest = tmp_path / "dest"
    assert _publish(root, dest).returncode == 0
    first = os.readlink(dest / "current").split("/")[-1]
    # a publish stopped during the link check (Ctrl-C, kill -9): a whole release, never checked
    stopped = dest / "releases" / (first[:15] + "-9999999-dirty")
    shutil.copytree(dest / "releases" / first, stopped)
    (stopped / publishing.CHECKED).unlink()
    (stopped / "index.html").write_text("<p>编辑中途停下的数字</p>")
    done = _publish(root, dest)
    assert done.returncode == 0 and "删除未完成的版本" in done.stdout and not stopped.exists()
    back = _publish(root, dest, "--rollback")
    assert back.returncode == 0 and os.readlink(dest / "current") == f"releases/{first}"
    assert "提交 " in back.stdout and "生成" in back.stdout


def test_only_a_checked_release_is_a_rollback_target(tmp_path):
    dest = tmp_path / "dest"
    for name, checked in (("20240101-000000-aaaaaaa", True), ("20240102-000000-bbbbbbb-dirty", False),
                          ("20240103-000000-ccccccc", True)):
        (dest / "releases" / name).mkdir(parents=True)
        if checked:
            publishing.mark_checked(dest / "releases" / name, {"commit": name[16:23], "built": "2024-01-01 00:00:00"})
    publishing.switch(dest, "20240103-000000-ccccccc")
    said: list[str] = []
    assert publishing.rollback(dest, said.append) == "20240101-000000-aaaaaaa"
    assert "提交 aaaaaaa，2024-01-01 00:00:00 生成" in said[0]


def test_publishes_in_the_same_second_get_names_of_their_own():
    import datetime as dt
    now = dt.datetime(2024, 1, 1, 9, 0, 0)
    taken: set[str] = set()
    for _ in range(3):
        taken.add(publishing.release_id(Path(tempfile.mkdtemp()), now, taken))
    assert len(taken) == 3 and all(publishing._RELEASE.match(n) for n in taken)
    assert sorted(taken) == ["20240101-090000-nogit", "20240101-090000-nogit-02", "20240101-090000-nogit-03"]


@pytest.mark.parametrize("inside", ["issues/pub", "site/pub", "."])
def test_publish_into_the_archive_is_refused_before_anything_is_written(archive, inside):
    before = sorted(str(p) for p in archive.rglob("*"))
    done = _publish(archive, archive / inside)
    assert done.returncode == 1 and "在归档" in done.stderr and "Traceback" not in done.stderr
    assert sorted(str(p) for p in archive.rglob("*")) == before
    assert cli(archive, "validate").returncode == 0
