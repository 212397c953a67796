from pathlib import Path

import pytest
from fixtures_build import jsonl_lines

from ingest.errors import ParseError
from ingest.parsers import parse

RECORDS = [
    {"title": "业委会换届完成", "text": "街道指导幸福里小区完成业委会换届。\n\n新一届业委会有七名成员。", "date": "2024年7月2日",
     "source": "城市晨报", "url": "https://example.org/a"},
    '{"title": "缺了半截", "text": "这一行的 JSON',
    {"text": "只有正文的记录也可以导入,标题由正文推断。"},
    {"title": "没有正文"},
    "",
    ["不是对象"],
]


def test_each_record_is_a_document_and_each_broken_line_is_reported_with_its_number():
    parsed = parse(Path("dump.jsonl"), jsonl_lines(RECORDS))
    assert [raw.record for raw in parsed.documents] == [1, 3]
    first = parsed.documents[0]
    assert (first.title, first.date, first.publisher, first.url) == (
        "业委会换届完成", "2024-07-02", "城市晨报", "https://example.org/a")
    assert [b.text for b in first.blocks] == ["街道指导幸福里小区完成业委会换届。", "新一届业委会有七名成员。"]
    assert [problem.path for problem in parsed.problems] == ["dump.jsonl:2", "dump.jsonl:4", "dump.jsonl:6"]
    assert "第 2 行不是合法的 JSON" in parsed.problems[0].reason
    assert "缺少 text" in parsed.problems[1].reason


def test_file_with_no_usable_line_fails_as_a_whole():
    with pytest.raises(ParseError, match="没有一行可用"):
        parse(Path("bad.jsonl"), b"{oops\n[1, 2]\n")


def test_body_under_content_is_accepted():
    parsed = parse(Path("crawl.jsonl"), jsonl_lines([{"content": "物业服务中心搬进了社区党群服务站。", "title": "搬家"}]))
    assert [b.text for b in parsed.documents[0].blocks] == ["物业服务中心搬进了社区党群服务站。"]
