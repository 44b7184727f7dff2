"""The pipeline, with no MkDocs in it: load → validate → model → indexes → page specs + exports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment

from . import export, render
from .indexes import Indexes, build_indexes
from .load import load_archive
from .model import Archive
from .pages import PageSpec, SiteData, all_pages
from .problems import ArchiveError, Problem, errors


@dataclass
class Site:
    archive: Archive
    indexes: Indexes
    pages: dict[str, PageSpec]
    assets: dict[str, bytes]  # path in the site → content
    problems: list[Problem]
    env: Environment

    def render(self, url: str) -> str:
        spec = self.pages[url]
        return render.render(self.env, spec.template, url, spec.context)


def build_site(root: Path, site_url: str, site_name: str) -> Site:
    archive, problems = load_archive(root)
    if archive is None or errors(problems):
        raise ArchiveError(problems)
    indexes = build_indexes(archive)
    pages = all_pages(SiteData(archive, indexes))
    env = render.environment(root)
    env.globals["registry"] = archive.registry
    assets = {
        export.ARCHIVE_JSON: export.archive_json(archive),
        export.FINDINGS_CSV: export.findings_csv(archive),
        export.FEED: export.feed_xml(archive, site_url, site_name),
    }
    return Site(archive, indexes, pages, assets, problems, env)
