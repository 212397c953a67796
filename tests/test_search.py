import pytest

from index.query.syntax import Filters
from index.results.search import SearchRequest, search


def first_hit_text(library, query):
    result = search(library, SearchRequest(query))
    assert result.hits, f"no hit for {query}"
    return result.hits[0].text


def test_red_property_found_in_every_seed_page(corpus_library):
    result = search(corpus_library, SearchRequest("红色物业", size=20, filters=Filters()))
    assert {hit.source[:3] for hit in result.hits} == {"000", "001", "002", "003", "004"}
    assert all(hit.title and "<mark>" in hit.snippet for hit in result.hits)


@pytest.mark.parametrize("query", ["业账社管", "红心物业", "物业覆盖率", "一核两翼"])
def test_passage_containing_the_term_comes_first(corpus_library, query):
    assert query in first_hit_text(corpus_library, query)


def test_quoted_phrase_query_matches(corpus_library):
    assert "红色物业" in first_hit_text(corpus_library, '"红色物业"')


def test_traditional_query_finds_simplified_text(corpus_library):
    simplified = search(corpus_library, SearchRequest("红色物业")).total
    assert search(corpus_library, SearchRequest("紅色物業")).total == simplified


def test_snippet_is_escaped_and_marked(corpus_library):
    hit = search(corpus_library, SearchRequest("业账社管")).hits[0]
    assert "<mark>业账社管</mark>" in hit.snippet
    assert '"' not in hit.snippet.replace("<mark>", "").replace("</mark>", "")
