from search_api.citation import authors_of, citation, document_citation


def test_full_newspaper_entry_follows_gbt_7714():
    assert citation("小区议事会开起来了", authors=["张明"], publisher="某某日报", date="2023-5-8", page="4") == (
        "张明. 小区议事会开起来了[N]. 某某日报, 2023-05-08(4)."
    )


def test_unknown_parts_are_left_out_not_invented():
    assert citation("小区议事会开起来了") == "小区议事会开起来了[N]."
    assert citation("题名", date="2022") == "题名[N]. 2022."
    assert citation("题名", publisher="某某日报") == "题名[N]. 某某日报."


def test_more_than_three_authors_end_with_deng():
    assert citation("题名", authors=["甲", "乙", "丙", "丁"]).startswith("甲, 乙, 丙, 等. 题名[N].")


def test_byline_roles_are_not_names_but_name_characters_stay():
    assert authors_of("本报记者 刘文图 通讯员 王五") == ["刘文图", "王五"]
    assert authors_of("文/图 丁文甫") == ["丁文甫"]
    assert authors_of("记者:李四、赵六") == ["李四", "赵六"]
    assert authors_of(None) == []


def test_document_citation_uses_stored_fields_and_type_code():
    news = {"title": "标题", "byline": "记者 李四", "publisher": "某某晚报", "date": "2024-01-02", "doc_type": "news"}
    assert document_citation(news) == "李四. 标题[N]. 某某晚报, 2024-01-02."
    assert document_citation({"title": "某市物业管理条例", "doc_type": "policy"}) == "某市物业管理条例[Z]."
