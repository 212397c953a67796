"""Plain text: one block per non-empty line (re-joining lines broken mid-sentence is cleaning's job).

OCR and e-paper exports often mark headlines Markdown-style ("# 标题", "## 小标题"); those lines are
headings here too.
"""
from __future__ import annotations

from pathlib import Path

from ingest.decode import decode_bytes
from ingest.models import Block, BlockKind, RawDocument
from ingest.parsers import register
from ingest.parsers.common import squeeze
from ingest.parsers.markdown import HEADING


def text_blocks(text: str) -> list[Block]:
    blocks = []
    for raw in text.splitlines():
        line = squeeze(raw)
        if not line:
            continue
        heading = HEADING.match(line)
        blocks.append(Block(heading.group(2), BlockKind.HEADING, len(heading.group(1))) if heading else Block(line))
    return blocks


@register(".txt", ".text")
def parse_text(path: Path, data: bytes) -> list[RawDocument]:
    text = decode_bytes(data, str(path))
    return [RawDocument(source=path.name, path=str(path), blocks=text_blocks(text), fmt="txt")]
