"""The search filters' names, defined once: the index's filters, the pages' links into search,
names.json, the filter pane and search.js (which imports them from the generated search/facets.js)."""

from __future__ import annotations

import json

from bulletins.analysis.patterns import PENDING, RECURRING

DISTRICT, TYPE, DEPARTMENT, YEAR, PATTERN, MONTH = "区县", "问题类型", "部门", "年份", "规律", "月份"
FACETS = (DISTRICT, TYPE, DEPARTMENT, YEAR, PATTERN, MONTH)  # 月份: carried by heat-map links, no box
VALUES_OF_PATTERN = (RECURRING, PENDING)  # the values of 规律: named by the analysis (patterns.py)

MODULE = "search/facets.js"


def module() -> bytes:
    """The ES module search.js imports its filter names from (written into every site)."""
    names = json.dumps(list(FACETS), ensure_ascii=False)
    return (f"// Written by the build (its facets module): the search filters' names.\n"
            f"export const FACETS = {names};\n").encode("utf-8")
