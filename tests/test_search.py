"""Search: exact find-in-page over every finding, filters, pinyin; run through the site's own search.js."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from bulletins.data.load import load_archive
from bulletins.search import searchindex
from conftest import FIXTURES, SAMPLE_TXT, built, cli, make_archive, node_search, serve, soup


def keys_of(r: dict) -> tuple[str, str, str]:
    return (r["issue"], r["district"], r["anchor"])


def run(site: Path, url: str, queries: list[dict]) -> list[list[dict]]:
    return node_search(site, url, queries)


# --- the acceptance checks of the issue, on the sample ---------------------------------------

def test_acceptance_queries_on_the_sample(sample_site, sample_url):
    cases = [
        {"q": "母婴"}, {"q": "看与工作无关书籍"}, {"q": "gongshu"}, {"q": "gs"},
        {"q": "自助机", "filters": {"区县": "萧山区"}}, {"q": "", "filters": {"问题类型": "自助设备"}},
        {"q": "", "filters": {"年份": "2018"}}, {"q": "", "filters": {"年份": "2017"}},
    ]
    mother, books, pinyin, initials, machine, selfservice, y2018, y2017 = run(sample_site, sample_url, cases)
    assert [keys_of(r) for r in mother] == [("2018-033", "江干区", "jianggan-2")]
    assert [keys_of(r) for r in books] == [("2018-033", "拱墅区", "gongshu-1")]
    assert {r["district"] for r in pinyin} == {"拱墅区"} and len(pinyin) == 3
    assert initials == pinyin
    assert [r["district"] for r in machine] == ["萧山区"]
    archive = json.loads((sample_site / "data" / "archive.json").read_text(encoding="utf-8"))
    findings = [f for i in archive["issues"] for d in i["districts"] for f in d["findings"]]
    assert {r["anchor"] for r in selfservice} == {f["id"].split("-", 2)[2] for f in findings if "自助设备" in f["types"]}
    assert len(y2018) == len(findings) == 44 and y2017 == []


def test_a_result_names_issue_date_district_types_and_links_the_finding(sample_site, sample_url):
    [[r]] = run(sample_site, sample_url, [{"q": "母婴室"}])
    assert r["url"] == sample_url + "issues/2018-033/#jianggan-2"
    assert (r["issue"], r["number"], r["date"], r["district"]) == ("2018-033", 33, "2018-09-21", "江干区")
    assert "母婴室" in r["text"] and r["types"] and isinstance(r["departments"], list)
    page = soup(sample_site / "issues" / "2018-033" / "index.html")
    assert page.find(id="jianggan-2") is not None, "the anchor a result links to exists"


def test_several_terms_mean_and_and_empty_means_nothing(sample_site, sample_url):
    both, one, none, nothing, named = run(sample_site, sample_url, [
        {"q": "窗口 税务", "literal": True}, {"q": "窗口"}, {"q": "窗口 没有这个词语"}, {"q": "   "},
        {"q": "窗口 税务"}])
    assert both and all("窗口" in r["text"] and "税务" in r["text"] for r in both)
    assert len(both) < len(one)
    assert none == [] and nothing == []
    # read as names: 税务 is a department, so it filters and 窗口 is matched in the text
    assert named and all("窗口" in r["text"] and "税务" in r["departments"] for r in named)


def test_filters_combine_any_within_and_across(sample_site, sample_url):
    two, crossed = run(sample_site, sample_url, [
        {"q": "", "filters": {"区县": ["萧山区", "拱墅区"]}},
        {"q": "", "filters": {"区县": ["萧山区", "拱墅区"], "问题类型": "自助设备"}}])
    assert {r["district"] for r in two} == {"萧山区", "拱墅区"} and len(two) == 7
    assert crossed and all("自助设备" in r["types"] for r in crossed)
    assert {r["district"] for r in crossed} <= {"萧山区", "拱墅区"}


def test_results_are_newest_first_in_bulletin_order(synth_site):
    with serve(synth_site) as url:
        [results] = run(synth_site, url, [{"q": "", "filters": {"区县": "上城区"}}])
    dates = [r["date"] for r in results]
    assert dates == sorted(dates, reverse=True) and len(set(dates)) > 10


def test_normalize_is_the_same_in_python_and_javascript(sample_site, sample_url):
    samples = ["９月１８日", "Ａｂｃ  ABC", "（祥园路 101 号）", "\u3000全角空格\u00a0", "㎡ ①②", "ﾊﾝｶｸ", "a\tb\nc",
               "𠀀字", "İstanbul", "e\u0301"]
    got = run(sample_site, sample_url, [{"normalize": s} for s in samples])
    assert got == [searchindex.normalize(s) for s in samples]


# --- quality: finding-level recall and precision of 1.0 on sampled strings ---------------------

def _truth(root: Path) -> list[dict]:
    archive, _ = load_archive(root)
    out = []
    for rec in searchindex.records(archive):
        for f in json.loads(rec.meta["findings"]):
            out.append({"key": (rec.meta["issue"], rec.meta["district"], f["a"]),
                        "norm": searchindex.normalize(f["text"]), "text": f["text"], "keys": f["keys"]})
    return out


def _matches(f: dict, query: str) -> bool:
    """The documented rule: every space-separated term is in the text, or is a pinyin key prefix."""
    terms = [searchindex.normalize(t) for t in query.split()]
    return all(t in f["norm"] or (re.fullmatch("[a-z]{2,}", t) and any(k.startswith(t) for k in f["keys"]))
               for t in terms if t)


def _sample(truth: list[dict], seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = [f["text"] for f in truth]
    words = set()
    for t in texts:  # whole words: clauses between punctuation, and the registry keywords in use
        words.update(w for w in re.split(r"[，,。；;：:、（）()“”\s]+", t) if 2 <= len(w) <= 8)
    archive_words = sorted(words)
    queries = rng.sample(archive_words, min(70, len(archive_words)))
    for _ in range(110):  # arbitrary pieces of 2–4 characters, across word boundaries
        t = rng.choice(texts)
        n = rng.randint(2, 4)
        if len(t) > n:
            start = rng.randrange(len(t) - n)
            piece = t[start:start + n]
            if piece.strip() and not re.search(r"\s", piece):
                queries.append(piece)
    queries += [rng.choice(rng.choice(texts)) for _ in range(15)]  # single characters
    for _ in range(20):  # two pieces of one finding: AND
        t = rng.choice(texts)
        a, b = rng.randrange(max(1, len(t) - 3)), rng.randrange(max(1, len(t) - 3))
        queries.append(f"{t[a:a + 2]} {t[b:b + 3]}")
    queries += ["gongshu", "gs", "xiaoshan", "xs", "zzsb", "zizhu", "chuangkou", "fuy"]
    queries += ["母婴室拱墅", "自助机故障了吗", "最多跑两次", "zzzq"]  # absent
    return [q for q in queries if q.strip()]


def _quality(site: Path, root: Path, seed: int, minimum: int) -> None:
    truth = _truth(root)
    queries = _sample(truth, seed)
    assert len(queries) >= minimum
    with serve(site) as url:
        answers = run(site, url, [{"q": q, "literal": True} for q in queries])  # text, as sampled
    wrong = []
    for q, got in zip(queries, answers):
        expected = [f["key"] for f in truth if _matches(f, q)]
        found = [keys_of(r) for r in got]
        if sorted(found) != sorted(expected) or len(found) != len(set(found)):
            missing = set(expected) - set(found)
            extra = set(found) - set(expected)
            wrong.append(f"{q!r}: missing {sorted(missing)[:3]} extra {sorted(extra)[:3]}")
    assert not wrong, f"{len(wrong)} of {len(queries)} queries wrong:\n" + "\n".join(wrong[:20])


def test_quality_recall_and_precision_are_one_on_synthetic_archive(synth_site):
    _quality(synth_site, synth_site.parent, seed=11, minimum=200)


@pytest.mark.site
def test_quality_on_bulletins_the_project_has_never_seen(tmp_path):
    root = make_archive(tmp_path, with_sample=False)
    for name in ("2019-010-yi.txt", "2020-021-paren.md"):
        result = cli(root, "import", "--publish", str(FIXTURES / name))
        assert result.returncode == 0, result.stderr
    assert cli(root, "import", "--publish", str(SAMPLE_TXT)).returncode == 0
    _quality(built(root), root, seed=5, minimum=200)


# --- the index itself -------------------------------------------------------------------------

def test_index_is_pagefind_with_our_facets_and_no_material_search(sample_site):
    pf = sample_site / "pagefind"
    assert (pf / "pagefind.js").is_file() and (pf / "pagefind-entry.json").is_file()
    entry = json.loads((pf / "pagefind-entry.json").read_text())
    assert list(entry["languages"]) == ["zh"]
    assert {p.name for p in (pf / "filter").iterdir()}, "filters were indexed"
    assert not (sample_site / "search" / "search_index.json").exists()
    assert not (pf / "pagefind-ui.js").exists(), "Pagefind's own UI is not shipped"
    assert not list(sample_site.rglob("search_record*")), "records are never part of the site"
    page = soup(sample_site / "search" / "index.html")
    # every facet has a group in the pane but 月份, which heat-map links carry
    assert [lg.get_text() for lg in page.select(".zb-facet legend")] == [f for f in searchindex.FACETS if f != "月份"]
    js = (sample_site / "search" / "search.js").read_text(encoding="utf-8")
    assert 'import { FACETS } from "./facets.js"' in js
    facets_js = (sample_site / "search" / "facets.js").read_text(encoding="utf-8")
    assert 'export const FACETS = ["区县", "问题类型", "部门", "年份", "规律", "月份"];' in facets_js


def test_index_words_are_letters_only_pairs_with_an_end_mark():
    words = searchindex.grams(searchindex.normalize("窗口 2.3.4 A"))
    assert all(re.fullmatch("r[a-q]{10}", w) for w in words)
    text = "窗口2.3.4a"
    pairs = {text[i:i + 2] for i in range(len(text) - 1)}
    assert len(words) == len(pairs) + 1, "every pair once, and the last character with the end mark"
    assert "r" + searchindex._spell("a") + "qqqqq" in words
    keys = searchindex.key_words(["gongshu"])
    assert keys == {"s" + "".join(searchindex._spell(c) for c in "gongshu")}


@pytest.mark.parametrize("query", ["<img src=x onerror=alert(1)>", "\"'&;", "../../etc/passwd", "%00", "a" * 300])
def test_hostile_queries_just_find_nothing(sample_site, sample_url, query):
    [got] = run(sample_site, sample_url, [{"q": query}])
    assert got == []


WHOLE = re.compile(r"(?:\d+(?:[.,:：]\d+)*\s*(?:年|月|日|时|分|号|点|%|％)?\s*)+|[A-Za-z][A-Za-z0-9._-]*")


def test_previews_start_and_end_at_a_word_boundary_never_inside_a_number_or_date(sample_site, sample_url):
    texts = [
        "经查，" + "窗口人员离岗情况较多" * 3 + "，12 月 30 日复查时仍有 3 名工作人员不在岗，已责令整改并通报批评，要求 15:00 前上报。",
        "有群众反映，交警综合窗口每天 15:00 就出现系统故障，导致其无法正常办理业务，12 月 14 日至 12 月 20 日共 37 次。" * 2,
        "本周电话回访 15729 件，满意率 97.30%，" + "群众反映排队时间长" * 6 + "，A3 窗口 12345 热线。",
    ]
    queries = [{"excerpt": t, "terms": [term], "width": w} for t in texts for term in ("复查", "12 月", "系统", "热线", "排队")
               for w in (20, 30, 45)]
    shown = node_search(sample_site, sample_url, queries)
    for q, preview in zip(queries, shown):
        body = preview.strip("…")
        assert body in q["excerpt"], (q, preview)
        at = q["excerpt"].index(body)
        for m in WHOLE.finditer(q["excerpt"]):
            a, b = m.start(), m.end()
            assert not (a < at < b and q["excerpt"][a:at].strip()), (preview, m.group())  # starts inside
            end = at + len(body)
            assert not (a < end < b and q["excerpt"][end:b].strip()), (preview, m.group())  # ends inside
        assert not preview.startswith("…2 月") and not preview.startswith("…0 日")


# --- the filter pane's counts ----------------------------------------------------------------

def _tally(results: list[dict]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {"区县": {}, "年份": {}, "月份": {}, "问题类型": {}, "部门": {}}
    for r in results:
        for facet, values in (("区县", [r["district"]]), ("年份", [r["date"][:4]]), ("月份", [r["date"][:7]]),
                              ("问题类型", r["types"]), ("部门", r["departments"])):
            for v in values:
                out[facet][v] = out[facet].get(v, 0) + 1
    return out


def test_every_count_in_the_filter_pane_is_the_number_of_findings_ticking_it_shows(synth_site):
    """With synonyms (one word of a group finds the group), pinyin (a word read as text and as a
    name) and plain words: each value's count is what ticking it lists, and the results are exactly
    the findings archive.json's texts say they are."""
    root = synth_site.parent
    groups = [[searchindex.normalize(w) for w in g] for g in load_archive(root)[0].registry.synonyms]
    truth = _truth(root)
    queries = ["自助机", "自助终端", "排队", "离岗", "玩手机", "网络故障", "满意率", "窗口", "自助机 排队",
               "xs", "zizhu", "gongshu", "zz", "zzsb", "故障", "群众", "不满意", "等候 窗口"]
    with serve(synth_site) as url:
        opened = run(synth_site, url, [{"q": q, "open": True, "literal": False, "limit": 100000} for q in queries])
        checks = []
        for q, got in zip(queries, opened):
            assert not got["filters"], (q, got["filters"])  # none of these is read as a name
            terms = [searchindex.normalize(t) for t in q.split()]
            alts = [next((g for g in groups if t in g), [t]) for t in terms]
            expected = sorted(f["key"] for f in truth
                              if all(any(a in f["norm"] for a in alt) or (re.fullmatch("[a-z]{2,}", t) and any(k.startswith(t) for k in f["keys"]))
                                     for t, alt in zip(terms, alts)))
            assert sorted(keys_of(r) for r in got["results"]) == expected, q
            assert got["total"] == len(expected), q
            tally = _tally(got["results"])
            for facet, counted in tally.items():
                shown = {v: n for v, n in got["counts"].get(facet, {}).items() if n}
                assert shown == counted, (q, facet, shown, counted)
            for value, n in sorted(got["counts"].get("规律", {}).items()):
                checks.append((q, {"规律": [value]}, n))
            for facet in ("区县", "问题类型"):  # and ticking a value lists that many
                for value, n in sorted(tally[facet].items())[:3]:
                    checks.append((q, {facet: [value]}, n))
        listed = run(synth_site, url, [{"q": q, "filters": f} for q, f, _ in checks])
    assert [len(r) for r in listed] == [n for _, _, n in checks]


