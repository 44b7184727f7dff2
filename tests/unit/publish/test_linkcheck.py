"""publish/linkcheck.py on a small site written here: what leads somewhere passes, and each way of
leading nowhere (or out of the site) is named with its page."""

from __future__ import annotations

from pathlib import Path

from bulletins.publish import linkcheck

URL = "http://zb.intranet/z/"


def _site(tmp_path: Path, body: str, css: str = "") -> Path:
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text('<html><body><h2 id="top">x</h2><p name="old">y</p></body></html>', encoding="utf-8")
    (site / "b.css").write_text(css, encoding="utf-8")
    (site / "img.svg").write_text("<svg/>", encoding="utf-8")
    (site / "index.html").write_text(f"<html><head></head><body>{body}</body></html>", encoding="utf-8")
    (tmp_path / "secret.html").write_text("outside", encoding="utf-8")
    return site


def _problems(tmp_path: Path, body: str, css: str = "") -> list[str]:
    return linkcheck.check(_site(tmp_path, body, css), URL).problems


def test_links_that_lead_somewhere_pass_and_are_counted(tmp_path):
    site = _site(tmp_path, '<a href="a/">a</a> <a href="a/#top">t</a> <a href="a/index.html#old">o</a> '
                           '<link rel="stylesheet" href="b.css"> <img src="img.svg"> <a href="#">top</a> '
                           '<a href="/z/a/">root-relative</a> <a href="http://zb.intranet/z/a/#top">own</a> '
                           '<a href="mailto:x@y.z">m</a> <a href="a/?q=1">query</a> <a href="">none</a>',
                 "body { background: url(img.svg) } .x { background: url('data:image/png;base64,AA') }")
    report = linkcheck.check(site, URL)
    assert report.problems == []
    assert report.pages == 2 and report.links == 11


def test_a_missing_file_and_a_missing_anchor_are_named_with_their_page(tmp_path):
    problems = _problems(tmp_path, '<a href="gone.html">g</a> <a href="a/#bottom">b</a>',
                         "body { background: url(gone.png) }")
    assert problems == ["index.html：a gone.html 指向不存在的文件", "b.css：url(gone.png) 指向不存在的文件",
                        "index.html：#bottom 不在 a/index.html 中"]


def test_a_file_outside_the_site_is_never_found_there(tmp_path):
    """secret.html is beside the site folder: a link that climbs out (escaped dots) or a symbolic
    link inside the site that points out leads nowhere the published site has."""
    site = _site(tmp_path, '<a href="%2e%2e/secret.html">up</a> <a href="link.html">ln</a>')
    (site / "link.html").symlink_to(tmp_path / "secret.html")
    problems = linkcheck.check(site, URL).problems
    assert problems == ["index.html：a %2e%2e/secret.html 指向不存在的文件", "index.html：a link.html 指向不存在的文件"]


def test_other_hosts_and_paths_beside_the_site_are_refused(tmp_path):
    problems = _problems(tmp_path, '<script src="https://cdn.example/x.js"></script> <a href="/other/">o</a> '
                                   '<img src="//cdn.example/i.png"> <a href="http://zb.intranet/other/">p</a>')
    assert problems == [
        "index.html：script 指向站点以外的地址 https://cdn.example/x.js — 内网站点只能引用自己的文件",
        "index.html：a /other/ 在站点的路径（/z/）之外",
        "index.html：img 指向站点以外的地址 //cdn.example/i.png — 内网站点只能引用自己的文件",
        "index.html：a 指向站点以外的地址 http://zb.intranet/other/ — 内网站点只能引用自己的文件"]


def test_without_a_site_url_a_path_from_the_root_is_outside(tmp_path):
    site = _site(tmp_path, '<a href="/a/">r</a>')
    assert linkcheck.check(site).problems == ["index.html：a /a/ 在站点的路径（/）之外"]


def test_an_escaped_link_is_read_as_the_browser_reads_it(tmp_path):
    assert _problems(tmp_path, '<a href="a/#t&#111;p">t</a> <a href="a/&#35;bottom">b</a>') == [
        "index.html：#bottom 不在 a/index.html 中"]
