"""Plain text and Markdown: one block per non-empty line; Markdown `#` lines become headings."""
from __future__ import annotations

import re
from pathlib import Path

from ingest.decode import decode_bytes
from ingest.models import Block, BlockKind, RawDocument
from ingest.parsers import register

MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def text_blocks(text: str, markdown: bool) -> list[Block]:
    blocks = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        heading = MARKDOWN_HEADING.match(line) if markdown or line.startswith("#") else None
        if heading:
            blocks.append(Block(heading.group(2), BlockKind.HEADING, len(heading.group(1))))
        else:
            blocks.append(Block(line))
    return blocks


@register(".txt", ".text")
def parse_text(path: Path, data: bytes) -> list[RawDocument]:
    text = decode_bytes(data, str(path))
    return [RawDocument(source=path.name, path=str(path), blocks=text_blocks(text, markdown=False), fmt="txt")]


@register(".md", ".markdown")
def parse_markdown(path: Path, data: bytes) -> list[RawDocument]:
    text = decode_bytes(data, str(path))
    return [RawDocument(source=path.name, path=str(path), blocks=text_blocks(text, markdown=True), fmt="md")]
