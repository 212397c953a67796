""""Why this result / why no result": how a query and a passage are segmented and which query words matched.

A user who sees no result can tell whether the dictionary cut a word differently in the text (then the word
only matches as a substring, or not at all) and what userdict.txt or synonyms.txt would need.
"""
from __future__ import annotations

from index.analysis import analyze, components, gram_phrases, query_words, stopwords
from index.query.filters import QuerySyntaxError
from index.query.syntax import WORD_FIELDS, QueryOptions, parse_query
from index.results.related import related_expansion
from index.store.library import Library
from index.store.related_terms import related_terms
from ingest.text.fold import fold
from ingest.text.segmenter import is_known
from ingest.text.synonyms import standard_form, synonyms_of

SUBSTRING_HINT = "段落里有“{word}”这几个字,但分词时被切进了别的词;若它是一个词,请加入 ingest/text/data/userdict.txt"


class UnknownPassage(LookupError):
    """The passage id to compare with does not exist."""


def segment(text: str) -> list[dict]:
    """Every term the analyzer makes of `text`: main words and the dictionary words found inside them."""
    return [{"text": t.text, "start": t.start, "end": t.end, "pos": t.pos, "main": t.main} for t in analyze(text)]


def explain_query(text: str) -> dict:
    words = []
    kept = set(query_words(text))
    for term in analyze(text):
        if not term.main:
            continue
        words.append({
            "text": term.text, "start": term.start, "end": term.end,
            "stopword": term.text in stopwords() and term.text not in kept,
            "known": is_known(term.text), "synonyms": list(synonyms_of(term.text)),
            "standard": standard_form(term.text),
            "parts": components(term.text), "grams": gram_phrases(term.text),
        })
    try:
        parsed = str(parse_query(text, options=QueryOptions()).query)
    except QuerySyntaxError as error:
        parsed = f"查询语法错误:{error}"
    return {"text": text, "folded": fold(text), "words": words, "terms": segment(text), "parsed": parsed}


def match_word(word: dict, passage_terms: set[str], passage_text: str) -> dict:
    """How one query word meets the passage: as a word, through a synonym, only as characters, or not at all."""
    if word["text"] in passage_terms:
        return {"word": word["text"], "matched": "word"}
    for synonym in word["synonyms"]:
        if all(part in passage_terms for part in query_words(synonym)):
            return {"word": word["text"], "matched": "synonym", "via": synonym}
    if fold(word["text"]) in passage_text:
        return {"word": word["text"], "matched": "substring", "hint": SUBSTRING_HINT.format(word=word["text"])}
    return {"word": word["text"], "matched": None}


def count_passages(library: Library, words: list[dict]) -> None:
    """How many passages use each query word as a word: 0 means the dictionary cuts the text differently."""
    if not library.index.exists():
        return
    with library.index.live_searcher() as searcher:
        for word in words:
            word["passages"] = max(searcher.doc_frequency(name, word["text"]) for name in WORD_FIELDS)


def add_related(library: Library, query: dict, text: str) -> None:
    """Each word's related terms learned from the corpus (strongest first), and the ones a search for `text` adds
    below the user's words (index/results/related.py: those related to several of its words)."""
    words = query["words"]
    found = related_terms(library.store, [word["text"] for word in words])
    for word in words:
        word["related"] = [{"word": r.related, "score": round(r.score, 3), "documents": r.documents}
                           for r in found.get(word["text"], [])]
    try:
        parsed = parse_query(text, options=QueryOptions())
    except QuerySyntaxError:
        parsed = None
    expanded = parsed is not None and parsed.question and not parsed.excludes  # as search() decides
    query["expansion"] = [{"word": e.word, "weight": round(e.weight, 3)} for e in
                          related_expansion(library.store, parsed.highlights, set(parsed.highlights))] if expanded else []


def explain(library: Library, text: str, passage_id: str | None = None) -> dict:
    result = {"query": explain_query(text)}
    count_passages(library, result["query"]["words"])
    add_related(library, result["query"], text)
    if passage_id is None:
        return result
    rows = library.store.passages([passage_id])
    if passage_id not in rows:
        raise UnknownPassage(passage_id)
    row = rows[passage_id]
    fields = {"title": row["title"], "heading": " ".join(filter(None, [row["chapter"], row["heading"], row["clause"]])),
              "body": row["text"]}
    terms = {name: segment(value) for name, value in fields.items()}
    vocabulary = {term["text"] for field_terms in terms.values() for term in field_terms}
    folded = fold(" ".join(fields.values()))
    matches = [match_word(word, vocabulary, folded) for word in result["query"]["words"] if not word["stopword"]]
    result["passage"] = {
        "passage_id": passage_id, "doc_id": row["doc_id"], **fields,
        "terms": terms, "matches": matches,
    }
    return result
