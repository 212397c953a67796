"""A generated index for engine tests at a scale the hand-made fixtures never reach: common words spanning
dozens of posting blocks (written with a small block limit), several segments, deletions in each of them."""
from __future__ import annotations

import random

import pytest
from search_fixtures import document
from whoosh.writing import NO_MERGE

from index.engine.codec import RedpropCodec
from index.engine.schema import document_fields
from index.engine.search_index import SearchIndex, write_fields
from index.store.library import Library
from ingest.models import DocType

BLOCK_LIMIT = 16  # postings per block: a common word spans dozens of blocks per segment
SEGMENTS = 3
DOCUMENTS_PER_SEGMENT = 60
# Domain words with rough frequencies: a few in most passages, most in some, a few rare.
WORDS = {"物业": 12, "小区": 9, "业主": 8, "社区": 6, "党建": 5, "服务": 5, "维修": 4, "资金": 4, "红色物业": 3,
         "业主委员会": 3, "物业服务企业": 2, "党组织": 2, "老旧小区": 2, "志愿者": 1, "停车": 1, "加装电梯": 1,
         "垃圾分类": 1, "公示": 1}
TITLES = ["{}推进红色物业", "{}小区物业管理办法", "{}社区党建工作", "{}业主委员会选举"]
PLACES = [["浙江省", "湖州市"], ["山东省", "威海市"], ["湖北省", "武汉市"], ["吉林省", "长春市"]]


def passage_text(rng: random.Random) -> str:
    words = rng.choices(list(WORDS), weights=list(WORDS.values()), k=rng.randint(6, 14))
    return ",".join("".join(words[i:i + 2]) for i in range(0, len(words), 2)) + "。"


def generated_documents(rng: random.Random, segment: int) -> list:
    documents = []
    for i in range(DOCUMENTS_PER_SEGMENT):
        place = rng.choice(PLACES)
        documents.append(document(
            f"s{segment}-d{i}", rng.choice(TITLES).format(place[1]),
            [passage_text(rng) for _ in range(rng.randint(2, 7))], places=place,
            date=f"{rng.randint(2015, 2024)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            doc_type=DocType.POLICY if i % 5 == 0 else DocType.NEWS, on_topic=i % 11 != 0))
    return documents


def write_segment(index: SearchIndex, documents: list, deleted: list[str]) -> None:
    if not index.exists():
        index.clear()  # readers of a folder without an index get an empty one in memory: create it on disk
    writer = index.index.writer(codec=RedpropCodec(blocklimit=BLOCK_LIMIT))
    write_fields(writer, ((doc.doc_id, document_fields(doc)) for doc in documents), deleted)
    writer.commit(mergetype=NO_MERGE)


@pytest.fixture(scope="session")
def big_library(tmp_path_factory) -> Library:
    """The generated documents in a library (index and store), written in SEGMENTS commits; each commit deletes
    every fourth document of the segment before it (spread over its blocks), a last one some of the newest."""
    library = Library(tmp_path_factory.mktemp("scale-home"))
    library.store.migrate()
    rng = random.Random(18)
    for segment in range(SEGMENTS + 1):
        documents = generated_documents(rng, segment) if segment < SEGMENTS else []
        if segment == SEGMENTS:
            deleted = [f"s{segment - 1}-d{i}" for i in range(1, DOCUMENTS_PER_SEGMENT, 6)]
        else:
            deleted = [f"s{segment - 1}-d{i}" for i in range(0, DOCUMENTS_PER_SEGMENT, 4)] if segment else []
        write_segment(library.index, documents, deleted)
        for doc in documents:
            library.store.replace_file(doc.path, doc.doc_id, [doc])
        for doc_id in deleted:
            library.store.delete_document(doc_id)
    return library


@pytest.fixture
def big_index(big_library) -> SearchIndex:
    return big_library.index
