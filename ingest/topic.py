"""What an article is about: red property, the property industry, other party building, or none of these.

Red-property work is party organisation leading property management, so its evidence is the two vocabularies
meeting in one sentence ("小区党支部牵头，业委会…"), not one keyword: a court story on 物业费 has the property
words and no party words, a rural cooperative or red-tourism story the party words and no property words, and
those are near-misses (issue 12). The label comes with a score and the evidence; `on_topic` means red property.
The vocabularies are data files (data/property_terms.txt, data/party_terms.txt).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ingest.text.fold import fold

DATA = Path(__file__).parent / "data"
LABELS = ("red-property", "property-industry", "party-building-other", "unrelated")
ON_TOPIC_LABEL = "red-property"
# Sentences end at these; a paragraph (line) is the wider unit.
SENTENCE_SPLIT = re.compile(r"[。!?！？;；\n]")
# Sentences with both vocabularies needed for red property; a paragraph holding both in different sentences
# counts half (a report may name the 党支部 in one sentence and what it did with the 业委会 in the next).
RED_MIN_EVIDENCE = 1.0
PARAGRAPH_ONLY_WEIGHT = 0.5
TITLE_PAIR_WEIGHT = 1.0
# Sentences with one vocabulary needed for the property-industry or party-building label.
SIDE_MIN_SENTENCES = 1
# Evidence at which the score reaches 1.0 (scores say how clear the label is, for sorting and thresholds).
SATURATION = 4.0


@dataclass(frozen=True)
class TopicScore:
    label: str
    score: float  # 0..1: how clearly the text carries its label's evidence
    both: float  # sentences holding both vocabularies (+ half for paragraphs holding both apart)
    property_sentences: int
    party_sentences: int
    hits: dict[str, int] = field(default_factory=dict)  # term → sentences it occurs in

    @property
    def on_topic(self) -> bool:
        return self.label == ON_TOPIC_LABEL


def _terms(name: str) -> tuple[str, ...]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return tuple(fold(line.strip()) for line in lines if line.strip() and not line.lstrip().startswith("#"))


@lru_cache(maxsize=1)
def property_terms() -> tuple[str, ...]:
    return _terms("property_terms.txt")


@lru_cache(maxsize=1)
def party_terms() -> tuple[str, ...]:
    return _terms("party_terms.txt")


def topic_score(text: str, folded: bool = False, title: str | None = None) -> TopicScore:
    """The label and its evidence; `folded=True` when the caller already folded the text (and title).

    A title is what the article is about: one vocabulary in the title and the other in the body pair up as
    much as one sentence holding both ("不忘初心 牢记使命" over a report on a property association's work)."""
    folded_text = text if folded else fold(text)
    hits: dict[str, int] = {}
    both = 0.0
    property_sentences = party_sentences = 0
    # A sentence can hold only the terms its text holds: one scan of the text per term, then few per sentence.
    body_property_terms = tuple(term for term in property_terms() if term in folded_text)
    body_party_terms = tuple(term for term in party_terms() if term in folded_text)
    if title:
        folded_title = title if folded else fold(title)
        title_property = _found(folded_title, property_terms(), hits)
        title_party = _found(folded_title, party_terms(), hits)
        both += TITLE_PAIR_WEIGHT * ((title_property and title_party) or (title_property and bool(body_party_terms))
                                     or (title_party and bool(body_property_terms)))
    for paragraph in folded_text.split("\n"):
        paragraph_property = paragraph_party = paragraph_both = False
        for sentence in SENTENCE_SPLIT.split(paragraph):
            found_property = _found(sentence, body_property_terms, hits)
            found_party = _found(sentence, body_party_terms, hits)
            property_sentences += found_property
            party_sentences += found_party
            paragraph_property |= found_property
            paragraph_party |= found_party
            if found_property and found_party:
                both += 1
                paragraph_both = True
        if paragraph_property and paragraph_party and not paragraph_both:
            both += PARAGRAPH_ONLY_WEIGHT
    if both >= RED_MIN_EVIDENCE:
        label, evidence = "red-property", both
    elif property_sentences >= SIDE_MIN_SENTENCES and property_sentences >= party_sentences:
        label, evidence = "property-industry", property_sentences
    elif party_sentences >= SIDE_MIN_SENTENCES:
        label, evidence = "party-building-other", party_sentences
    else:
        label, evidence = "unrelated", 0
    score = 1.0 if label == "unrelated" else round(min(1.0, evidence / SATURATION), 3)
    return TopicScore(label, score, both, property_sentences, party_sentences, hits)


def _found(sentence: str, terms: tuple[str, ...], hits: dict[str, int]) -> bool:
    found = False
    for term in terms:
        if term in sentence:
            hits[term] = hits.get(term, 0) + 1
            found = True
    return found


def on_topic(text: str, folded: bool = False) -> bool:
    return topic_score(text, folded).on_topic
