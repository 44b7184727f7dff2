"""scripts/reader-check's work: a scratch archive, built, served, measured by Lighthouse page kind by page kind."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from zbtools import localweb

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
KINDS = {  # page kind → a page of that kind in the sample + synthetic archive
    "首页": "", "一期": "issues/2018-033/", "往期": "archive/", "一年": "archive/2018/", "区县列表": "districts/",
    "区县": "districts/xiaoshan/", "区县一年": "districts/xiaoshan/2019/", "问题类型": "types/zizhu-shebei/",
    "部门": "departments/shuiwu/", "待跟进": "pending/", "更正记录": "corrections/", "搜索": "search/?q=自助机",
    "搜索无结果": "search/?q=自主机", "编辑指南": "guide/",
}
FLOOR, MAX_CLS = 0.90, 0.1


def scratch(issues: int) -> Path:
    work = Path(tempfile.mkdtemp(prefix="reader-check-"))
    subprocess.run(["git", "clone", "-q", str(ROOT), str(work / "archive")], check=True)
    for part in ("hooks", "theme_overrides", "docs", "issues/registry", "mkdocs.yml"):  # the working tree's, uncommitted too
        src, dst = ROOT / part, work / "archive" / part
        if src.is_dir():
            shutil.rmtree(dst, ignore_errors=True)
            shutil.copytree(src, dst)
        else:
            shutil.copy2(src, dst)
    archive = work / "archive"
    subprocess.run([str(BIN / "bulletins"), "synth", "--issues", str(issues)], cwd=archive, check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([str(BIN / "bulletins"), "build"], cwd=archive, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return archive / "site"


def measure(lighthouse: str, url: str, out: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": localweb.chromium() or "/usr/bin/chromium"}
    subprocess.run([lighthouse, url, "--only-categories=performance", "--output=json", f"--output-path={out}",
                    "--quiet", "--chrome-flags=--headless=new " + " ".join(localweb.CHROMIUM_ARGS)],
                   env=env, check=True, timeout=600)
    report = json.loads(out.read_text(encoding="utf-8"))
    audits = report["audits"]
    return {"score": report["categories"]["performance"]["score"],
            **{k: audits[a]["numericValue"] for k, a in (("fcp", "first-contentful-paint"),
                                                          ("lcp", "largest-contentful-paint"),
                                                          ("cls", "cumulative-layout-shift"),
                                                          ("tbt", "total-blocking-time"))}}


def main(issues: int, lighthouse: str) -> int:
    site = scratch(issues)
    failed = 0
    print(f"{'页面':<10}{'性能':>6}{'FCP 秒':>9}{'LCP 秒':>9}{'CLS':>7}{'TBT 毫秒':>10}")
    with localweb.serve(site) as url:
        for kind, path in KINDS.items():
            r = measure(lighthouse, url + path, site.parent / "lighthouse.json")
            bad = r["score"] < FLOOR or r["cls"] > MAX_CLS
            failed += bad
            print(f"{kind:<10}{round(r['score'] * 100):>6}{r['fcp'] / 1000:>9.1f}{r['lcp'] / 1000:>9.1f}"
                  f"{r['cls']:>7.2f}{r['tbt']:>10.0f}{'  ← 未达标' if bad else ''}")
    shutil.rmtree(site.parent.parent, ignore_errors=True)
    print(f"{issues} 期模拟通报；性能不低于 {round(FLOOR * 100)}、CLS 不超过 {MAX_CLS}：" + ("全部达标" if not failed else f"{failed} 页未达标"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), sys.argv[2]))
