import json

from click.testing import CliRunner

from search_api.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_ingest_search_list_show_json(tmp_path, corpus_copy):
    home = tmp_path / "home"
    result = run("ingest", corpus_copy, "--home", home, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert len(report["ingested"]) == 5 and report["failed"] == []

    hits = json.loads(run("search", "业账社管", "--home", home, "--json").output)
    assert hits["total"] >= 1 and "业账社管" in hits["hits"][0]["text"]

    listing = json.loads(run("list", "--home", home, "--json").output)
    assert len(listing) == 11 and all("on_topic" in doc for doc in listing)

    shown = json.loads(run("show", listing[0]["doc_id"], "--home", home, "--json").output)
    assert shown["doc_id"] == listing[0]["doc_id"] and shown["passages"]


def test_ingest_exit_code_1_when_a_file_fails(tmp_path):
    (tmp_path / "ok.txt").write_text("业委会\n\n小区业委会完成换届。", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02" * 50)
    result = run("ingest", tmp_path, "--home", tmp_path / "home")
    assert result.exit_code == 1
    assert "bad.txt" in result.output and "失败" in result.output


def test_ingest_of_a_folder_without_supported_files_says_so(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "photo.xyz").write_bytes(b"not a document")
    result = run("ingest", tmp_path / "notes", "--home", tmp_path / "home", "--json")
    assert result.exit_code == 1
    assert "没有找到可导入的文件" in result.output and "notes" in result.output


def test_usage_errors_exit_2(tmp_path):
    assert run("ingest").exit_code == 2
    assert run("search", "", "--home", tmp_path).exit_code == 2


def test_unknown_document_is_an_error(tmp_path):
    result = run("show", "missing", "--home", tmp_path)
    assert result.exit_code == 1 and "missing" in result.output


def test_help_and_search_load_only_what_they_use(tmp_path):
    """`redprop --help` loads no engine, segmenter or web stack, and a search no POS tables or ingestion: a script
    calling the CLI in a loop pays each one's start-up (timed in bench/startup.py, not here)."""
    import subprocess
    import sys

    probe = ("import sys; from search_api.cli import main\n"
             "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
             "print(' '.join(sorted(sys.modules)), file=sys.stderr)")

    def loaded(*args):
        done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, check=True)
        return set(done.stderr.split())

    heavy = {"jieba", "whoosh", "numpy", "fastapi", "uvicorn", "pydantic", "index.engine", "ingest.text.segmenter"}
    assert heavy.isdisjoint(loaded("--help"))
    searched = loaded("search", "业委会", "--home", str(tmp_path / "home"))
    assert {"jieba", "whoosh"} <= searched
    assert searched.isdisjoint({"jieba.posseg", "fastapi", "uvicorn", "index.write.pipeline"})
    assert searched.isdisjoint({"pkg_resources", "limits"})  # jieba finds its files without setuptools; default rates


def test_the_web_app_loads_no_scientific_stack_until_a_comparison_needs_it():
    """Every `redprop serve` (and each of its workers) imports the whole app before it answers: scipy, which only
    the regulation diff and clause lineage use, cost about a second of that (datasketch's LSH imports it too)."""
    import subprocess
    import sys

    probe = "import sys, search_api.app; print(' '.join(sorted(sys.modules)))"
    loaded = set(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split())
    assert "search_api.routes.pages" in loaded
    assert loaded.isdisjoint({"scipy", "datasketch"})
