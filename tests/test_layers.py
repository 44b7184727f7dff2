"""The folders are the stages data flows through, and imports point one way (zbtools/layers.py):
files → data → analysis, review, edit → importer, site → search → glue → publish → the command."""

from __future__ import annotations

import re
from pathlib import Path

from zbtools import layers


def test_no_import_runs_up_the_stages_or_between_folders_of_one_step():
    assert layers.breaks() == []


def test_no_modules_import_each_other_in_a_loop():
    assert layers.cycles() == []


def test_every_folder_is_a_placed_stage_of_at_most_fifteen_modules():
    placed = {s for step in layers.STEPS for s in step}
    for folder, mods in layers.folders().items():
        assert layers.stage_of(folder.replace("/", ".") + ".x") in placed, folder
        assert len(mods) <= layers.MAX_MODULES, (folder, mods)


def test_only_the_glue_speaks_mkdocs_and_only_the_command_line_reaches_the_tools():
    mods = layers.modules()
    for name, path in mods.items():
        if re.search(r"(?m)^\s*(from|import) mkdocs[.\s]", path.read_text(encoding="utf-8")):
            assert name.startswith("bulletins.glue."), name
    users = {name for name, targets in layers.imports().items() if any(t.startswith("zbtools.") for t in targets)}
    assert {u for u in users if u.startswith("bulletins")} == {"bulletins.cli"}


def _tree(tmp: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp / rel).write_text(text, encoding="utf-8")
    for folder in ("bulletins", "zbtools"):
        (tmp / folder).mkdir(exist_ok=True)
    return tmp


def test_the_check_sees_an_import_up_the_stages_a_sideways_one_and_a_loop(tmp_path):
    hooks = _tree(tmp_path, {
        "bulletins/__init__.py": "",
        "bulletins/files/__init__.py": "", "bulletins/data/__init__.py": "",
        "bulletins/analysis/__init__.py": "", "bulletins/review/__init__.py": "",
        "bulletins/files/safefile.py": "def f():\n    from bulletins.data import model\n",  # lazy, and up
        "bulletins/data/model.py": "from ..files import safefile\n",
        "bulletins/analysis/rates.py": "from bulletins.review.facts import X\n",  # sideways
        "bulletins/review/facts.py": "X = 1\nfrom . import semdiff\n",
        "bulletins/review/semdiff.py": "from .facts import X\n",
    })
    found = sorted(layers.breaks(hooks))
    assert found == ["bulletins/analysis/rates.py:1: bulletins/analysis/ imports bulletins.review.facts (bulletins/review/)",
                     "bulletins/files/safefile.py:2: bulletins/files/ imports bulletins.data.model (bulletins/data/)"]
    assert sorted(layers.cycles(hooks)) == [["bulletins.data.model", "bulletins.files.safefile"],
                                            ["bulletins.review.facts", "bulletins.review.semdiff"]]


def test_no_folder_of_the_code_is_named_like_the_built_site():
    """A folder named site/ is what .gitignore files, copies and backups skip (the built site's
    name): the stage of pages once was, and a copy of the archive lost it."""
    assert not [f for f in layers.folders() if f.split("/")[-1] in ("site", ".cache")]
