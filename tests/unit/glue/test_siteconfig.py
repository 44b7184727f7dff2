"""mkdocs.yml's settings, read through MkDocs' own config loading and options (glue/siteconfig.py):
typed, and a problem names mkdocs.yml's line."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.config import load_config

from bulletins.glue import siteconfig

REPO = Path(__file__).resolve().parents[3]


def _read(tmp_path: Path, extra: str, site_name: str = "专报归档") -> siteconfig.Settings:
    text = f"site_name: {site_name}\ndocs_dir: docs\nextra:\n{extra}"
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")
    return siteconfig.read(load_config(str(tmp_path / "mkdocs.yml")))


def _line_of(tmp_path: Path, needle: str) -> int:
    lines = (tmp_path / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if needle in line)


def test_the_samples_settings_are_read():
    settings = siteconfig.read(load_config(str(REPO / "mkdocs.yml")))
    assert settings.publisher == "杭州市“最多跑一次”改革专题组办公室"
    assert settings.licence.startswith("内部资料") and settings.search_also == ()


def test_other_archives_to_search_are_read_with_their_names(tmp_path):
    settings = _read(tmp_path, "  search_also:\n    - name: 西湖区专报 \n      url: ../xihu/\n    - name: 乙\n      url: /b/\n")
    assert settings.search_also == (("西湖区专报", "../xihu/"), ("乙", "/b/"))


@pytest.mark.parametrize("url", ["//evil.example/", "https://evil.example/", "javascript:alert(1)", "../a b/"])
def test_an_address_off_this_server_is_refused_at_its_line(tmp_path, url):
    with pytest.raises(siteconfig.ConfigError) as exc:
        _read(tmp_path, f'  generator: false\n  search_also:\n    - name: 甲\n      url: ../a/\n    - name: 乙\n      url: "{url}"\n')
    assert str(exc.value).startswith(f"mkdocs.yml:{_line_of(tmp_path, url)}:")
    assert "extra.search_also 的第 2 项的地址" in str(exc.value) and "不是本服务器上的路径" in str(exc.value)


def test_an_item_without_its_url_is_named(tmp_path):
    with pytest.raises(siteconfig.ConfigError) as exc:
        _read(tmp_path, "  search_also:\n    - name: 甲\n")
    assert str(exc.value).startswith(f"mkdocs.yml:{_line_of(tmp_path, 'name: 甲')}:")
    assert "第 1 项应写 name 和 url 两项" in str(exc.value)


def test_a_publisher_that_is_no_text_is_refused_with_its_line(tmp_path):
    with pytest.raises(siteconfig.ConfigError) as exc:
        _read(tmp_path, "  generator: false\n  publisher: 12345\n")
    assert str(exc.value) == "mkdocs.yml:5: extra.publisher 应为文字，这里是整数 — 请写成一句文字"


def test_a_near_miss_of_a_setting_is_a_typo(tmp_path):
    with pytest.raises(siteconfig.ConfigError) as exc:
        _read(tmp_path, "  license: 内部资料\n")
    assert str(exc.value) == "mkdocs.yml:4: extra.license 不是本归档的设置 — 是否应为 licence？"


def test_materials_own_settings_pass(tmp_path):
    settings = _read(tmp_path, "  generator: false\n  homepage: /\n  alternate:\n    - name: English\n      link: /en/\n")
    assert settings == siteconfig.Settings()


@pytest.mark.parametrize("extra,site_name,where", [
    ('  publisher: "办公室\\x01"\n', "专报归档", "extra.publisher"),
    ('  homepage: "/\\u200b"\n', "专报归档", "extra.homepage"),
    ("  generator: false\n", '"专报\\x07归档"', "site_name")])
def test_a_control_character_in_words_that_reach_every_page_is_refused(tmp_path, extra, site_name, where):
    with pytest.raises(siteconfig.ConfigError) as exc:
        _read(tmp_path, extra, site_name)
    assert f"{where} 中有不可见的控制字符" in str(exc.value) and str(exc.value).startswith("mkdocs.yml:")
