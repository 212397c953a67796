"""A fresh index after data edits: every data file is registered, an edit makes `redprop check` fail with the
file named, and the next `redprop ingest` rebuilds what is stale."""
from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from ingest import datafiles
from search_api.app import create_app
from search_api.cli import main
from search_api.settings import Settings

NOTE = "业委会换届通知\n\n街道指导小区业主委员会完成换届选举,红色物业联席会议同步召开。\n"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_every_data_file_is_registered_or_marked_irrelevant():
    registered = {data_file.path for data_file in datafiles.DATA_FILES}
    on_disk = {path.relative_to(datafiles.PACKAGE_ROOT).as_posix()
               for package in ("ingest", "index") for path in (datafiles.PACKAGE_ROOT / package).rglob("data/*")
               if path.is_file()}
    assert on_disk, "no data files found: is PACKAGE_ROOT right?"
    assert on_disk - registered - set(datafiles.IRRELEVANT) == set()
    assert registered - on_disk == set(), "registered files that do not exist"


@pytest.fixture
def data_root(tmp_path, monkeypatch):
    """A copy of the registered data files that the test may edit (the code still runs on the real ones)."""
    root = tmp_path / "package"
    for data_file in datafiles.DATA_FILES:
        target = root / data_file.path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(datafiles.PACKAGE_ROOT / data_file.path, target)
    monkeypatch.setattr(datafiles, "PACKAGE_ROOT", root)
    return root


@pytest.fixture
def home_with_a_note(tmp_path, data_root):
    note = tmp_path / "note.txt"
    note.write_text(NOTE, encoding="utf-8")
    home = tmp_path / "home"
    assert run("ingest", note, "--home", home).exit_code == 0
    assert run("check", "--home", home).exit_code == 0
    return home, note


def test_an_edited_synonym_table_is_stale_until_the_next_ingest(home_with_a_note, data_root):
    home, note = home_with_a_note
    with (data_root / "ingest/text/data/synonyms.txt").open("a", encoding="utf-8") as table:
        table.write("楼道长 = 楼栋长\n")
    checked = run("check", "--home", home)
    assert checked.exit_code == 1 and "stale: synonyms.txt changed" in checked.output
    health = TestClient(create_app(Settings(home=home))).get("/healthz").json()
    assert health["store"]["stale"] == {"index": ["synonyms.txt changed"], "cases": ["synonyms.txt changed"]}
    as_json = json.loads(run("check", "--json", "--home", home).output)
    assert not as_json["ok"] and as_json["stale"]["index"] == ["synonyms.txt changed"]

    ingested = run("ingest", note, "--home", home)
    assert ingested.exit_code == 0 and "已重建索引" in ingested.output and "已重建案例" in ingested.output
    assert "未变化" in ingested.output  # the file itself did not need parsing again
    assert run("check", "--home", home).exit_code == 0
    assert TestClient(create_app(Settings(home=home))).get("/healthz").json()["store"]["stale"] == {}


def test_an_edited_case_list_makes_only_the_cases_stale(home_with_a_note, data_root):
    home, _ = home_with_a_note
    with (data_root / "ingest/cases/data/themes.txt").open("a", encoding="utf-8") as themes:
        themes.write("\n# 一行注释也算修改\n")
    checked = run("check", "--home", home)
    assert checked.exit_code == 1 and "案例已过期(stale: themes.txt changed)" in checked.output
    assert "索引已过期" not in checked.output
    assert run("cases", "rebuild", "--all", "--home", home).exit_code == 0
    assert run("check", "--home", home).exit_code == 0


def test_an_edited_parse_list_reparses_the_recorded_files(home_with_a_note, data_root):
    home, note = home_with_a_note
    with (data_root / "ingest/data/property_terms.txt").open("a", encoding="utf-8") as terms:
        terms.write("\n")
    checked = run("check", "--home", home)
    assert checked.exit_code == 1 and "stale: property_terms.txt changed" in checked.output
    ingested = run("ingest", note, "--home", home)
    assert ingested.exit_code == 0 and "已导入" in ingested.output and "已重建解析结果" in ingested.output
    final = run("check", "--home", home)
    assert final.exit_code == 0, final.output
