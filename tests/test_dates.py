"""Dates normalised to ISO; a year is inferred only from the same document, and flagged."""
from __future__ import annotations

from ingest.dates import document_date, find_dates, normalize_date


def test_written_forms():
    assert [m.iso for m in find_dates("2023年7月27日、2023-07-28、2023/7/29、2023.7.30 和 二〇二三年七月三十一日")] == [
        "2023-07-27", "2023-07-28", "2023-07-29", "2023-07-30", "2023-07-31"]
    assert normalize_date("2024-03-29T08:00:00+08:00") == "2024-03-29"
    assert normalize_date("2023年2月30日") is None  # not a day


def test_month_day_has_no_year_of_its_own():
    (mention,) = find_dates("7月27日讯")
    assert mention.year is None and mention.iso is None


def test_dateline_year_inferred_from_a_full_date_in_the_same_month():
    assert document_date(None, "本报青河7月27日讯", "", "2023年7月25日，活动启动。") == ("2023-07-27", True)


def test_no_year_is_invented():
    assert document_date(None, "本报青河7月27日讯", "", "2020年，省里印发了三年行动计划。") == (None, False)
    assert document_date(None, "本报青河7月27日讯", "", "2021年7月1日与2022年7月2日都有活动。") == (None, False)


def test_publisher_date_counts_as_evidence_and_as_the_date():
    assert document_date("2024-09-28", "本报讯", "9月27日，现场会召开。", "") == ("2024-09-28", False)
    assert document_date("2024-09-28", None, "9月27日，现场会召开。", "") == ("2024-09-28", False)
    assert document_date(None, None, "9月27日，现场会召开。", "2024年9月1日起试行。") == ("2024-09-27", True)
