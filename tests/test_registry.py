"""Registries are data; every slug is checked against pypinyin and the hand-written reading."""

from pypinyin import lazy_pinyin

from bulletins.data.registry import load_registry
from bulletins.data.textutil import toneless
from conftest import REPO



def _registry():
    registry, problems = load_registry(REPO)
    assert registry is not None, problems
    return registry


def _reads_as(names: tuple[str, ...], slug: str) -> bool:
    """Some run of characters in the name or an alias reads, in pypinyin, exactly as the slug."""
    for name in names:
        for i in range(len(name)):
            for j in range(i + 1, len(name) + 1):
                if "".join(lazy_pinyin(name[i:j])) == slug:
                    return True
    return False


def test_district_slugs_match_the_reading_and_pypinyin():
    for d in _registry().districts:
        assert d.slug.replace("-", "") == toneless(d.pinyin), d.name
        if d.slug == "xihu-fengjingqu":  # 西湖 + 风景区, an abbreviation, checked by hand
            continue
        assert _reads_as((d.name, *d.aliases), d.slug.replace("-", "")), d.name


def test_jianggan_is_read_by_hand_not_by_pypinyin():
    d = _registry().district_by_slug("jianggan")
    assert d.pinyin == "jiāng gān"
    assert d.slug == "jianggan"


def test_required_problem_types_exist_and_slugs_are_pinyin():
    reg = _registry()
    for name in ("排队等候", "窗口纪律", "自助设备", "办事指南", "引导服务", "满意度回访"):
        assert reg.type(name) is not None
    for t in reg.types:
        assert t.slug.replace("-", "") == "".join(lazy_pinyin(t.name)), t.name


def test_aliases_resolve_and_are_unambiguous():
    reg = _registry()
    seen = {}
    for d in reg.districts:
        for alias in d.aliases:
            assert alias not in seen, f"{alias} 同时属于 {seen[alias]} 和 {d.name}"
            seen[alias] = d.name
    assert reg.district_by_any_name("杭州高新开发区（滨江）").slug == "binjiang"
    assert reg.district_by_any_name("高新区(滨江)").slug == "binjiang"


def test_2021_reorganisation_can_be_followed():
    reg = _registry()
    assert reg.district_by_slug("xiacheng").successors == ("gongshu",)
    assert set(reg.district_by_slug("jianggan").successors) == {"shangcheng", "qiantang"}
    assert "yuhang" in reg.district_by_slug("linping").predecessors
    import datetime as dt
    assert not reg.district_by_slug("xiacheng").valid_on(dt.date(2021, 5, 1))
    assert reg.district_by_slug("qiantang").valid_on(dt.date(2021, 5, 1))


def test_metrics_have_unit_and_kind():
    reg = _registry()
    assert reg.metric("满意率").kind == "percent"
    for name in ("回访量", "未接通", "满意", "基本满意", "不满意", "短信发送", "回复", "呼出", "接通"):
        assert reg.metric(name).kind == "count" and reg.metric(name).unit


def test_synonyms_are_registry_data_and_each_word_belongs_to_one_group():
    groups = _registry().synonyms
    self_service = next(g for g in groups if "自助机" in g)
    assert {"自助终端", "自助服务机", "自助设备"} <= set(self_service)
    words = [w for g in groups for w in g]
    assert len(words) == len(set(words))


def test_a_word_in_two_synonym_groups_or_of_one_character_is_refused_with_its_line(tmp_path):
    import re
    from conftest import cli, make_archive
    root = make_archive(tmp_path)
    path = root / "issues/registry/synonyms.yaml"
    path.write_text("groups:\n  - words: [自助机, 自助终端]\n  - words: [排队, 自助机]\n  - words: [等, 等候]\n",
                    encoding="utf-8")
    out = cli(root, "validate")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert re.search(r"issues/registry/synonyms\.yaml:3:\d+: 错误：“自助机”已在第 1 组", out.stderr), out.stderr
    assert re.search(r"issues/registry/synonyms\.yaml:4:\d+: 错误：“等”只有一个字", out.stderr), out.stderr
    path.write_text("groups:\n  - words: [自助机]\n", encoding="utf-8")
    assert re.search(r"synonyms\.yaml:2:\d+: 错误：“同义词”（words）至少要有 2 项，这里只有 1 项", cli(root, "validate").stderr)
