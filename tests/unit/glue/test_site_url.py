"""mkdocs.yml's site_url read as MkDocs reads it, not by a pattern over the text."""

from __future__ import annotations

from bulletins.glue.mkdocs_run import declared_site_url


def test_site_url_from_an_environment_variable_and_from_an_inherited_file(tmp_path, monkeypatch):
    (tmp_path / "docs").mkdir()
    monkeypatch.setenv("ZB_SITE_URL", "http://zb.intranet/zhuanbao/")
    (tmp_path / "mkdocs.yml").write_text("site_name: 专报\nsite_url: !ENV [ZB_SITE_URL, 'http://127.0.0.1:8000/']\n",
                                         encoding="utf-8")
    assert declared_site_url(tmp_path) == "http://zb.intranet/zhuanbao/"
    (tmp_path / "base.yml").write_text("site_url: http://zb.intranet/xihu/  # 西湖区\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("INHERIT: base.yml\nsite_name: 专报\n", encoding="utf-8")
    assert declared_site_url(tmp_path) == "http://zb.intranet/xihu/"


def test_no_site_url_or_a_config_mkdocs_refuses_gives_none_and_no_traceback(tmp_path, capsys):
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: 专报\n", encoding="utf-8")
    assert declared_site_url(tmp_path) == ""
    (tmp_path / "mkdocs.yml").write_text("site_name: 专报\nsite_url: [不是地址\n", encoding="utf-8")
    assert declared_site_url(tmp_path) == ""
    assert "Traceback" not in capsys.readouterr().err
