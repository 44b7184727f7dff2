"""`bulletins bench`: our build against what MkDocs itself costs, measured in the same run.

In a scratch folder: the archive's newest issue plus N−1 synthetic ones (`bulletins synth`).
*Ours* is `mkdocs build` with the real mkdocs.yml (hooks, indexes, Pagefind). The *baseline* is the
very same pages, rendered once beforehand and saved as ready Markdown files, built by the same
Material configuration without our hooks, followed by the same Pagefind run over the same records.
Builds alternate (ours, baseline, baseline, ours, …) so drift on the machine hits both; medians.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bulletins.data.load import issue_folders
from bulletins.glue import mkdocs_run
from bulletins.search import searchindex
from bulletins.web import urls
from bulletins.web.build import build_site
from zbtools import localweb

COPIED = ("mkdocs.yml", "docs", "theme_overrides", "hooks")
QUERY = "自助机"  # a typical query: a word every year of bulletins has
QUERY_JS = Path(__file__).with_name("bench_query.mjs")
MiB = 1024 * 1024


@dataclass
class Result:
    issues: int
    ours_s: float
    baseline_s: float
    ratio: float
    peak_rss_mb: float
    site_mb: float
    query_bytes: int | None
    rebuild_s: float | None
    first_result_ms: float | None = None
    full_rebuild_s: float | None = None
    largest_page_kb: float | None = None  # the largest HTML page of our site: pages must stay small
    ours_runs: list[float] = field(default_factory=list)
    baseline_runs: list[float] = field(default_factory=list)
    query_files: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        keys = ("issues", "ours_s", "baseline_s", "ratio", "peak_rss_mb", "site_mb", "query_bytes",
                "rebuild_s", "full_rebuild_s", "first_result_ms", "largest_page_kb")
        return json.dumps({k: asdict(self)[k] for k in keys}, ensure_ascii=False)


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        print(text, file=sys.stderr, flush=True)


def _env() -> dict:
    return dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1")


def _bin(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


# --- preparing the two projects ---------------------------------------------------------------

def prepare(source: Path, work: Path, issues: int, seed: int) -> Path:
    """Our archive in `work/ours`: the project files, the newest issue, and N−1 synthetic ones."""
    ours = work / "ours"
    ours.mkdir(parents=True)
    for name in COPIED:
        src = source / name
        if src.is_dir():
            shutil.copytree(src, ours / name, ignore=shutil.ignore_patterns("__pycache__", ".cache"))
        else:
            shutil.copy2(src, ours / name)
    shutil.copytree(source / "issues" / "registry", ours / "issues" / "registry")
    folders, _ = issue_folders(source)
    have = 0
    if folders:
        newest = max(folders, key=lambda p: p.name)
        shutil.copytree(newest, ours / "issues" / newest.name)
        have = 1
    if issues > have:
        done = subprocess.run([_bin("bulletins"), "synth", "--issues", str(issues - have), "--seed", str(seed)],
                              cwd=ours, capture_output=True, text=True, env=_env())
        if done.returncode != 0:
            raise RuntimeError(f"bulletins synth 失败：{done.stderr}")
    return ours


def prepare_baseline(ours: Path, work: Path) -> tuple[Path, Path]:
    """The same pages as ready Markdown, a config without hooks, and the same search records."""
    base = work / "baseline"
    docs = base / "docs"
    shutil.copytree(ours / "docs", docs)
    shutil.copytree(ours / "theme_overrides", base / "theme_overrides")
    config = (ours / "mkdocs.yml").read_text(encoding="utf-8")
    site = build_site(ours, mkdocs_run.declared_site_url(ours), "专报归档")
    for url, spec in site.pages.items():
        body = site.render(url)
        target = docs / urls.src_of(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        if spec.block:  # a block appended to a hand-written page
            target.write_text(target.read_text(encoding="utf-8") + "\n\n" + body + "\n", encoding="utf-8")
        else:
            target.write_text(f'---\ntitle: "{spec.title}"\n---\n\n{body}\n', encoding="utf-8")
    for path, content in site.assets.items():
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_bytes(content)
    config = re.sub(r"(?m)^hooks:\n(?:  - .*\n)+", "", config)  # `.` stops at line ends: only the list
    config = re.sub(r"(?m)^watch:\n(?:  - .*\n)+", "", config)
    (base / "mkdocs.yml").write_text(config, encoding="utf-8")
    records = work / "records"
    searchindex.write_records(site.env, site.archive, records, flags=site.flags)
    return base, records


# --- measuring --------------------------------------------------------------------------------

def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc), in kB."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) if "VmRSS" in status else 0
            for task in Path(f"/proc/{p}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, AttributeError, ValueError):
            continue
    return total


def timed(cmds: list[list[str]], cwd: Path) -> tuple[float, float]:
    """Wall time of commands run one after the other, and the peak memory of their process trees."""
    peak = 0
    start = time.perf_counter()
    for cmd in cmds:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env())
        err: list[bytes] = []
        reader = threading.Thread(target=lambda: err.append(proc.stderr.read()), daemon=True)
        reader.start()
        while proc.poll() is None:
            peak = max(peak, _tree_rss_kb(proc.pid))
            time.sleep(0.05)
        reader.join()
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} 失败：\n{b''.join(err).decode('utf-8', 'replace')[-2000:]}")
    return time.perf_counter() - start, peak / 1024


def _ours_cmds() -> list[list[str]]:
    return [[_bin("mkdocs"), "build", "--quiet"]]


def _baseline_cmds(records: Path, site: Path) -> list[list[str]]:
    return [[_bin("mkdocs"), "build", "--quiet"],
            [sys.executable, "-m", "pagefind", "--site", str(records), "--output-path", str(site / "pagefind"),
             "--force-language", "zh", "--silent"]]


def _size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / MiB


def query_bytes(site: Path, url: str) -> tuple[int | None, dict[str, int]]:
    """What a browser fetches for one query and its first three results, measured under Node."""
    node = shutil.which("node")
    if not node:
        return None, {}
    job = json.dumps({"module": str(site / "search" / "search.js"), "base": url, "query": QUERY, "results": 3})
    done = subprocess.run([node, str(QUERY_JS)], input=job, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"测量查询字节数失败：{done.stderr[-2000:]}")
    files = json.loads(done.stdout)["files"]
    counted = {k: v for k, v in files.items() if not k.endswith(".js")}  # Pagefind's data, not its code
    return sum(counted.values()), files


def first_result_ms(url: str) -> float | None:
    """Keystroke to first result in the header box, in headless Chromium (if Playwright is here)."""
    chromium = localweb.chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not chromium:
        return None
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=localweb.CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url)
        page.focus("#zb-q")
        page.evaluate("""() => { window.__zbT = 0; window.__zbFirst = 0;
            document.querySelector('#zb-q').addEventListener('keydown', () => { window.__zbT = performance.now(); });
            new MutationObserver(() => {
              if (!window.__zbFirst && document.querySelector('#zb-suggest [role=option] .zb-option__place'))
                window.__zbFirst = performance.now();
            }).observe(document.querySelector('#zb-suggest'), {childList: true, subtree: true}); }""")
        page.keyboard.type(QUERY)
        deadline = time.monotonic() + 60  # polled from outside: the page's CSP forbids evaluating strings in it
        while not page.evaluate("window.__zbFirst > 0") and time.monotonic() < deadline:
            page.wait_for_timeout(10)
        ms = page.evaluate("window.__zbFirst - window.__zbT")
        browser.close()
    return round(ms, 1)


def rebuild_s(ours: Path) -> tuple[float, float]:
    """`mkdocs serve` running: change one district file, time until the browsers reload with the
    edited issue's page, and until they reload with the whole archive up to date."""
    port = localweb.free_port()
    proc = subprocess.Popen([_bin("mkdocs"), "serve", "-a", f"127.0.0.1:{port}"], cwd=ours,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=_env())
    lines: list[str] = []
    seen = threading.Event()

    def read() -> None:
        for line in proc.stderr:
            lines.append(line)
            seen.set()

    threading.Thread(target=read, daemon=True).start()

    def wait_for(pattern: str, after: int, timeout: float = 900) -> int:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for i in range(after, len(lines)):
                if re.search(pattern, lines[i]):
                    return i
            if proc.poll() is not None:
                raise RuntimeError("mkdocs serve 退出了：\n" + "".join(lines[-20:]))
            seen.wait(0.05)
            seen.clear()
        raise RuntimeError("mkdocs serve 没有在时限内完成：\n" + "".join(lines[-20:]))

    try:
        first = wait_for(r"Serving on", 0)
        target = sorted((ours / "issues").glob("2*/*.yaml"))[-1]
        if target.name == "issue.yaml":
            target = sorted(p for p in target.parent.glob("*.yaml") if p.name != "issue.yaml")[0]
        text = target.read_text(encoding="utf-8")
        changed = re.sub(r"(?m)^(\s*- text: [^'\"|>].*?)$", r"\1（已复核）", text, count=1)
        start = time.perf_counter()
        target.write_text(changed, encoding="utf-8")
        shown = wait_for(r"Reloading browsers", first + 1, timeout=300)
        elapsed = time.perf_counter() - start
        full = elapsed
        if any("快速预览" in line for line in lines[first + 1:shown]):  # the rest of the archive follows
            wait_for(r"Reloading browsers", shown + 1, timeout=300)
            full = time.perf_counter() - start
        target.write_text(text, encoding="utf-8")
        return elapsed, full
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def run(source: Path, issues: int, seed: int, runs: int, quiet: bool, keep: Path | None = None) -> Result:
    work = Path(tempfile.mkdtemp(prefix="zb-bench-")) if keep is None else keep
    try:
        _say(quiet, f"准备 {issues} 期模拟归档：{work}")
        ours = prepare(source, work, issues, seed)
        base, records = prepare_baseline(ours, work)
        ours_times, base_times, peaks = [], [], []
        for i in range(runs):
            order = ("ours", "baseline") if i % 2 == 0 else ("baseline", "ours")
            for which in order:
                if which == "ours":
                    shutil.rmtree(ours / "site", ignore_errors=True)
                    # every year indexed again, as the baseline's one Pagefind run indexes everything
                    shutil.rmtree(ours / ".cache" / "bulletins" / "search", ignore_errors=True)
                    seconds, peak = timed(_ours_cmds(), ours)
                    ours_times.append(seconds)
                    peaks.append(peak)
                else:
                    shutil.rmtree(base / "site", ignore_errors=True)
                    seconds, _ = timed(_baseline_cmds(records, base / "site"), base)
                    base_times.append(seconds)
                _say(quiet, f"  第 {i + 1} 轮 {'本项目' if which == 'ours' else '基线'}：{seconds:.1f} 秒")
        site = ours / "site"
        with localweb.serve(site) as url:
            qb, files = query_bytes(site, url)
            first = first_result_ms(url)
        _say(quiet, "  测量 mkdocs serve 改动一个区县文件后的重建时间…")
        rebuild, full = rebuild_s(ours)
        o, b = statistics.median(ours_times), statistics.median(base_times)
        return Result(issues=issues, ours_s=round(o, 2), baseline_s=round(b, 2), ratio=round(o / b, 3),
                      peak_rss_mb=round(max(peaks), 1), site_mb=round(_size_mb(site), 1), query_bytes=qb,
                      rebuild_s=round(rebuild, 2), full_rebuild_s=round(full, 2), first_result_ms=first,
                      largest_page_kb=round(max((p.stat().st_size for p in site.rglob("*.html")), default=0) / 1024, 1),
                      ours_runs=[round(t, 2) for t in ours_times], baseline_runs=[round(t, 2) for t in base_times],
                      query_files=files)
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
