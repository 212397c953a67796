"""JSON Lines crawler dumps: one record per line with `text` (or `content`) and optional `title`, `date`,
`source`, `url`.

Each record is its own RawDocument (record = line number). A broken line is reported with its line number
("dump.jsonl:17") while the other lines are ingested; only a file with no usable line fails as a whole.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from ingest.decode import decode_bytes
from ingest.errors import ParseError
from ingest.models import Block, RawDocument
from ingest.parsers import Parsed, register
from ingest.parsers.common import iso_date, squeeze

# Paragraphs of `text` are separated by newlines (blank or not); each becomes a block.
PARAGRAPH_BREAK = re.compile(r"\s*\n\s*")
OPTIONAL_FIELDS = ("title", "date", "source", "url")
TEXT_FIELDS = ("text", "content")  # crawler dumps often call the body "content"
# How many broken lines a wholly broken file's error quotes.
QUOTED_PROBLEMS = 3


@register(".jsonl", ".ndjson")
def parse_jsonl(path: Path, data: bytes) -> Parsed:
    text = decode_bytes(data, str(path))
    parsed = Parsed([])
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            parsed.documents.append(_record(path, number, line))
        except ParseError as problem:
            parsed.problems.append(problem)
    if not parsed.documents and parsed.problems:
        quoted = ";".join(problem.reason for problem in parsed.problems[:QUOTED_PROBLEMS])
        raise ParseError(str(path), f"没有一行可用的记录({len(parsed.problems)} 行有误:{quoted})")
    return parsed


def _record(path: Path, number: int, line: str) -> RawDocument:
    where = f"{path}:{number}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise ParseError(where, f"第 {number} 行不是合法的 JSON({error.msg},第 {error.colno} 列)") from None
    if not isinstance(record, dict):
        raise ParseError(where, f"第 {number} 行不是 JSON 对象")
    body = next((record[name] for name in TEXT_FIELDS if isinstance(record.get(name), str)), None)
    if body is None or not body.strip():
        raise ParseError(where, f"第 {number} 行缺少 text 字段或正文为空")
    fields = {name: _string(record.get(name)) for name in OPTIONAL_FIELDS}
    blocks = [Block(text) for paragraph in PARAGRAPH_BREAK.split(body.strip()) if (text := squeeze(paragraph))]
    return RawDocument(
        source=path.name, path=str(path), blocks=blocks, fmt="jsonl", title=fields["title"],
        date=iso_date(fields["date"]) or fields["date"],
        publisher=fields["source"], url=fields["url"], record=number,
    )


def _string(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
