"""The pipeline, with no MkDocs in it: load → validate → model → indexes → page specs + exports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment

from . import export, gitdata, history, render
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
    changed: dict

    def update_date(self, url: str) -> str | None:
        """The sitemap date of a page: when its issue's data last changed in git."""
        issue = self.pages[url].context.get("issue") if url in self.pages else None
        when = self.changed.get(issue.id) if issue is not None else None
        return when.isoformat() if when else None

    def render(self, url: str) -> str:
        spec = self.pages[url]
        return render.render(self.env, spec.template, url, spec.context)


def build_site(root: Path, site_url: str, site_name: str) -> Site:
    archive, problems = load_archive(root)
    if archive is None or errors(problems):
        raise ArchiveError(problems)
    indexes = build_indexes(archive)
    commits = gitdata.commits_by_issue(root)
    changed = history.last_changed(commits)
    fixes = history.corrections(root, commits, {i.id for i in archive.issues})
    pages = all_pages(SiteData(archive, indexes, changed, fixes))
    env = render.environment(root)
    env.globals["registry"] = archive.registry
    assets = {
        export.ARCHIVE_JSON: export.archive_json(archive),
        export.FINDINGS_CSV: export.findings_csv(archive),
        export.FEED: export.feed_xml(archive, site_url, site_name),
    }
    return Site(archive, indexes, pages, assets, problems, env, changed)
