"""Registries are data; every slug is checked against pypinyin and the hand-written reading."""

from pypinyin import lazy_pinyin

from bulletins.registry import load_registry
from bulletins.textutil import toneless
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
