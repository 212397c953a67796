"""A clause whose opening sentence names the question's words is about them.

Regulations are drafted subject first: a 条 opens with what it rules on (业主委员会任期为三至五年; 物业服务用房的
坐落和面积应当…), while a word that comes up only later in a clause is mostly a condition or a cross-reference
(…对符合业主大会成立条件的，应当…). BM25F counts both alike. So, for a question, each of its best matching clauses
is raised by up to OPENING_SHARE of its score, in proportion to the share of the question's words that its opening
sentence holds (the word or one of its synonyms), each word counted by its idf as coordination counts it
(index/engine/coordination.py). Questions only, as for related terms: a keyword query's passages rank by what they
hold. Measured on the dev halves: docs/relevance.md.
"""
from __future__ import annotations

import re

import numpy as np

from index.engine.bm25f import word_idf
from index.query.syntax import WORD_FIELDS, is_weak
from index.results.neighbours import REGULATION_TYPE
from ingest.policy import CLAUSE
from ingest.text.fold import fold
from ingest.text.synonyms import synonyms_of

# Of a clause's score, the most its opening can add (dev: 0.1, 0.2, 0.3, 0.5; 0.2 best on the policy samples,
# the fixtures the same at 0.1-0.3).
OPENING_SHARE = 0.2
# The best matches looked at: the opening raises a score by a fifth at most, so a clause far below a page does
# not reach it (dev: 30, 100 and 300 gave the same figures), and each one looked at is read from the store.
OPENING_SOURCES = 30
# Where a clause's opening sentence ends. The colon too: a defining clause's opening is its lead (…下列条件：).
# A fixed number of characters instead (30, 60) did worse on the dev halves.
SENTENCE_END = re.compile(r"[。；;：:\n]")
OPENING_READ = 300  # characters of a clause read for its first sentence (a longer one is cut there)


def opening(text: str) -> str:
    """A clause's first sentence, without its label (第十二条), folded."""
    folded = fold(text[:OPENING_READ])
    match = CLAUSE.match(folded)
    body = match.group("body") if match else folded
    end = SENTENCE_END.search(body)
    return body[: end.start()] if end else body


def question_forms(words: list[str]) -> list[tuple[str, ...]]:
    """The question's words worth looking for (no one-character words), each with its synonyms."""
    return [(word, *synonyms_of(word)) for word in dict.fromkeys(words) if not is_weak(word)]


def opening_share(head: str, forms: list[tuple[str, ...]], weights: list[float]) -> float:
    """The weighted share of the question's words that `head` holds (0..1)."""
    total = sum(weights)
    found = sum(weight for weight, group in zip(weights, forms, strict=True) if any(form in head for form in group))
    return found / total if total else 0.0


def with_openings(searcher, store, columns, docnums: np.ndarray, scores: np.ndarray, words: list[str]
                  ) -> np.ndarray:
    """`scores` with each of the OPENING_SOURCES best matching clauses raised by its opening's share of the
    question's `words` (ParsedQuery.words; OPENING_SHARE at most); other passages (news paragraphs) are left as
    they are."""
    forms = question_forms(words)
    types = columns.values["doc_type"]
    if not forms or not len(scores) or REGULATION_TYPE not in types.labels:
        return scores
    best = (np.argpartition(-scores, OPENING_SOURCES)[:OPENING_SOURCES] if len(scores) > OPENING_SOURCES
            else np.arange(len(scores)))
    best = best[types.codes[docnums[best]] == types.labels.index(REGULATION_TYPE)]  # news has no clauses
    ids = {searcher.stored_fields(int(docnums[position]))["passage_id"]: position for position in best}
    clauses = store.clause_texts(ids)
    if not clauses:
        return scores
    # each word's idf as its pooled BM25F term has it: the pooled word is as common as its commonest form
    weights = [min(word_idf(searcher, WORD_FIELDS, form) for form in group) for group in forms]
    raised = scores.copy()
    for passage_id, text in clauses.items():
        position = ids[passage_id]
        raised[position] = scores[position] * (1 + OPENING_SHARE * opening_share(opening(text), forms, weights))
    return raised
