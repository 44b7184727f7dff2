"""Publishing on a real nginx (Debian's nginx-light, started here on 127.0.0.1 with deploy/nginx.conf
included as shipped, only its two documented places changed): atomic releases, rollback without a
restart, the headers on each kind of file, the 404 page at any depth, search in Chromium under the
Content-Security-Policy, and two archives side by side searching each other."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import signal
import subprocess
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import cli, edit, make_archive, until
from bulletins.publish import linkcheck
from zbtools import localweb

DEPLOY = Path(__file__).resolve().parent.parent / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def get(url: str, gzipped: bool = False) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzipped else {})
    try:
        with urllib.request.urlopen(request, timeout=20) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def text_of(headers: dict, body: bytes) -> str:
    return (gzip.decompress(body) if headers.get("content-encoding") == "gzip" else body).decode("utf-8")


class Nginx:
    """nginx in a folder of its own, serving archives at sub-paths, each from its publish folder."""

    def __init__(self, folder: Path, archives: dict[str, Path]) -> None:
        assert Path(NGINX).exists(), "nginx missing: bash scripts/setup --test installs nginx-light"
        self.folder, self.port = folder, localweb.free_port()
        includes = []
        for path, dest in archives.items():
            conf = DEPLOY.read_text(encoding="utf-8").replace("/zhuanbao", f"/{path}").replace("/srv/zhuanbao", str(dest))
            conf = conf.replace(f"/srv/{path}", str(dest))  # the folder line, after the sub-path was changed
            (folder / f"{path}.conf").write_text(conf, encoding="utf-8")
            includes.append(f"include {folder / (path + '.conf')};")
        (folder / "nginx.conf").write_text(f"""
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
user root;
events {{ worker_connections 256; }}
http {{
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy; fastcgi_temp_path {folder}/fcgi;
  uwsgi_temp_path {folder}/uwsgi; scgi_temp_path {folder}/scgi;
  server {{ listen 127.0.0.1:{self.port}; server_name localhost; {" ".join(includes)} }}
}}
""", encoding="utf-8")
        check = subprocess.run([NGINX, "-t", "-c", str(folder / "nginx.conf"), "-p", str(folder)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        subprocess.run([NGINX, "-c", str(folder / "nginx.conf"), "-p", str(folder)], check=True)
        until(lambda: (folder / "nginx.pid").exists())
        self.url = f"http://127.0.0.1:{self.port}/"

    @property
    def pid(self) -> int:
        return int((self.folder / "nginx.pid").read_text().strip())

    def stop(self) -> None:
        try:
            os.kill(self.pid, signal.SIGQUIT)
        except (OSError, ValueError):
            pass


def publish(root: Path, dest: Path, url: str, *more: str):
    return cli(root, "publish", str(dest), "--site-url", url, *more)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """Two archives (甲: the sample; 乙: synthetic issues), each published to its own folder and
    served at its own sub-path by one nginx; 甲 searches 乙 too (extra.search_also)."""
    top = tmp_path_factory.mktemp("publish")
    (top / "a").mkdir()
    (top / "b").mkdir()
    a = make_archive(top / "a")
    b = make_archive(top / "b", with_sample=False)
    assert cli(b, "synth", "--issues", "6", "--seed", "5").returncode == 0
    config = (a / "mkdocs.yml").read_text(encoding="utf-8").replace("site_name: 专报归档", "site_name: 甲归档")
    (a / "mkdocs.yml").write_text(config.replace("extra:\n", "extra:\n  search_also:\n    - name: 乙归档\n      url: /xihu/\n", 1),
                                  encoding="utf-8")
    (b / "mkdocs.yml").write_text((b / "mkdocs.yml").read_text(encoding="utf-8").replace("site_name: 专报归档", "site_name: 乙归档"),
                                  encoding="utf-8")
    (top / "nginx").mkdir()
    dests = {"zhuanbao": top / "srv-zhuanbao", "xihu": top / "srv-xihu"}
    web = Nginx(top / "nginx", dests)
    first = publish(a, dests["zhuanbao"], web.url + "zhuanbao/")
    assert first.returncode == 0, first.stderr
    second = publish(b, dests["xihu"], web.url + "xihu/")
    assert second.returncode == 0, second.stderr
    web.a, web.b, web.dests, web.first = a, b, dests, first
    yield web
    web.stop()


def test_publish_says_each_step_in_chinese_and_switches_current_to_the_release(published):
    lines = published.first.stdout.strip().splitlines()
    assert lines[0] == "检查数据…" and lines[-1] == f"已发布：{published.url}zhuanbao/"
    assert any(line.startswith("检查链接：") and line.endswith("全部有效") for line in lines)
    current = published.dests["zhuanbao"] / "current"
    assert current.is_symlink() and re.fullmatch(r"releases/\d{8}-\d{6}-([0-9a-f]{7}(-dirty)?|nogit)", os.readlink(current))
    assert any(line == f"切换：current → {os.readlink(current)}" for line in lines)
    assert (current / "index.html").is_file()


@pytest.mark.parametrize("path, cache", [
    ("zhuanbao/", "no-cache"), ("zhuanbao/issues/2018-033/", "no-cache"), ("zhuanbao/assets/zb/zb.css", "no-cache"),
    ("zhuanbao/search/search.js", "no-cache"), ("zhuanbao/pagefind/pagefind.js", "no-cache"),
    ("zhuanbao/pagefind/pagefind-entry.json", "no-cache")])
def test_pages_and_unfingerprinted_files_are_revalidated_with_the_security_headers(published, path, cache):
    status, headers, body = get(published.url + path, gzipped=True)
    assert status == 200 and headers["cache-control"] == cache
    assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "same-origin"
    assert "frame-ancestors 'self'" in headers["content-security-policy"]
    assert headers.get("content-encoding") == "gzip" or len(body) < 512  # nginx leaves the smallest as they are


def test_fingerprinted_files_are_cached_for_a_year(published):
    site = published.dests["zhuanbao"] / "current"
    fingerprinted = [next(site.glob("assets/stylesheets/main.*.min.css")), next(site.glob("assets/javascripts/bundle.*.min.js")),
                     next(site.glob("pagefind/fragment/*.pf_fragment")), next(site.glob("pagefind/index/*.pf_index")),
                     next(site.glob("pagefind/filter/*.pf_filter"))]
    for f in fingerprinted:
        status, headers, _ = get(published.url + "zhuanbao/" + f.relative_to(site).as_posix(), gzipped=True)
        assert status == 200 and headers["cache-control"] == "public, max-age=31536000, immutable", f
        assert headers["x-content-type-options"] == "nosniff"


def test_webassembly_is_served_as_webassembly(published):
    release = (published.dests["zhuanbao"] / "current").resolve()
    (release / "probe.wasm").write_bytes(b"\0asm\1\0\0\0")
    try:
        status, headers, _ = get(published.url + "zhuanbao/probe.wasm")
        assert status == 200 and headers["content-type"] == "application/wasm" and headers["x-content-type-options"] == "nosniff"
    finally:
        (release / "probe.wasm").unlink()


def test_a_missing_page_at_any_depth_is_the_sites_styled_404(published):
    for path in ("zhuanbao/nope", "zhuanbao/issues/2099-001/", "zhuanbao/a/b/c/d/e.html", "zhuanbao/.zhuanbao-site"):
        status, headers, body = get(published.url + path, gzipped=True)
        page = BeautifulSoup(text_of(headers, body), "html.parser")
        assert status == 404 and page.find("h1").get_text() == "页面不存在", path
        for ref in [l["href"] for l in page.select("link[rel=stylesheet]")] + [s["src"] for s in page.select("script[src]")]:
            assert get(urllib.request.urljoin(published.url + path, ref))[0] == 200, (path, ref)
        assert page.select_one("meta[http-equiv=Content-Security-Policy]")


def test_canonical_links_sitemap_and_feed_name_the_published_address(published):
    site = published.dests["zhuanbao"] / "current"
    canonical = BeautifulSoup((site / "issues/2018-033/index.html").read_text(encoding="utf-8"), "html.parser").select_one("link[rel=canonical]")
    assert canonical["href"] == published.url + "zhuanbao/issues/2018-033/"
    for name in ("sitemap.xml", "feed.xml"):
        urls = re.findall(r"https?://[^<\"\s]+", (site / name).read_text(encoding="utf-8"))
        own = [u for u in urls if "sitemaps.org" not in u and "w3.org" not in u]
        assert own and all(u.startswith(published.url + "zhuanbao/") for u in own), name


def test_search_and_filters_work_in_chromium_under_the_policy(published, browser):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.on("pageerror", lambda e: console.append(str(e)))
    try:
        page.goto(published.url + "zhuanbao/search/?q=窗口")
        page.wait_for_selector("[data-zb-searchpage][data-ready]")
        assert page.locator(".zb-result").count() > 0
        assert "（甲归档、乙归档）" in page.inner_text(".zb-status")
        for _ in range(10):  # 乙's issues are older than 甲's: further down the list, newest first
            if any(p.startswith("乙归档 · ") for p in page.locator(".zb-result__place").all_inner_texts()):
                break
            shown = page.locator(".zb-result").count()
            page.click(".zb-more")
            assert until(lambda: page.evaluate(f"document.querySelectorAll('.zb-result').length > {shown}"))
        places = page.locator(".zb-result__place").all_inner_texts()
        assert any(p.startswith("乙归档 · ") for p in places) and any(p.startswith("甲归档 · ") for p in places)
        page.locator("input[name='区县'][value='萧山区']").check()
        # polled from outside (page.evaluate): wait_for_function evaluates a string in the page, which its policy forbids
        assert until(lambda: page.evaluate("document.querySelector('[data-zb-searchpage]').dataset.ready === '1' && location.search.includes('%E5%8C%BA')"))
        assert all("萧山区" in p for p in page.locator(".zb-result__place").all_inner_texts())
        page.goto(published.url + "zhuanbao/")
        page.click("#zb-q")
        page.keyboard.type("母婴")
        page.wait_for_selector("#zb-suggest [role=option]")
        page.goto(published.url + "zhuanbao/issues/2018-033/")
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    assert not [m for m in console if "Content Security Policy" in m or "Refused" in m], console
    assert not [m for m in console if "error" in m.lower()], console


def test_a_second_publish_is_served_at_once_and_a_rollback_brings_the_first_back(published):
    dest, pid = published.dests["zhuanbao"], published.pid
    before = os.readlink(dest / "current")
    edit(published.a, "issues/2018-033/jianggan.yaml", "增设母婴室", "增设哺乳室", -1)
    # within the same second as the first: release_id numbers the second one (…-02), no waiting
    again = publish(published.a, dest, published.url + "zhuanbao/")
    assert again.returncode == 0, again.stderr
    page = lambda: text_of(*get(published.url + "zhuanbao/issues/2018-033/", gzipped=True)[1:])  # noqa: E731
    assert "增设哺乳室" in page() and published.pid == pid  # no restart, no reload
    newer = os.readlink(dest / "current")
    assert newer != before
    back = cli(published.a, "publish", str(dest), "--rollback")
    assert back.returncode == 0 and back.stdout.startswith(f"回退：current → {before}（提交 ")
    assert back.stdout.strip().endswith(f"生成；原来：{newer.split('/')[-1]}）")  # names the commit and the time
    assert os.readlink(dest / "current") == before
    assert "增设母婴室" in page() and "增设哺乳室" not in page() and published.pid == pid


def test_a_failed_publish_changes_nothing_being_served(published, tmp_path):
    dest = published.dests["zhuanbao"]
    serving = os.readlink(dest / "current")
    releases = sorted(p.name for p in (dest / "releases").iterdir())
    broken = make_archive(tmp_path)
    edit(broken, "issues/2018-033/jianggan.yaml", "position: 3", "position: 三")
    out = publish(broken, dest, published.url + "zhuanbao/")
    assert out.returncode == 1 and "没有发布" in out.stderr and "jianggan.yaml" in out.stdout + out.stderr
    assert "Traceback" not in out.stderr
    assert os.readlink(dest / "current") == serving and sorted(p.name for p in (dest / "releases").iterdir()) == releases


@pytest.mark.site
def test_keep_prunes_old_releases_but_never_the_one_served(tmp_path):
    (tmp_path / "src").mkdir()
    root = make_archive(tmp_path / "src")
    dest = tmp_path / "dest"
    names = []
    for _ in range(3):
        out = publish(root, dest, "http://zb.intranet/zhuanbao/", "--keep", "2")
        assert out.returncode == 0, out.stderr
        names.append(os.readlink(dest / "current").split("/")[-1])
    assert len(set(names)) == 3  # three publishes within a second: three names, newest last
    assert sorted(p.name for p in (dest / "releases").iterdir()) == names[1:]
    assert "删除旧版本：" + names[0] in out.stdout


@pytest.mark.site
def test_publish_refuses_what_it_cannot_do_in_chinese(tmp_path):
    (tmp_path / "src").mkdir()
    root = make_archive(tmp_path / "src")
    no_url = cli(root, "publish", str(tmp_path / "d1"))
    assert no_url.returncode == 1 and "site_url 还是本机预览地址" in no_url.stderr and not (tmp_path / "d1" / "current").exists()
    (tmp_path / "file").write_text("x")
    assert "不是文件夹" in publish(root, tmp_path / "file", "http://zb.intranet/z/").stderr
    (tmp_path / "d2" / "current").mkdir(parents=True)
    assert "不是指向某个版本的链接" in publish(root, tmp_path / "d2", "http://zb.intranet/z/").stderr
    assert "应是完整的网址" in publish(root, tmp_path / "d3", "zb.intranet/z").stderr
    nothing = cli(root, "publish", str(tmp_path / "d4"), "--rollback")
    assert nothing.returncode == 1 and "无法回退" in nothing.stderr
    for out in (no_url, nothing):
        assert "Traceback" not in out.stderr


@pytest.mark.site
def test_build_warns_once_that_the_preview_address_is_not_the_sites(tmp_path):
    root = make_archive(tmp_path)
    out = cli(root, "build")
    assert out.returncode == 0
    assert out.stderr.count("提醒：mkdocs.yml 的 site_url 是本机预览地址") == 1


def test_the_link_check_finds_a_broken_link_an_anchor_and_a_load_from_another_host(tmp_path):
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "index.html").write_text('<a href="a/">a</a><a href="a/#here">x</a><a href="a/#gone">y</a>'
                                     '<a href="b/">b</a><script src="https://cdn.example/x.js"></script>'
                                     '<link rel="canonical" href="http://zb.intranet/z/">', encoding="utf-8")
    (site / "a" / "index.html").write_text('<h2 id="here">h</h2><img src="../missing.png">', encoding="utf-8")
    report = linkcheck.check(site, "http://zb.intranet/z/")
    found = "\n".join(report.problems)
    assert report.pages == 2 and len(report.problems) == 4, found
    assert "b/ 指向不存在的文件" in found and "#gone 不在 a/index.html 中" in found
    assert "站点以外的地址 https://cdn.example/x.js" in found and "../missing.png 指向不存在的文件" in found
