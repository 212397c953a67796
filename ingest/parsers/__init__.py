"""Format parsers behind one registry: suffix → parser.

A parser takes the file's path and bytes and returns the `RawDocument`s it holds. Parsers are the only
code that looks inside files; everything after works on `RawDocument`s. A parser of a many-record format
(JSONL) returns `Parsed` instead, so one broken record is reported on its own while the rest are ingested.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import IngestError, UnsupportedFormat
from ingest.models import RawDocument


@dataclass
class Parsed:
    """The documents a file holds, plus problems with parts of it (each naming e.g. "dump.jsonl:17")."""

    documents: list[RawDocument]
    problems: list[IngestError] = field(default_factory=list)


Parser = Callable[[Path, bytes], "list[RawDocument] | Parsed"]
PARSERS: dict[str, Parser] = {}


def register(*suffixes: str) -> Callable[[Parser], Parser]:
    def decorate(parser: Parser) -> Parser:
        for suffix in suffixes:
            PARSERS[suffix] = parser
        return parser

    return decorate


def supported_suffixes() -> list[str]:
    return sorted(PARSERS)


def parser_for(path: Path) -> Parser:
    parser = PARSERS.get(path.suffix.lower())
    if parser is None:
        raise UnsupportedFormat(str(path), f"不支持的文件类型 {path.suffix or '(无扩展名)'};支持 {' '.join(supported_suffixes())}")
    return parser


def parse(path: Path, data: bytes) -> Parsed:
    result = parser_for(path)(path, data)
    return result if isinstance(result, Parsed) else Parsed(result)


def parse_file(path: Path, data: bytes) -> list[RawDocument]:
    return parse(path, data).documents


# Importing the modules registers their parsers.
from ingest.parsers import docx, html, jsonl, legacy_word, markdown, ofd, pdf, text  # noqa: F401
