from pathlib import Path

from fixtures_build import zh

from ingest.models import BlockKind
from ingest.parsers import parse_file

NOTE = """---
title: "红色物业工作简报"
date: 2024-07-27
source: 市物业管理协会
---
# 工作简报

## 一、**总体情况**

本月共有 **12 个**小区完成*物业服务*考评,详见[考评结果](https://example.org/r)。

![居民议事会现场](photo.jpg)

- 新增楼栋长 `30` 名
- 解决居民诉求 _56_ 件

> 下一步将推广幸福里小区的经验。

**二、存在问题**

| 小区 | 得分 |
|---|---|
| 幸福里 | 95 |
"""


def test_front_matter_is_metadata_and_markup_is_removed():
    [raw] = parse_file(Path("brief.md"), NOTE.encode("utf-8"))
    assert (raw.title, raw.date, raw.publisher) == ("红色物业工作简报", "2024-07-27", "市物业管理协会")
    assert [(b.kind, b.text, b.level) for b in raw.blocks] == [
        (BlockKind.HEADING, "工作简报", 1),
        (BlockKind.HEADING, "一、总体情况", 2),
        (BlockKind.PARAGRAPH, "本月共有 12 个小区完成物业服务考评,详见考评结果。", 0),
        (BlockKind.CAPTION, "居民议事会现场", 0),
        (BlockKind.PARAGRAPH, "新增楼栋长 30 名", 0),
        (BlockKind.PARAGRAPH, "解决居民诉求 56 件", 0),
        (BlockKind.PARAGRAPH, "下一步将推广幸福里小区的经验。", 0),
        (BlockKind.HEADING, "二、存在问题", 3),
        (BlockKind.PARAGRAPH, "小区 得分", 0),
        (BlockKind.PARAGRAPH, "幸福里 95", 0),
    ]


def test_text_file_keeps_markdown_style_headline_marks():
    [raw] = parse_file(Path("page.txt"), "# 头版头条\n\n正文第一段。\n#不是标题".encode())
    assert [(b.kind, b.text) for b in raw.blocks] == [
        (BlockKind.HEADING, "头版头条"), (BlockKind.PARAGRAPH, "正文第一段。"), (BlockKind.PARAGRAPH, "#不是标题")]


def test_soft_wrapped_lines_join_and_setext_headings_are_headings():
    text = "议事会纪要\n=====\n\n居民代表提出,小区东门\n的路灯需要维修。\n物业公司当场答复。\n\n后续安排\n---\n一周内完成。\n"
    [raw] = parse_file(Path("minutes.md"), zh(text).encode("utf-8"))
    assert [(b.kind, b.text, b.level) for b in raw.blocks] == [
        (BlockKind.HEADING, "议事会纪要", 1),
        (BlockKind.PARAGRAPH, zh("居民代表提出,小区东门的路灯需要维修。"), 0),
        (BlockKind.PARAGRAPH, "物业公司当场答复。", 0),
        (BlockKind.HEADING, "后续安排", 2),
        (BlockKind.PARAGRAPH, "一周内完成。", 0),
    ]
