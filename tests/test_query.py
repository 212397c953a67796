"""Query syntax and the relevance rules that shape a query before Whoosh sees it."""
import pytest

from index.analysis import components
from index.query.filters import Filters, QuerySyntaxError, normalize_date
from index.query.syntax import QueryOptions, parse_query
from ingest.text.synonyms import (
    SynonymFileError,
    parse_groups,
    parse_synonyms,
    standard_form,
    synonym_groups,
    synonyms_of,
)


def terms_of(query):
    return {(name, text) for name, text in query.iter_all_terms()}


def test_space_separated_parts_are_all_required():
    parsed = parse_query("业委会 换届")
    assert type(parsed.query).__name__ == "And"


def test_or_and_not():
    assert type(parse_query("威海 OR 湖州").query).__name__ == "Or"
    negated = parse_query("红色物业 NOT 威海").query
    assert "Not" in repr(negated)
    assert "Not" in repr(parse_query("红色物业 -威海").query)


def test_only_exclusions_is_an_error_in_chinese():
    with pytest.raises(QuerySyntaxError, match="排除"):
        parse_query("-威海")


def test_quoted_phrase_keeps_stop_words_and_highlights_whole():
    parsed = parse_query('"业主的权利"')
    assert parsed.highlights == ["业主的权利"]
    assert ("body", "的") in terms_of(parsed.query)


def test_field_filters_are_taken_out_of_the_text():
    parsed = parse_query("place:威海 type:政策 year:2023 source:a.txt 维修")
    assert parsed.filters.places == ["威海"] and parsed.filters.doc_types == ["政策"]
    assert parsed.filters.years == ["2023"] and parsed.filters.sources == ["a.txt"]
    assert parsed.highlights[0] == "维修"


@pytest.mark.parametrize("text", ["year:23", "year:二〇二三", "place:"])
def test_bad_filters_say_what_to_fix(text):
    with pytest.raises(QuerySyntaxError):
        parse_query(text + " 维修")


def test_dates_are_normalised_and_checked():
    assert normalize_date("2023-6") == "2023-06"
    assert normalize_date("2023-06-01") == "2023-06-01"
    with pytest.raises(QuerySyntaxError):
        Filters(date_from="去年").to_query()


def test_synonyms_expand_with_lower_weight_and_are_highlighted():
    parsed = parse_query("业委会")
    assert ("body", "业主委员会") in terms_of(parsed.query)
    assert "业主委员会" in parsed.highlights
    assert "SYN" not in repr(parse_query("业委会", options=QueryOptions(synonyms=False)).query)
    assert ("body", "业主委员会") not in terms_of(parse_query("业委会", options=QueryOptions(synonyms=False)).query)


def test_synonym_file_syntax():
    table = parse_synonyms(["甲 = 乙 = 丙", "丁 = 甲"])
    assert table["甲"] == ("乙", "丙", "丁") and table["丁"] == ("甲",)
    assert parse_groups(["甲 = 乙 = 丙"]) == [("甲", "乙", "丙")]  # the standard form first
    with pytest.raises(SynonymFileError, match="synonyms.txt.*单向"):
        parse_groups(["丁 => 甲, 戊"], "data/synonyms.txt")
    with pytest.raises(SynonymFileError, match="至少两个"):
        parse_groups(["甲"])


def test_domain_synonyms_are_in_the_table():
    assert "业主委员会" in synonyms_of("业委会") and "业委会" in synonyms_of("业主委员会")
    assert standard_form("业委会") == standard_form("业主委员会") == "业主委员会"
    assert {"物业服务企业", "物业服务人"} <= set(synonyms_of("物业公司"))
    assert standard_form("维修基金") == "专项维修资金"
    assert synonyms_of("業委會") == synonyms_of("业委会")  # folded
    # Different bodies in law, and related words that are no equivalence, are not synonyms.
    assert not set(synonyms_of("业主大会")) & {"业主代表大会"}
    assert not synonyms_of("公开") and not synonyms_of("用") and not synonyms_of("撤离")
    assert all(len(group) >= 2 for group in synonym_groups()) and len(synonym_groups()) >= 40


def test_questions_do_not_require_every_word():
    query = parse_query("老旧小区没有物业怎么办").query
    assert "ANDMAYBE" in repr(query).upper() or "AndMaybe" in repr(query)
    assert "CoordinatedOr" in repr(query)


def test_grams_fallback_only_for_unknown_or_short_words():
    assert ("grams", "业委") in terms_of(parse_query("业委").query)
    assert not any(name == "grams" for name, _ in terms_of(parse_query("业主委员会 换届").query))
    unknown = terms_of(parse_query("吉盛小区").query)
    assert any(name == "grams" for name, _ in unknown) or ("body", "吉盛小区") in unknown
    assert not any(name == "grams" for name, _ in terms_of(parse_query("业委", options=QueryOptions(grams=False)).query))


def test_compounds_split_into_dictionary_parts():
    assert components("物业行业党委") == ["物业", "行业", "党委"]
    assert components("业委会") == []
