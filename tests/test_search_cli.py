"""The search command's options and the relevance evaluation command."""
import json

from click.testing import CliRunner
from search_fixtures import NARROWING_DOCUMENTS, build_library

from index.store.library import Library
from search_api.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_search_options_narrow_and_sort(tmp_path):
    home = build_library(Library(tmp_path / "home"), NARROWING_DOCUMENTS).home
    data = json.loads(run("search", "维修", "--home", home, "--place", "湖州", "--sort", "date", "--json").output)
    assert [hit["doc_id"] for hit in data["hits"]] == ["huzhou", "huzhou-policy"]
    assert sum(data["facets"]["year"].values()) == data["total"] == 2
    everything = json.loads(run("search", "维修", "--home", home, "--all-topics", "--json").output)
    assert "changchun" in {hit["doc_id"] for hit in everything["hits"]}
    text = run("search", "威海 覆盖率", "--home", home).output
    assert "另见" in text and "转载.txt" in text


def test_search_rejects_a_bad_year(tmp_path):
    result = run("search", "维修", "--home", tmp_path, "--year", "去年")
    assert result.exit_code == 2 and "year" in result.output


def test_eval_scores_ours_the_ablations_and_the_fts5_peer(tmp_path):
    judgments = tmp_path / "judgments.toml"
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text(
        "# 业主委员会工作规则\n\n第一条 业主委员会由业主大会选举产生。\n\n第二条 物业服务企业应当公示收费标准。\n",
        encoding="utf-8")
    judgments.write_text(
        'documents = ["docs"]\n[[query]]\nq = "业委会"\nrelevant = ["由业主大会选举产生"]\n'
        '[[query]]\nq = "物业公司收费"\ngrades = { "公示收费标准" = 2, "选举产生" = 0 }\n', encoding="utf-8")
    result = run("eval", "--judgments", judgments, "--ablate", "synonyms", "--enable", "prf", "--baseline", "fts5",
                 "--json")
    assert result.exit_code == 0, result.output
    reports = {(report["name"], report["unit"]): report for report in json.loads(result.output)}
    assert set(reports) == {(name, unit) for name in ("ours", "ours -synonyms", "ours +prf", "fts5")
                            for unit in ("passage", "document", "grouped")}
    assert reports["ours", "passage"]["ndcg@10"] == 1.0
    assert reports["ours -synonyms", "passage"]["per_query"]["业委会"]["recall"] == 0.0
    assert "nDCG@10" in run("eval", "--judgments", judgments, "--unit", "document").output


def test_eval_refuses_an_ablation_it_cannot_switch_off(tmp_path):
    unknown = run("eval", "--ablate", "magic")
    assert unknown.exit_code == 1 and "magic" in unknown.output and "synonyms" in unknown.output


def test_eval_says_that_feedback_ships_off_and_how_to_measure_it():
    result = run("eval", "--ablate", "prf")
    assert result.exit_code == 1 and "--enable prf" in result.output
    assert run("eval", "--enable", "magic").exit_code == 1


def test_eval_says_that_no_semantic_signal_ships():
    result = run("eval", "--ablate", "semantic")
    assert result.exit_code == 1 and "不含语义向量信号" in result.output and "docs/semantic.md" in result.output


def test_analyze_explains_why_a_passage_matches(tmp_path):
    home = build_library(Library(tmp_path / "home"), NARROWING_DOCUMENTS).home
    output = run("analyze", "业委会覆盖率", "--passage", "weihai-0001", "--home", home).output
    assert "同义词:业主委员会" in output and "段落中 覆盖率:作为词匹配" in output
    assert run("analyze", "维修", "--passage", "nope", "--home", home).exit_code == 1
