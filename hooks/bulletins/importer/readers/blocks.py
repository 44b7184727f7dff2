"""What every layout reader gives the importer: the document's blocks in reading order.

A reader knows its format (text, Word, PDF) and nothing of bulletins; the importer knows
bulletins and nothing of formats. A new format is one small module that returns a `Document`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class SourceError(Exception):
    """A file that cannot be read as a bulletin; the message is for the editor, in Chinese."""


@dataclass(frozen=True)
class Block:
    """One paragraph, or one table (`rows`), where the reader found it.

    `label` is a number the format draws itself (Word's automatic numbering: “1.”, “①”, “（一）”),
    kept apart from `text` because it is not typed in the text; `heading` is an outline level
    from the paragraph's style (1 for 标题 1), 0 for body text."""
    text: str
    where: str
    label: str = ""
    heading: int = 0
    rows: tuple[tuple[str, ...], ...] | None = None
    line: int = 0  # the first line's number, for text files (the editor's editor shows lines)
    aside: str = ""  # a comment or a note (批注、脚注): never body text, kept for `unplaced`

    @property
    def is_table(self) -> bool:
        return self.rows is not None

    @property
    def shown(self) -> str:
        """The paragraph as a reader sees it: its number, then its text."""
        return f"{self.label}{self.text}" if self.label else self.text


@dataclass
class Document:
    """A file's blocks, what the reader noticed (warnings for the editor) and what it left out
    on purpose as page furniture (page numbers, running heads), counted for the import's tally."""
    name: str
    blocks: list[Block]
    notes: list[str] = field(default_factory=list)
    furniture: list[str] = field(default_factory=list)
    kind: str = "文本"

    def __post_init__(self) -> None:
        if len(self.blocks) > 100_000:
            raise SourceError(f"{self.name}: 段落超过 10 万个，不是一期通报的篇幅 — 请检查文件")
