"""Small hand-made libraries for search tests: documents with places, dates, topics and reposts set directly,
since those fields come from ingestion stages other tests cover."""
from __future__ import annotations

from index.store.library import Library
from index.write.pipeline import ingest_paths
from ingest.models import DocType, Document, Passage, passage_id


def document(doc_id: str, title: str, texts: list[str], *, source: str | None = None, places=(), date=None,
             doc_type=DocType.NEWS, on_topic=True, canonical_id=None) -> Document:
    passages = [Passage(passage_id(doc_id, i), i, text) for i, text in enumerate(texts)]
    return Document(doc_id=doc_id, source=source or f"{doc_id}.txt", path=f"/fixtures/{doc_id}.txt", title=title,
                    doc_type=doc_type, passages=passages, date=date, places=list(places), on_topic=on_topic,
                    canonical_id=canonical_id)


def build_library(library: Library, documents: list[Document]) -> Library:
    library.store.migrate()  # a writer sets the store up (index/store/migrations.py); reads never do
    library.index.update(documents)
    for doc in documents:
        library.store.replace_file(doc.path, doc.doc_id, [doc])
    return library


HUZHOU = ["浙江省", "湖州市", "吴兴区"]
WEIHAI = ["山东省", "威海市"]

NARROWING_DOCUMENTS = [
    document("huzhou", "湖州推行小额维修金", [
        "湖州市推行小区小额维修金提取使用制度,物业维修更及时。",
        "湖州市级红色物业示范小区达到240个。",
        "业主通过电子大屏查看维修资金使用情况。",
    ], places=HUZHOU, date="2023-05-10"),
    document("huzhou-policy", "湖州市物业管理条例", [
        "第十条 维修资金的使用应当经业主大会表决。",
        "第十一条 业主委员会应当公开公共收益。",
    ], places=HUZHOU[:2], date="2021-03-01", doc_type=DocType.POLICY),
    document("weihai", "威海红色物业调研", [
        "威海小区维修资金使用公开透明,业主满意。",
        "威海业委会覆盖率达到98%。",
    ], places=WEIHAI, date="2022-07-27"),
    document("weihai-repost", "威海红色物业调研", [
        "威海小区维修资金使用公开透明,业主满意。",
        "威海业委会覆盖率达到98%。",
    ], source="转载.txt", places=WEIHAI, date="2022-07-28", canonical_id="weihai"),
    document("changchun", "长春街头音乐会", ["长春街头音乐会现场临时维修舞台灯光。"],
             places=["吉林省", "长春市"], date="2024-09-21", on_topic=False),
]


def library_with_file(tmp_path_factory, name: str, text: str) -> Library:
    """A library that ingested one file `name` holding `text` (a Markdown regulation, say), as a user would."""
    folder = tmp_path_factory.mktemp("files")
    (folder / name).write_text(text, encoding="utf-8")
    library = Library(tmp_path_factory.mktemp("home"))
    report = ingest_paths([folder], library, workers=1)
    assert not report.failed
    return library
