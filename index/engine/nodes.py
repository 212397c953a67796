"""The query node types the query layer builds and the searcher type readers hold (Whoosh's), named here so
that only the engine imports Whoosh.

`from index.engine import nodes as q` reads like Whoosh's own `from whoosh import query as q`; a node tree is
handed back to the engine (index/engine/collect.py) to evaluate.
"""
from __future__ import annotations

from whoosh.query import (
    And,
    AndMaybe,
    AndNot,
    ConstantScoreQuery,
    Every,
    Not,
    NullQuery,
    Or,
    Phrase,
    Prefix,
    Query,
    Require,
    Term,
    TermRange,
)
from whoosh.searching import Searcher

from index.engine.bm25f import FieldedTerm, WhenRare
from index.engine.coordination import CoordinatedOr
from index.engine.documents import DOCUMENT_FIELDS, SHARED_FIELDS, InDocument
from index.engine.substrings import Contains

__all__ = [
    "DOCUMENT_FIELDS", "SHARED_FIELDS", "And", "AndMaybe", "AndNot", "ConstantScoreQuery", "Contains", "CoordinatedOr",
    "Every", "FieldedTerm",
    "InDocument", "Not", "NullQuery", "Or", "Phrase", "Prefix", "Query", "Require", "Searcher", "Term", "TermRange",
    "WhenRare",
]
