"""Format parsers behind one registry: suffix → parser.

A parser takes the file's path and bytes and returns the `RawDocument`s it holds. Parsers are the only
code that looks inside files; everything after works on `RawDocument`s.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingest.errors import UnsupportedFormat
from ingest.models import RawDocument

Parser = Callable[[Path, bytes], list[RawDocument]]
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


def parse_file(path: Path, data: bytes) -> list[RawDocument]:
    return parser_for(path)(path, data)


# Importing the modules registers their parsers.
from ingest.parsers import text  # noqa: F401
