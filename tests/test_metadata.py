"""Titles, dates, document types and the topic filter from page evidence (issue 12), on small pages in our words."""
from __future__ import annotations

from click.testing import CliRunner

from index.query.filters import Filters
from index.write.pipeline import ingest_paths
from ingest.dates import url_date
from ingest.models import Block, BlockKind, RawDocument
from ingest.structure import build_documents
from search_api import service
from search_api.cli import main

BODY = ["芜湖市镜湖区柳岸社区的桃源小区成立小区党支部，党员带头参与楼道整治。",
        "物业服务企业每月向业主公开收支，业委会和党支部共同监督。"]


def build(*lines: str, title: str | None = None, url: str | None = None, kinds: dict | None = None):
    blocks = [Block(line, (kinds or {}).get(i, BlockKind.PARAGRAPH)) for i, line in enumerate(lines)]
    return build_documents(RawDocument("page.txt", "/page.txt", blocks, "txt", title=title, url=url))[0]


def test_a_timestamp_above_the_headline_is_its_date_not_its_title():
    doc = build("2024-03-08 09:12:45", "桃源小区：党支部牵头，楼道亮了！居民点赞", *BODY)
    assert doc.title == "桃源小区：党支部牵头，楼道亮了！居民点赞"
    assert (doc.date, doc.date_source) == ("2024-03-08", "stamp")
    assert "2024-03-08 09:12:45" in [p.text for p in doc.passages if p.kind == "furniture"]


def test_a_headline_keeps_its_question_mark():
    assert build("楼道堆物怎么办？党员楼长来帮忙", *BODY).title == "楼道堆物怎么办？党员楼长来帮忙"


def test_publication_lines_outlet_lines_and_url_paths_date_a_page():
    line = build("桃源小区换新颜", "来源：青河新闻网　发布时间：2023-09-01 10:00", *BODY)
    outlet = build("桃源小区换新颜", "青河日报　2023年9月2日", *BODY)
    url = build("桃源小区换新颜", *BODY, url="http://news.example.cn/html/2023/0903/1234.shtml")
    assert [(d.date, d.date_source) for d in (line, outlet, url)] == [
        ("2023-09-01", "line"), ("2023-09-02", "dateline"), ("2023-09-03", "url")]
    assert url_date("http://example.cn/content/2019-07/05/c_1.htm") == "2019-07-05"


def test_the_date_a_cited_regulation_takes_effect_is_not_the_page_date():
    doc = build("条例落地见实效", "《青河省物业管理条例》自2023年5月1日起施行以来，" + BODY[0], BODY[1])
    assert doc.date is None


def test_a_notice_with_a_document_number_and_salutation_is_policy_with_its_subtype():
    notice = build("青建房〔2024〕7号", "关于开展红色物业星级评定的通知", "各区县住建局，各物业服务企业：", *BODY)
    plan = build("青河市红色物业三年行动方案（2024—2026年）", "一、总体要求", BODY[0], "二、重点任务", BODY[1])
    news = build("桃源小区换新颜", *BODY)
    assert (notice.doc_type, notice.policy_subtype) == ("policy", "notice")
    assert (plan.doc_type, plan.policy_subtype) == ("policy", "plan")
    assert (news.doc_type, news.policy_subtype) == ("news", None)


def test_topic_filter_finds_off_topic_stories_and_show_says_why(library, tmp_path):
    (tmp_path / "red.txt").write_text("桃源小区换新颜\n" + "\n".join(BODY), encoding="utf-8")
    (tmp_path / "court.txt").write_text(
        "拒交物业费被判补缴\n青河市东城区人民法院审结一起物业服务合同纠纷，业主以电梯常坏为由拒交物业费。\n"
        "法院判决业主补交物业费，物业公司应及时维修电梯。", encoding="utf-8")
    ingest_paths([tmp_path / "red.txt", tmp_path / "court.txt"], library)
    default = service.run_search(library, "物业", filters=Filters())
    court = service.run_search(library, "物业", filters=service.build_filters(topics=["物业行业"]))
    assert [hit.source for hit in default.hits] == ["red.txt"]
    # The court story's second paragraph scores close to its first: shown under it (index/results/grouping.py).
    assert [(hit.source, hit.topic) for hit in court.hits if hit.grouped_under is None] == [("court.txt", "property-industry")]
    doc_id = default.hits[0].doc_id
    shown = CliRunner().invoke(main, ["show", doc_id, "--home", str(library.home)])
    assert shown.exit_code == 0, shown.output
    assert "主题:red-property" in shown.output and "日期:未知" in shown.output
    assert "地点 安徽省 芜湖市 镜湖区:全称,文中提到其所属省市" in shown.output


def test_a_property_regulation_keeps_its_label_and_stays_in_the_default_search():
    regulation = build("青河市物业管理办法", "第一条 为规范物业管理活动，制定本办法。",
                       "第二条 业主大会依法选举业主委员会。", "第三条 物业服务企业应当公开物业服务费收支情况。")
    notice = build("关于调整住宅小区物业服务费标准的通知", "青发改价〔2024〕3号", "各物业服务企业：",
                   "住宅小区物业服务费按新标准执行。")
    assert (regulation.policy_subtype, regulation.topic, regulation.on_topic) == ("regulation", "property-industry",
                                                                                 True)
    assert (notice.doc_type, notice.topic, notice.on_topic) == ("policy", "property-industry", False)