def test_a_word_with_synonyms_costs_one_index_chunk_not_one_per_synonym(synth_site):
    """自助机 has seven synonyms: the index resolved them, so the browser loads one chunk (it loaded
    one per synonym and pair of characters: 330 KB a query at 1,040 issues)."""
    from zbtools import bench

    with serve(synth_site) as url:
        total, files = bench.query_bytes(synth_site, url)
    chunks = [f for f in files if f.startswith("index/")]
    assert len(chunks) == 1, files
    assert not any(f.endswith("sounds.json") for f in files)  # the suggestions' words: only when nothing is found
    assert total < 100_000, files


# --- everyday wording: phrases, synonyms inside them, pinyin words ---------------------------

def _count(truth: list[dict], *words: str) -> int:
    return sum(all(w in f["norm"] for w in words) for f in truth)


def test_a_phrase_that_finds_fewer_than_its_words_apart_offers_them_apart_in_one_tap(synth_site):
    truth = _truth(synth_site.parent)
    texts = [f["norm"] for f in truth]
    phrase = None
    for t in texts:  # a phrase of the archive whose two words, apart, are in more findings
        for k in range(len(t) - 4):
            a, b = t[k:k + 2], t[k + 2:k + 5]
            if re.fullmatch(r"[\u4e00-\u9fff]{5}", a + b) and _count(truth, a, b) > _count(truth, a + b) >= 1:
                phrase = (a, b)
                break
        if phrase:
            break
    assert phrase, "the synthetic archive has no such phrase"
    a, b = phrase
    with serve(synth_site) as url:
        got, = run(synth_site, url, [{"q": a + b, "open": True, "literal": True, "limit": 1000}])
    assert len(got["results"]) == _count(truth, a + b)
    offers = [s for s in got["suggestions"] if s["query"].split() == [a, b]]
    assert offers and offers[0]["label"] == f"分开搜索“{a} {b}”", got["suggestions"]
    assert offers[0]["total"] == _count(truth, a, b)


