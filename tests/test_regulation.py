"""Regulation metadata from the title and the adoption history (ingest/regulation.py); histories invented."""
from __future__ import annotations

import pytest

from ingest.regulation import edition_key, history_acts, regulation_info

CASES = [
    # (title, history lines) → issuer, level, place, adopted, amended
    ("淄博市物业管理条例",
     ["2016年6月20日淄博市第十五届人民代表大会常务委员会第三十次会议通过",
      "2016年9月22日山东省第十二届人民代表大会常务委员会第二十三次会议批准"],
     ("人大常委会", "city", "淄博市", "2016-06-20", [])),
    ("天津市居民委员会工作条例",
     ["2012年3月1日 天津市第十五届人民代表大会常务委员会第三十次会议通过",
      "2019年5月2日 天津市第十七届人民代表大会常务委员会第十次会议第一次修正"],
     ("人大常委会", "provincial", "天津市", "2012-03-01", ["2019-05-02"])),
    ("江苏省住宅物业管理条例",
     [("2003年10月25日江苏省第十届人民代表大会常务委员会第六次会议通过根据2012年1月12日江苏省第十一届人民代表大会"
       "常务委员会第二十六次会议《关于修改〈江苏省物业管理条例〉的决定》第一次修正"),
      "2021年5月27日江苏省第十三届人民代表大会常务委员会第二十三次会议修订"],
     ("人大常委会", "provincial", "江苏省", "2003-10-25", ["2012-01-12", "2021-05-27"])),
    ("住宅专项维修资金管理办法",
     ["2007年12月4日中华人民共和国建设部令第165号公布"],
     ("部门", "national", None, "2007-12-04", [])),
    ("某某条例", ["1999年4月1日 国务院令第100号发布", "2011年1月8日 国务院令第588号修订"],
     ("人民政府", "national", None, "1999-04-01", ["2011-01-08"])),
    ("西宁市物业服务收费办法", ["2015年7月3日西宁市人民政府第40次常务会议通过"],
     ("人民政府", "city", "西宁市", "2015-07-03", [])),
]


@pytest.mark.parametrize(("title", "history", "expected"), CASES, ids=[case[0] for case in CASES])
def test_metadata_from_history(title, history, expected):
    info = regulation_info(title, history)
    assert (info.issuer, info.level, info.place, info.adopted, info.amended) == expected


def test_one_line_with_two_acts_gives_two_acts():
    line = "1994年9月1日某省人民代表大会常务委员会通过根据2020年6月3日某省人民代表大会常务委员会决定修正"
    assert [(act.date, act.verb) for act in history_acts([line])] == [("1994-09-01", "通过"), ("2020-06-03", "修正")]


def test_repeal_is_recorded_and_approval_is_not_an_amendment():
    info = regulation_info("甲市物业管理办法", ["2001年2月1日甲市人民政府令第3号公布", "2010年3月1日甲市人民政府令第9号废止"])
    assert info.repealed
    approved = regulation_info("乙市条例", ["2017年1月5日乙市人大常委会通过", "2017年3月30日某省人大常委会批准"])
    assert approved.amended == [] and approved.adopted == "2017-01-05"


def test_versions_of_one_title_share_an_edition_key():
    assert edition_key("物业管理条例(2018修订)") == edition_key("物业管理条例") != edition_key("北京市物业管理条例")
