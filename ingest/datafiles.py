"""Every data file under ingest/, and what editing it makes stale: the registry freshness checks read.

A data file changes results only once stored work is redone: INDEX files (the segmenter's dictionary, the
synonym forms it keeps whole, stop words) by rebuilding the index from the store; CASES files by extracting
cases again; PARSE files (decoding, cleaning, topic) only by parsing the original files again, because the
store keeps their output. A file that feeds none of these is listed in IRRELEVANT with the reason, and a
test fails on any file under a data/ folder that is in neither, so a new data file cannot be forgotten.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # where ingest/ and index/ live


class Effect(StrEnum):
    INDEX = "index"
    CASES = "cases"
    PARSE = "parse"


@dataclass(frozen=True)
class DataFile:
    path: str  # relative to PACKAGE_ROOT, with forward slashes
    effects: frozenset[Effect]

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


def _file(path: str, *effects: Effect) -> DataFile:
    return DataFile(path, frozenset(effects))


# The segmenter serves indexing and case extraction alike, so its inputs make both stale.
DATA_FILES: tuple[DataFile, ...] = (
    _file("ingest/text/data/userdict.txt", Effect.INDEX, Effect.CASES),
    _file("ingest/text/data/synonyms.txt", Effect.INDEX, Effect.CASES),  # every form is kept whole by the segmenter
    _file("ingest/text/data/stopwords.txt", Effect.INDEX),
    _file("ingest/cases/data/themes.txt", Effect.CASES),
    _file("ingest/cases/data/generic_places.txt", Effect.CASES),
    _file("ingest/cases/data/surnames.txt", Effect.CASES),
    _file("ingest/cases/data/practice_heads.txt", Effect.CASES),
    # The topic label is decided when a file is structured, from the two vocabularies meeting in a sentence.
    _file("ingest/data/property_terms.txt", Effect.PARSE),
    _file("ingest/data/party_terms.txt", Effect.PARSE),
    _file("ingest/data/noise_lines.txt", Effect.PARSE),
    _file("ingest/data/common_hanzi.txt", Effect.PARSE),  # decoding: which guess reads as Chinese
)
# path → why editing it changes nothing stored.
IRRELEVANT: dict[str, str] = {}


def registered(effect: Effect) -> list[DataFile]:
    return [data_file for data_file in DATA_FILES if effect in data_file.effects]
