"""Regulations and notices: one passage per 条 with its label and chapter; numbered headings of notices."""
from __future__ import annotations

from pathlib import Path

from ingest.models import DocType
from ingest.parsers import parse_file
from ingest.structure import build_documents

# A made-up regulation in the usual shape: title, adoption history, 章/节/条, 款 and 项 on their own lines.
REGULATION_MD = """# 青河市住宅小区物业服务条例

(2019年6月28日青河市第十届人民代表大会常务委员会第九次会议通过　2023年4月20日青河市第十一届人民代表大会常务委员会第五次会议修正)

## 第一章  总  则

第一条 为了规范住宅小区物业服务，维护业主合法权益，结合本市实际，制定本条例。

第二条 本市行政区域内住宅小区的物业服务及其监督管理，适用本条例。

## 第二章 业主组织

### 第一节 业主大会

第三条 一个物业管理区域成立一个业主大会。

业主大会由物业管理区域内全体业主组成。

第四条 下列事项由业主共同决定：

（一）制定和修改业主大会议事规则；

（二）选举业主委员会或者更换业主委员会成员；

（三）使用专项维修资金。

### 第二节 业主委员会

第五条 业主委员会执行业主大会的决定，接受业主监督。

## 第三章 附则

第六条 本条例自2023年7月1日起施行。
"""


def regulation(tmp_path: Path, name: str = "青河条例.md", text: str = REGULATION_MD):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    documents = [doc for raw in parse_file(path, path.read_bytes()) for doc in build_documents(raw)]
    assert len(documents) == 1
    return documents[0]


def test_one_passage_per_clause_with_label_and_chapter(tmp_path):
    doc = regulation(tmp_path)
    assert doc.doc_type == DocType.POLICY and doc.title == "青河市住宅小区物业服务条例"
    clauses = [p for p in doc.passages if p.clause]
    assert [p.clause for p in clauses] == ["第一条", "第二条", "第三条", "第四条", "第五条", "第六条"]
    assert clauses[0].chapter == "第一章 总则"
    assert clauses[3].chapter == "第二章 业主组织" and clauses[3].heading == "第一节 业主大会"
    assert clauses[4].heading == "第二节 业主委员会"


def test_paragraphs_and_items_stay_inside_their_clause(tmp_path):
    clauses = {p.clause: p for p in regulation(tmp_path).passages if p.clause}
    assert "全体业主组成" in clauses["第三条"].text
    fourth = clauses["第四条"].text
    assert fourth.startswith("第四条 下列事项") and "（一）制定" in fourth and "（三）使用专项维修资金" in fourth


def test_history_is_kept_and_dates_the_text_in_force(tmp_path):
    doc = regulation(tmp_path)
    assert doc.date == "2023-04-20" and not doc.date_inferred
    assert "修正" in doc.passages[0].text and doc.passages[0].clause is None


def test_plain_text_regulation_without_markup(tmp_path):
    text = "\n".join(line.lstrip("# ") for line in REGULATION_MD.splitlines())
    doc = regulation(tmp_path, "青河条例.txt", text)
    assert [p.clause for p in doc.passages if p.clause][-1] == "第六条"
    assert {p.chapter for p in doc.passages if p.clause} == {"第一章 总则", "第二章 业主组织", "第三章 附则"}


NOTICE = """青住建发〔2023〕12号

关于开展住宅小区红色物业创建工作的实施方案

一、总体要求

以党建引领基层治理为主线，推动物业服务融入社区治理。

二、主要任务

（一）建强小区党组织。每个住宅小区应建立党组织或者党的工作小组。

（二）健全协商机制。社区党组织牵头召开联席会议，协调解决小区问题。

三、保障措施

各街道要把红色物业创建纳入年度考核。

青河市住房和城乡建设局

二〇二三年七月一日
"""


def test_notice_numbering_becomes_headings(tmp_path):
    path = tmp_path / "方案.txt"
    path.write_text(NOTICE, encoding="utf-8")
    (doc,) = [d for raw in parse_file(path, path.read_bytes()) for d in build_documents(raw)]
    assert doc.title == "关于开展住宅小区红色物业创建工作的实施方案" and doc.doc_type == DocType.POLICY
    by_text = {p.text[:7]: p for p in doc.passages}
    assert by_text["以党建引领基层"].chapter == "一、总体要求"
    assert by_text["（一）建强小区"].chapter == "二、主要任务" and by_text["（一）建强小区"].heading == "（一）建强小区党组织"
    assert by_text["各街道要把红色"].chapter == "三、保障措施"
    assert doc.passages[0].text == "青住建发〔2023〕12号"  # the document number is kept, not taken for the title
    assert doc.date == "2023-07-01" and not doc.date_inferred  # signed at its foot


def test_label_on_its_own_line_and_numbered_items_inside(tmp_path):
    text = ("青河市物业服务规定\n\n第一条\n\n为了规范物业服务，制定本规定。\n\n第二条 物业服务企业应当：\n\n"
            "①公开收费标准；\n\n②按约定维修养护；\n\n③接受业主监督。\n\n第三条 本规定自发布之日起施行。\n")
    doc = regulation(tmp_path, "规定.txt", text)
    clauses = [p for p in doc.passages if p.clause]
    assert clauses[0].text == "第一条 为了规范物业服务，制定本规定。"
    assert clauses[1].text.count("\n") == 3 and "③接受业主监督" in clauses[1].text
    assert not doc.captions


def test_traditional_script_regulation_reads_the_same(tmp_path):
    text = "青河市物業服務規定\n\n第一章 總則\n\n第一條 為了規範物業服務，制定本規定。\n\n第二條 本規定適用於本市住宅小區。\n\n第三條 本規定自公佈之日起施行。\n"
    doc = regulation(tmp_path, "規定.txt", text)
    clauses = [p for p in doc.passages if p.clause]
    assert [p.clause for p in clauses] == ["第一条", "第二条", "第三条"]  # labels as identifiers, simplified
    assert clauses[0].chapter == "第一章 總則" and clauses[0].text.startswith("第一條 為了")  # text as written


def test_document_number_above_a_regulation_is_not_its_title(tmp_path):
    text = "青政发〔2023〕5号\n\n" + "\n".join(line.lstrip("# ") for line in REGULATION_MD.splitlines())
    assert regulation(tmp_path, "令.txt", text).title == "青河市住宅小区物业服务条例"
