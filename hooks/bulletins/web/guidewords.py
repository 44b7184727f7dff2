"""The editors' guide speaks of the archive's own districts and office, not of the sample's.

docs/guide.md writes its examples with markers (`[[区县1]]`, `[[单位]]`…) that every build fills
from the archive's registry and mkdocs.yml, so one guide serves any office. A plain replacement,
not a template language: the guide quotes CI files full of `${{ … }}`.
"""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

from bulletins.data.model import Archive

MARKER = re.compile(r"\[\[([^\[\]\n]{1,8})\]\]")
_FALLBACK = ("甲区", "乙县", "丙市")


def initials(name: str) -> str:
    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()


def words(archive: Archive | None, site_name: str, publisher: str) -> dict[str, str]:
    """Each marker's words for this archive (the first districts in the registry's order)."""
    districts = sorted(archive.registry.districts, key=lambda d: d.order) if archive else []
    names = [d.name for d in districts[:3]] + list(_FALLBACK[len(districts[:3]):])
    slugs = [d.slug for d in districts[:3]] + ["jiaqu", "yixian", "bingshi"][len(districts[:3]):]
    latest = archive.latest if archive else None
    out = {"单位": publisher or site_name, "通报": (latest.series if latest else "") or site_name,
           "标题": (latest.report_title if latest else "") or f"各地{site_name}情况通报"}
    for n, (name, slug) in enumerate(zip(names, slugs), 1):
        out[f"区县{n}"], out[f"拼音{n}"], out[f"首字母{n}"] = name, slug, initials(name)
    return out


def fill(markdown: str, table: dict[str, str]) -> str:
    """The guide with every marker it knows filled; an unknown marker stays as written."""
    return MARKER.sub(lambda m: table.get(m.group(1), m.group(0)), markdown)
