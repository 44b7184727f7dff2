"""Bad input and faults, round four: each case failed before its fix."""

from __future__ import annotations

import re
import subprocess
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
