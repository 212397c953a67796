"""Cleaning: broken lines re-joined, headings left alone, OCR copies, captions, credits and page furniture out."""
from __future__ import annotations

from ingest.clean import clean_units, normalize, overlap
from ingest.models import Block, BlockKind
from ingest.units import Role


def clean(*lines: str, kinds: dict[int, BlockKind] | None = None):
    blocks = [Block(line, (kinds or {}).get(i, BlockKind.PARAGRAPH)) for i, line in enumerate(lines)]
    return clean_units(normalize(blocks))


def texts(units, role=Role.PARAGRAPH):
    return [unit.text for unit in units if unit.role == role]


LONG = "近年来，青河市各街道以党建引领小区治理，推动物业服务企业与社区党组织结对共建，通过“进小区、进楼栋”大走访，"


def test_word_broken_across_lines_is_rejoined():
    units = clean(LONG + "择", "优选楼栋长，组建小区党支部。")
    assert texts(units) == [LONG + "择优选楼栋长，组建小区党支部。"]


def test_short_fragment_rejoined_when_the_seam_cuts_a_word():
    units = clean("多方协商", "让居民出行更舒", "心；规范电梯维保，实现电梯检查全覆盖。")
    assert "让居民出行更舒心；规范电梯维保，实现电梯检查全覆盖。" in texts(units)


def test_heading_is_not_glued_to_the_paragraph_under_it():
    units = clean("小联盟撬动大治理", "作为辖区面积最大的街道，柳影街道的物业治理一直是焦点问题。")
    assert texts(units, Role.HEADING) == ["小联盟撬动大治理"]
    assert len(texts(units)) == 1


def test_sentence_cut_by_a_picture_is_rejoined_and_the_caption_kept():
    units = clean("仪式现场，中共青河市委", "领导专家现场调研红色物业建设。 记者 张明 摄", "组织部、青河市住建局共同为研究基地揭牌。")
    assert texts(units) == ["仪式现场，中共青河市委组织部、青河市住建局共同为研究基地揭牌。"]
    assert texts(units, Role.CAPTION) == ["领导专家现场调研红色物业建设。"]


def test_ocr_duplicate_fragment_removed():
    first = LONG + "业主可以随时了解“红色物业”的小知识，不时还有志愿"
    second = "了解红色物业的小知识，不的还有志愿者帮助他们解答疑惑。"
    assert overlap(first, second) == len("了解红色物业的小知识，不的还有志愿")
    assert texts(clean(first, second)) == [first + "者帮助他们解答疑惑。"]


def test_different_paragraphs_are_not_taken_for_copies():
    assert overlap("这4年，红色力量加速汇聚，物业党建纵深推进。", "这4年，为民初心始终如一，监管考核持续跃升。") == 0


def test_captions_credits_and_furniture_leave_the_body():
    units = clean(
        "大会现场。通讯员供图",
        "▶图为物业工作人员为居民上门服务。",
        "青河市召开物业管理工作推进会，部署下半年重点任务。",
        "参观者在展区了解展品。",
        "新华社发 李四 摄",
        "扫码下载青河新闻客户端",
        "找记者 上青河",
        "编辑：王五 组版：赵六",
    )
    assert texts(units) == ["青河市召开物业管理工作推进会，部署下半年重点任务。"]
    assert texts(units, Role.CAPTION) == ["大会现场。", "图为物业工作人员为居民上门服务。", "参观者在展区了解展品。"]
    # credits, blurb, slogan and editor line leave the body but stay on the page as furniture (still searchable)
    assert texts(units, Role.FURNITURE) == ["通讯员供图", "新华社发 李四 摄", "扫码下载青河新闻客户端", "找记者 上青河",
                                            "编辑：王五 组版：赵六"]


def test_a_scan_mentioned_inside_an_article_is_kept():
    units = clean("居民扫码即可报修，物业人员十分钟内上门。")
    assert texts(units) == ["居民扫码即可报修，物业人员十分钟内上门。"]


def test_run_of_short_picture_captions_on_a_page_with_pictures():
    units = clean("发现青河之美", "在博物馆了解城市历史", "采访人员观看机器人表演", "街头音乐会现场",
                  "9月21日，全国媒体采访团走进青河，探访城市发展。", "采访团合影。记者 张明 摄", kinds={0: BlockKind.HEADING})
    assert texts(units, Role.CAPTION) == ["在博物馆了解城市历史", "采访人员观看机器人表演", "街头音乐会现场", "采访团合影。"]


def test_short_paragraphs_are_not_captions_without_a_picture():
    lines = ["社区成立物业党支部。", "党员亮身份带头清洁楼道。", "物业每月公布服务清单。", "居民满意度明显提高。"]
    units = clean("红色物业进小区", *lines, kinds={0: BlockKind.HEADING})
    assert texts(units, Role.CAPTION) == [] and texts(units) == lines


def test_source_note_split_off_and_ocr_spaces_removed():
    units = clean("物业管理涉及千家万户，是人民 群众关心的热点。(市物协 供稿)")
    assert texts(units) == ["物业管理涉及千家万户，是人民群众关心的热点。"]
    assert texts(units, Role.SOURCE) == ["市物协 供稿"]


def test_markup_and_invisible_characters_removed():
    units = clean("**不忘初心 牢记使命**", "\u200b", "<!-- INFO END -->", "会议认为应统一抄表到户。")
    assert [u.text for u in units] == ["不忘初心 牢记使命", "会议认为应统一抄表到户。"]


def test_contact_lines_and_numbered_lists_are_not_captions():
    units = clean("联系人：张三", "电话：0571-12345678", "地址：青河市白沙路1号", "①建立小区党组织；②成立业委会。")
    assert not texts(units, Role.CAPTION)


def test_speaker_label_heads_the_quotes_but_a_list_intro_stays_text():
    units = clean("青河街道党支部书记 李红：", "我们社区共有12个小区，其中10个成立了党支部。", "居民代表提出了三点意见：",
                  "（一）加强停车管理；")
    assert texts(units, Role.HEADING) == ["青河街道党支部书记 李红"]
    assert "居民代表提出了三点意见：" in texts(units)
