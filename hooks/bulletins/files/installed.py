"""Where the project's own files are, for an archive that has none of its own.

An office's archive (made by `bulletins init`) holds only its data and settings: the page
templates, the theme's overrides and the editors' guide come from the installed project, so an
upgrade never means editing an archive. The sample archive, which is the project's checkout,
finds its own folders here too.
"""

from __future__ import annotations

from pathlib import Path

PROJECT = Path(__file__).resolve().parents[3]  # hooks/bulletins/files/installed.py → the checkout (editable install)
THEME = PROJECT / "theme_overrides"
GUIDE = PROJECT / "docs" / "guide.md"


def theme_dir(root: Path) -> Path:
    """The archive's own theme_overrides/ when it has one (the sample does), else the project's."""
    own = root / "theme_overrides"
    return own if own.is_dir() else THEME


def templates_dir(root: Path) -> Path:
    """The page-body templates (jinja2)."""
    return theme_dir(root) / "zb"
