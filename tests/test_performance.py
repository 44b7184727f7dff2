"""The benchmark command and the build cache. No timing is asserted here: speed is reported by
`bulletins bench` as a ratio against a baseline measured in the same run (see README)."""

from __future__ import annotations

import json

import pytest

from conftest import built, cli, soup

KEYS = {"issues", "ours_s", "baseline_s", "ratio", "peak_rss_mb", "site_mb", "query_bytes", "rebuild_s",
        "full_rebuild_s", "first_result_ms", "largest_page_kb"}


@pytest.mark.fast  # every change is seen against the bench's figures: the smoke test runs with the fast layer
def test_bench_prints_one_json_line_and_builds_the_same_pages_both_ways(archive, tmp_path):
    keep = tmp_path / "bench"
    result = cli(archive, "bench", "--issues", "3", "--seed", "2", "--runs", "1", "--json", "--keep", str(keep))
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert set(data) == KEYS and data["issues"] == 3
    assert data["ours_s"] > 0 and data["baseline_s"] > 0
    assert abs(data["ratio"] - data["ours_s"] / data["baseline_s"]) < 0.01
    assert data["peak_rss_mb"] > 50 and data["site_mb"] > 1
    assert 10_000 < data["query_bytes"] < 1_000_000 and 0 < data["rebuild_s"] <= data["full_rebuild_s"]
    assert data["first_result_ms"] is None or data["first_result_ms"] > 0
    assert 10 < data["largest_page_kb"] < 300
    ours, baseline = keep / "ours" / "site", keep / "baseline" / "site"
    assert len(list((keep / "ours" / "issues").glob("2*"))) == 3
    for page in ("issues/2018-033/index.html", "districts/gongshu/index.html", "types/zizhu-shebei/index.html"):
        a, b = soup(ours / page).select_one("article.md-content__inner"), soup(baseline / page).select_one(
            "article.md-content__inner")
        assert a.get_text(" ", strip=True) == b.get_text(" ", strip=True), page
    assert (baseline / "pagefind" / "pagefind-entry.json").is_file(), "the baseline runs the same Pagefind"
    ours_config = (keep / "ours" / "mkdocs.yml").read_text(encoding="utf-8")
    base_config = (keep / "baseline" / "mkdocs.yml").read_text(encoding="utf-8")
    assert "hooks:" not in base_config and "watch:" not in base_config
    dropped = {"hooks:", "  - hooks/archive.py", "watch:", "  - issues", "  - theme_overrides"}
    assert [x for x in ours_config.splitlines() if x not in dropped] == base_config.splitlines(), \
        "the baseline keeps every other setting (plugins: [], theme, nav, extensions)"
    assert not (baseline / "search" / "search_index.json").exists(), "Material's search stays off"


@pytest.mark.slow
def test_bench_refuses_an_existing_keep_folder(archive, tmp_path):
    result = cli(archive, "bench", "--issues", "3", "--keep", str(tmp_path))
    assert result.returncode != 0 and "已存在" in result.stderr


@pytest.mark.site
def test_parse_cache_survives_builds_and_never_serves_stale_data(archive):
    site = built(archive)
    cache = archive / ".cache" / "bulletins" / "parsed.cbor"
    assert cache.is_file()
    path = archive / "issues" / "2018-033" / "jianggan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("母婴室", "哺乳室"), encoding="utf-8")
    site = built(archive)
    text = soup(site / "issues" / "2018-033" / "index.html").select_one("#jianggan-2").get_text()
    assert "哺乳室" in text and "母婴室" not in text
    cache.write_bytes(b"not cbor at all")
    site = built(archive)
    assert "哺乳室" in soup(site / "issues" / "2018-033" / "index.html").select_one("#jianggan-2").get_text()


@pytest.mark.site
def test_an_unwritable_cache_does_not_stop_the_build(archive):
    (archive / ".cache").write_text("a file where the cache folder would go", encoding="utf-8")
    assert (built(archive) / "index.html").is_file()


def test_the_in_process_caches_see_every_change(archive):
    """What `mkdocs serve` relies on: with the process's one BuildState, an unchanged issue is
    reused and any change is read again; a fresh state shares nothing."""
    from bulletins.data.load import load_archive
    from bulletins.data.state import BuildState

    state = BuildState()
    first, _ = load_archive(archive, state=state)
    again, _ = load_archive(archive, state=state)
    fresh, _ = load_archive(archive)
    assert fresh.issues[0] is not first.issues[0] and fresh.issues[0] == first.issues[0]
    assert again.issues[0] is first.issues[0], "nothing changed: the same issue, not re-read"
    path = archive / "issues" / "2018-033" / "jianggan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("母婴室", "哺乳室"), encoding="utf-8")
    edited, _ = load_archive(archive, state=state)
    texts = [f.text for f in edited.issues[0].findings]
    assert any("哺乳室" in t for t in texts) and not any("母婴室" in t for t in texts)
    (archive / "issues" / "2018-033" / "xihu.yaml").unlink()
    removed, _ = load_archive(archive, state=state)
    assert "西湖区" not in [r.district.name for r in removed.issues[0].reports]
    path.write_text(path.read_text(encoding="utf-8").replace("findings:", "findings: 1\nx:"), encoding="utf-8")
    broken, problems = load_archive(archive, state=state)
    assert broken is None and any(p.path.endswith("jianggan.yaml") for p in problems)


def test_a_file_found_clean_is_not_checked_again_by_the_next_run_but_a_changed_one_is(archive, monkeypatch):
    """The schema check of a district file costs more than parsing it: a file the last run found
    clean (same bytes, same schemas) is not checked again; an edited file is, and its error shows."""
    from bulletins.data import schema
    from bulletins.data.load import load_archive
    from bulletins.data.state import BuildState

    _, problems = load_archive(archive, state=BuildState())
    assert not [p for p in problems if p.is_error]
    checked: list[int] = []
    real = schema.check
    monkeypatch.setattr(schema, "check", lambda data, shape: (shape is schema.DISTRICT and checked.append(1)) or real(data, shape))
    _, problems = load_archive(archive, state=BuildState())  # a new process's state: the disk cache
    assert not checked and not [p for p in problems if p.is_error]
    path = archive / "issues" / "2018-033" / "jianggan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  - text:", "  - txet:", 1), encoding="utf-8")
    _, problems = load_archive(archive, state=BuildState())
    assert len(checked) == 1
    assert any("jianggan.yaml" in str(p) and p.is_error for p in problems), problems
