"""The segmenter's word frequencies on disk: a memory-mapped trie, so a process that cuts one query starts at once.

jieba keeps its dictionary (349k words and every prefix of them: 498k keys with ours) as a Python dict that it
unmarshals from a 9 MB cache at every start, about a second. Cutting a query only looks up the query's own
substrings, so `redprop search` reads them from a marisa-trie (keys → ids) and an array of counts (id → count),
both memory-mapped: opening them takes a millisecond and the pages a query touches are read on demand.

The files are built once from the in-memory dictionary (jieba's plus ours, as the segmenter assembles it) and
kept in the temp folder beside jieba's own cache, in a folder named by a fingerprint of everything that went
in: a new jieba, an edited user dictionary or synonym table gets a new folder at its first use. Bulk work
(indexing, case extraction) looks words up millions of times and loads them back into a dict
(`WordFrequencies.to_dict`), where lookups are faster.
"""
from __future__ import annotations

import array
import json
import mmap
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import marisa_trie

FORMAT = 1  # bump when the files' layout changes
WORDS_FILE = "words.marisa"  # the trie: every key of jieba's FREQ (words and their prefixes) → an id
COUNTS_FILE = "counts.u32"  # native-endian uint32 per id: the word's count, 0 for a prefix that is no word
META_FILE = "meta.json"  # the counts' total and the POS tags of our words (jieba's user_word_tag_tab)
COUNT_TYPE = "I"


class WordFrequencies(Mapping[str, int]):
    """jieba's FREQ read from the memory-mapped files: `word in f`, `f[word]`, `f.get(word)` as on the dict."""

    __slots__ = ("_counts", "_ids")

    def __init__(self, ids: marisa_trie.Trie, counts: memoryview):
        self._ids = ids
        self._counts = counts

    def __contains__(self, word: object) -> bool:
        return word in self._ids

    def __getitem__(self, word: str) -> int:
        return self._counts[self._ids[word]]

    def get(self, word: str, default: int | None = None) -> int | None:
        key_id = self._ids.get(word)
        return default if key_id is None else self._counts[key_id]

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[str]:
        return self._ids.iterkeys()

    def to_dict(self) -> dict[str, int]:
        counts = self._counts
        return {word: counts[key_id] for word, key_id in self._ids.iteritems()}


@dataclass(frozen=True)
class Dictionary:
    """What the segmenter's jieba.Tokenizer needs: FREQ, total and user_word_tag_tab."""

    frequencies: Mapping[str, int]
    total: int
    tags: dict[str, str]


def cache_folder(fingerprint: str) -> Path:
    """Where the files for `fingerprint` live: the temp folder, like jieba's cache; one per user."""
    return Path(tempfile.gettempdir()) / f"redprop-dictionary-{os.getuid()}-{fingerprint[:24]}"


def open_dictionary(fingerprint: str, build: Callable[[], Dictionary]) -> Dictionary:
    """The memory-mapped dictionary for `fingerprint`, written first from `build()` when it is missing or
    unreadable (a folder left half-written by a killed process, or another user's); `build()`'s own dictionary
    when the files cannot be written."""
    folder = cache_folder(fingerprint)
    try:
        return read(folder)
    except (OSError, ValueError, KeyError, RuntimeError):  # marisa-trie raises RuntimeError on a bad file
        pass
    built = build()
    try:
        write(folder, built)
        return read(folder)
    except (OSError, ValueError, KeyError, RuntimeError):  # e.g. a read-only temp folder: cut from memory,
        return built  # as jieba does when it cannot write its own cache


def read(folder: Path) -> Dictionary:
    """Raises OSError, ValueError or RuntimeError (marisa-trie's) when the folder is not a complete dictionary of this format of ours."""
    if folder.stat().st_uid != os.getuid():
        raise ValueError(f"{folder}: not ours")
    meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT:
        raise ValueError(f"{folder}: format {meta.get('format')}")
    ids = marisa_trie.Trie()
    ids.mmap(str(folder / WORDS_FILE))
    with open(folder / COUNTS_FILE, "rb") as file:  # the mapping stays valid after the file is closed
        counts = memoryview(mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)).cast(COUNT_TYPE)
    if len(counts) != len(ids) or len(ids) != meta["keys"]:
        raise ValueError(f"{folder}: {len(ids)} words, {len(counts)} counts")
    return Dictionary(WordFrequencies(ids, counts), meta["total"], meta["tags"])


def write(folder: Path, dictionary: Dictionary) -> None:
    """Write the files into a fresh folder beside `folder`, then rename it into place: a reader sees all of
    them or none. When another process got there first, its folder stays and ours is dropped."""
    staging = Path(tempfile.mkdtemp(prefix=folder.name + ".", dir=folder.parent))
    try:
        ids = marisa_trie.Trie(dictionary.frequencies.keys())
        counts = array.array(COUNT_TYPE, bytes(len(ids) * array.array(COUNT_TYPE).itemsize))
        for word, count in dictionary.frequencies.items():
            counts[ids[word]] = count
        ids.save(str(staging / WORDS_FILE))
        (staging / COUNTS_FILE).write_bytes(counts.tobytes())
        meta = {"format": FORMAT, "keys": len(ids), "total": dictionary.total, "tags": dictionary.tags}
        (staging / META_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        if folder.exists():  # unreadable: replace it (a reader holding its files keeps its mapping)
            shutil.rmtree(folder, ignore_errors=True)
        os.rename(staging, folder)
    except OSError:
        if not folder.exists():
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
