"""What a newcomer reads first is short and true: README under 10,000 characters with every link
found, and every library the package imports declared (pinned) in pyproject.toml."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_readme_is_short_and_every_link_in_it_leads_somewhere():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text) < 10_000, f"README.md has {len(text)} characters: link to doc/ rather than copy"
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    assert len(targets) > 10
    missing = [t for t in targets if "://" not in t and not (ROOT / t).exists()]
    assert missing == [], missing


def _name(requirement: str) -> str:
    return re.split(r"[\[=<>~! ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_every_library_the_package_imports_is_declared_and_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_name(r): r for r in project["dependencies"]}
    tools = {_name(r): r for r in project["optional-dependencies"]["test"]}  # bench.py drives Chromium
    assert all("==" in r for r in {**declared, **tools}.values()), declared
    dists = packages_distributions()
    imported: dict[str, str] = {}
    for path in sorted([*(ROOT / "hooks" / "bulletins").rglob("*.py"), *(ROOT / "hooks" / "zbtools").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else [])
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in ("bulletins", "zbtools"):
                    imported.setdefault(top, str(path.relative_to(ROOT)))
    undeclared = {top: where for top, where in imported.items()
                  if not any(_name(d) in declared or (where.startswith("hooks/zbtools/") and _name(d) in tools)
                             for d in dists.get(top, [top]))}
    assert undeclared == {}, f"imported but not in pyproject.toml's dependencies: {undeclared}"
    assert {"lxml", "filelock", "watchdog"} <= set(imported)  # the ones this test was written for


def _stages() -> dict[str, list[str]]:
    """Each folder of the code (a stage, or the tools) → its modules, as zbtools.layers reads them."""
    from zbtools import layers

    return {f"{folder}/": modules for folder, modules in layers.folders().items()}


def _layout_blocks(layout: str) -> dict[str, str]:
    """The layout's text under each folder heading (`hooks/bulletins/`, `  files/`, `    readers/ …`)."""
    blocks: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    for line in layout.splitlines():
        heading = re.match(r"^( *)(?:hooks/)?([a-z_]+/)(?= |$)", line)
        depth = len(line) - len(line.lstrip(" "))
        if line.strip() and depth <= 4:  # a module's line or a folder's: it closes deeper folders
            stack = [(d, f) for d, f in stack if d < depth]
        if heading and depth <= 4:
            stack.append((depth, heading.group(2)))
        if stack:
            folder = "".join(f for _, f in stack)
            blocks[folder] = blocks.get(folder, "") + line + "\n"
    return blocks


def test_the_architecture_page_lists_every_module_in_its_stage_and_says_which_import_mkdocs():
    doc = (ROOT / "doc" / "architecture.md").read_text(encoding="utf-8")
    blocks = _layout_blocks(doc[doc.index("## Layout of the code"):])
    for folder, modules in _stages().items():
        assert folder in blocks, f"doc/architecture.md's layout has no {folder}"
        missing = [m for m in modules if not re.search(rf"\b{m}\b", blocks[folder])]
        assert missing == [], f"doc/architecture.md's layout does not name under {folder}: {missing}"
    package = ROOT / "hooks" / "bulletins"
    importing = sorted(str(p.relative_to(package)) for p in package.rglob("*.py")
                       if re.search(r"(?m)^\s*(from|import) mkdocs\b", p.read_text(encoding="utf-8")))
    assert importing == ["glue/mkdocs_glue.py", "glue/mkdocs_run.py", "glue/siteconfig.py"], importing
    assert "Three modules import MkDocs, all in `glue/`" in doc


def test_the_architecture_page_draws_the_stages_as_the_code_imports_them():
    from zbtools import layers

    doc = (ROOT / "doc" / "architecture.md").read_text(encoding="utf-8")
    assert f"```\n{layers.drawing()}\n```" in doc, "run python -m zbtools.layers and copy its drawing into doc/architecture.md"
