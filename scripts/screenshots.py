"""README's screenshots, made from a real build (see scripts/screenshots)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from zbtools import localweb

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "screenshots"
SHOTS = (("issue-desktop.png", "issues/2018-033/", 1366, 1100), ("district-desktop.png", "districts/xiaoshan/", 1366, 1100),
         ("issue-phone.png", "issues/2018-033/", 390, 844), ("search-phone.png", "search/?q=自助终端", 390, 844),
         ("nothing-found-phone.png", "search/?q=自主机", 390, 844))


def demo(folder: Path) -> Path:
    for name in ("mkdocs.yml", "docs", "theme_overrides", "hooks", "issues"):
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, folder / name)
    shutil.rmtree(folder / "issues", ignore_errors=True)
    shutil.copytree(REPO / "issues", folder / "issues", ignore=shutil.ignore_patterns(".*"))
    bulletins = str(Path(sys.executable).parent / "bulletins")
    subprocess.run([bulletins, "synth", "--issues", "30", "--seed", "4"], cwd=folder, check=True, capture_output=True)
    subprocess.run([bulletins, "build"], cwd=folder, check=True, capture_output=True)
    return folder / "site"


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = demo(Path(tmp))
        with localweb.serve(site) as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=localweb.chromium(), args=localweb.CHROMIUM_ARGS)
            for name, path, width, height in SHOTS:
                page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
                page.goto(url + path)
                if path.startswith("search/"):
                    page.wait_for_selector("[data-zb-searchpage][data-ready]")
                page.screenshot(path=str(OUT / name))
                page.close()
            page = browser.new_page()
            page.goto(url + "issues/2018-033/")
            pdf = Path(tmp) / "issue.pdf"
            page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
            browser.close()
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(pdf), str(Path(tmp) / "print")], check=True)
        for n in (1, 2):
            shutil.copy(next(Path(tmp).glob(f"print-*{n}.png")), OUT / f"print-page{n}.png")
    for p in sorted(OUT.glob("*.png")):
        print(p.relative_to(REPO))


if __name__ == "__main__":
    main()
