import codecs
import random

import pytest

from ingest.decode import decode_bytes, is_plausible
from ingest.errors import DecodeError

SIMPLIFIED = (
    "第一条 为了规范物业管理活动,维护业主和物业服务企业的合法权益,改善居民的生活和工作环境,制定本办法。\n"
    "第二条 社区党组织领导居民委员会、业主委员会和物业服务企业协调运行,共同推进红色物业建设。\n"
)
TRADITIONAL = "社區黨組織領導居民委員會、業主委員會與物業服務企業協調運行,推動紅色物業建設,提升居民滿意度。\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "gb18030", "gbk",
                                      "gb2312"])
def test_simplified_text_in_every_common_encoding(encoding):
    assert decode_bytes(SIMPLIFIED.encode(encoding), "a.txt") == SIMPLIFIED


@pytest.mark.parametrize("encoding", ["big5", "utf-16-le", "utf-8"])
def test_traditional_text_including_big5(encoding):
    assert decode_bytes(TRADITIONAL.encode(encoding), "a.txt") == TRADITIONAL


def test_gb18030_only_characters_survive():
    text = "居民㐀先生和䶮女士参加了议事会。" * 3  # characters outside GBK
    assert decode_bytes(text.encode("gb18030"), "a.txt") == text


@pytest.mark.parametrize("declared", ["big5", "iso-8859-1", "windows-1252", "shift_jis", "no-such-charset"])
def test_wrong_declared_charset_falls_back_to_detection(declared):
    assert decode_bytes(SIMPLIFIED.encode("gbk"), "page.html", declared=declared) == SIMPLIFIED


def test_big5_page_declared_as_gb2312_is_not_read_as_gb():
    assert decode_bytes(TRADITIONAL.encode("big5"), "page.html", declared="gb2312") == TRADITIONAL


def test_right_declared_charset_is_used():
    assert decode_bytes(TRADITIONAL.encode("big5"), "page.html", declared="big5") == TRADITIONAL


def test_random_bytes_are_rejected_with_the_file_name():
    noise = random.Random(7).randbytes(4000)
    with pytest.raises(DecodeError) as caught:
        decode_bytes(noise, "noise.txt")
    assert "noise.txt" in str(caught.value)


def test_nul_bytes_mean_not_a_text_file():
    with pytest.raises(DecodeError, match="空字节"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "picture.txt")


def test_broken_utf8_after_bom_is_an_error():
    with pytest.raises(DecodeError):
        decode_bytes(codecs.BOM_UTF8 + "物业".encode()[:-1], "cut.txt")


def test_mojibake_is_not_plausible():
    assert is_plausible(SIMPLIFIED)
    assert is_plausible(TRADITIONAL)
    assert is_plausible("plain ASCII text")
    assert not is_plausible(SIMPLIFIED.encode("gbk").decode("latin-1"))  # ÖÐ»ª-style
    assert not is_plausible(TRADITIONAL.encode("big5").decode("gb18030"))  # wrong CJK codec
    assert not is_plausible(SIMPLIFIED.encode("gbk").decode("big5", errors="replace"))


def test_utf8_with_a_damaged_character_keeps_the_rest():
    data = SIMPLIFIED.encode("utf-8") * 3
    damaged = data[:100] + data[101:]  # one byte of one character lost
    text = decode_bytes(damaged, "cut.html")
    assert text.count("\ufffd") >= 1 and len(text) >= len(SIMPLIFIED * 3) - 2
    assert text.endswith(SIMPLIFIED * 2)


def test_text_indented_with_ideographic_spaces_is_text():
    indented = "".join(f"\u3000\u3000{line}\n" for line in SIMPLIFIED.splitlines()) + "\u3000" * 40
    for encoding in ("utf-8", "gb18030"):
        assert decode_bytes(indented.encode(encoding), "a.txt") == indented