def test_a_phrase_holding_a_word_with_synonyms_finds_the_phrase_with_each_of_them(synth_site):
    root = synth_site.parent
    groups = [[searchindex.normalize(w) for w in g] for g in load_archive(root)[0].registry.synonyms]
    truth = _truth(root)
    chosen = None
    for group in groups:  # a group word followed by the same characters after another word of its group
        for w in group:
            for f in truth:
                at = f["norm"].find(w)
                tail = f["norm"][at + len(w):at + len(w) + 2] if at >= 0 else ""
                if re.fullmatch(r"[\u4e00-\u9fff]{2}", tail) and any(_count(truth, m + tail) for m in group if m != w):
                    chosen = (w, tail, group)
                    break
            if chosen:
                break
        if chosen:
            break
    assert chosen, "no phrase of a synonym and what follows it in two forms"
    w, tail, group = chosen
    expected = sorted(f["key"] for f in truth if any(m + tail in f["norm"] for m in group))
    with serve(synth_site) as url:
        found, literal = run(synth_site, url, [{"q": w + tail}, {"q": w + tail, "literal": True}])
    assert sorted(keys_of(r) for r in found) == expected
    assert len(literal) == _count(truth, w + tail) < len(expected)


def test_a_word_typed_in_pinyin_is_offered_as_the_whole_word_first(synth_site):
    with serve(synth_site) as url:
        got, = run(synth_site, url, [{"q": "zizhuji", "open": True}])
    assert got["results"] == []
    assert got["suggestions"][0]["query"] == "自助机", [s["label"] for s in got["suggestions"]]
