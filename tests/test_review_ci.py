"""The merge-request jobs in deploy/ci/ run as their CI would run them: each shell step in order,
against a local stand-in for the GitLab or Gitea API, which must receive the change as Markdown."""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup
from ruamel.yaml import YAML

from conftest import BIN, edit, git, repo  # noqa: F401  (repo: a fixture)

ROOT = Path(__file__).resolve().parent.parent
JOBS = ROOT / "deploy" / "ci"


class Api:
    """Records every POST: (path, headers, JSON body)."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict, dict]] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                api.posts.append((self.path, dict(self.headers), json.loads(body)))
                self.send_response(201)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def api():
    a = Api()
    yield a
    a.close()


def run_steps(root: Path, steps: list[str], env: dict[str, str]) -> subprocess.CompletedProcess | None:
    """Each step as the runner runs it (bash -e); `pip install` is already done here. The first failure stops."""
    full = {**os.environ, **env, "PATH": f"{BIN}:{os.environ['PATH']}"}
    for step in steps:
        if step.strip().startswith("pip install"):
            continue
        done = subprocess.run(["bash", "-e", "-c", step], cwd=root, env=full, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            return done
    return None


def a_merge_request(root: Path) -> str:
    """A branch with one correction on it; returns the base commit."""
    base = git(root, "rev-parse", "HEAD").strip()
    edit(root, "issues/2018-033/jianggan.yaml", "增设母婴室", "增设哺乳室", -1)
    git(root, "commit", "-qam", "更正")
    return base


def names_the_change(body: str) -> None:
    soup = BeautifulSoup(markdown.markdown(body), "html.parser")
    assert soup.find("h3").get_text() == "2018-033"
    assert "江干区" in soup.get_text() and "哺乳" in [i.get_text() for i in soup.find_all("ins")]


def gitlab_steps() -> list[str]:
    job = YAML(typ="safe").load((JOBS / "gitlab-ci.yml").read_text(encoding="utf-8"))["review-data"]
    assert job["rules"][0]["if"] == '$CI_PIPELINE_SOURCE == "merge_request_event"'
    assert job["variables"]["GIT_DEPTH"] == 0 and set(job["artifacts"]["paths"]) == {"review.md", "review.html"}
    return job["script"]


def gitea_steps(values: dict[str, str]) -> list[str]:
    wf = YAML(typ="safe").load((JOBS / "gitea-actions.yml").read_text(encoding="utf-8"))
    assert wf["on"] == ["pull_request"]
    out = []
    for step in wf["jobs"]["review"]["steps"]:
        if "run" not in step:
            continue
        env = {k: re.sub(r"\$\{\{\s*([\w.]+)\s*\}\}", lambda m: values[m.group(1)], v) for k, v in step.get("env", {}).items()}
        run = re.sub(r"\$\{\{\s*([\w.]+)\s*\}\}", lambda m: values[m.group(1)], step["run"])
        out.append("".join(f"export {k}={v!r}\n" for k, v in env.items()) + run)
    return out


def test_the_gitlab_job_checks_the_data_and_posts_the_change_to_the_merge_request(repo, api):
    base = a_merge_request(repo)
    env = {"CI_MERGE_REQUEST_DIFF_BASE_SHA": base, "CI_API_V4_URL": f"{api.url}/api/v4", "CI_PROJECT_ID": "7",
           "CI_MERGE_REQUEST_IID": "3", "REVIEW_TOKEN": "令牌-secret".encode().hex()}
    assert run_steps(repo, gitlab_steps(), env) is None
    [(path, headers, body)] = api.posts
    assert path == "/api/v4/projects/7/merge_requests/3/notes" and headers["PRIVATE-TOKEN"] == env["REVIEW_TOKEN"]
    names_the_change(body["body"])
    assert "<ins>哺乳</ins>" in (repo / "review.html").read_text(encoding="utf-8")
    assert (repo / "review.md").read_text(encoding="utf-8") == body["body"]  # short: the note is the whole review


def test_the_gitlab_job_without_a_token_keeps_the_change_as_an_attachment(repo, api):
    base = a_merge_request(repo)
    env = {"CI_MERGE_REQUEST_DIFF_BASE_SHA": base, "CI_API_V4_URL": f"{api.url}/api/v4", "REVIEW_TOKEN": ""}
    assert run_steps(repo, gitlab_steps(), env) is None
    assert api.posts == [] and "哺乳" in (repo / "review.md").read_text(encoding="utf-8")


def test_the_gitea_workflow_posts_the_change_as_a_comment(repo, api):
    base = a_merge_request(repo)
    git(repo, "update-ref", "refs/remotes/origin/main", base)
    values = {"github.base_ref": "main", "github.token": "tok", "github.server_url": api.url,
              "github.repository": "office/archive", "github.event.pull_request.number": "5"}
    assert run_steps(repo, gitea_steps(values), {}) is None
    [(path, headers, body)] = api.posts
    assert path == "/api/v1/repos/office/archive/issues/5/comments" and headers["Authorization"] == "token tok"
    names_the_change(body["body"])


def test_a_merge_request_with_bad_data_fails_before_anything_is_posted(repo, api):
    base = a_merge_request(repo)
    edit(repo, "issues/2018-033/jianggan.yaml", "position: 3", "position: 三", -1)
    git(repo, "commit", "-qam", "坏数据")
    env = {"CI_MERGE_REQUEST_DIFF_BASE_SHA": base, "CI_API_V4_URL": f"{api.url}/api/v4", "REVIEW_TOKEN": "x"}
    failed = run_steps(repo, gitlab_steps(), env)
    assert failed is not None and "jianggan.yaml" in failed.stderr and "Traceback" not in failed.stderr
    assert api.posts == []


def test_the_guide_shows_both_jobs_as_they_are_and_the_readme_links_them():
    guide = (ROOT / "docs/guide.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for job in ("gitlab-ci.yml", "gitea-actions.yml"):
        assert (JOBS / job).read_text(encoding="utf-8") in guide, f"the guide does not show deploy/ci/{job} as it is"
        assert f"](deploy/ci/{job})" in readme
