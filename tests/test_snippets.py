"""Snippets: the best window around matches, cut at sentence or clause boundaries, escaped, matches marked."""
from index.results.snippets import highlight, snippet

LONG = (
    "第一句讲别的事情,和查询无关。" * 6
    + "小区业主委员会集中换届扎实开展,换届前进行离任审计。"
    + "最后一句也讲别的事情,同样无关。" * 12
)


def test_short_text_is_marked_whole():
    assert snippet("业委会完成换届。", ["换届"]) == "业委会完成<mark>换届</mark>。"


def test_window_is_around_the_matches_and_cut_at_sentence_boundaries():
    result = snippet(LONG, ["换届", "离任审计"])
    body = result.strip("…")
    assert "<mark>换届</mark>" in result and "<mark>离任审计</mark>" in result
    assert result.startswith("…") and result.endswith("…")
    assert body.startswith(("第一句", "小区", "最后一句"))
    assert body.endswith(("。", ","))
    assert len(body.replace("<mark>", "").replace("</mark>", "")) <= 200


def test_html_is_escaped_outside_and_inside_marks():
    result = snippet('<b>"红色物业"</b> & 业委会', ["红色物业"])
    assert "<b>" not in result and "&lt;b&gt;" in result and "&amp;" in result
    assert "<mark>红色物业</mark>" in result


def test_traditional_text_is_marked_on_its_own_characters():
    assert highlight("推進紅色物業建設", ["红色物业"]) == "推進<mark>紅色物業</mark>建設"


def test_no_match_gives_the_beginning():
    result = snippet(LONG, ["不存在"])
    assert result.startswith("第一句") and "<mark>" not in result
