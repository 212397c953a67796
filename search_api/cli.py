"""The `redprop` command line: a thin layer over ingest.pipeline, index.search and search_api.app."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from index import consistency
from index.library import Library, WriteLockTimeout
from ingest.pipeline import LOCK_WAIT_SECONDS, FileOutcome, ingest_paths, iter_files
from search_api import service, writes
from search_api.errors import ApiError
from search_api.logging import setup_logging
from search_api.progress import progress_bar

HOME_OPTION = click.option("--home", type=click.Path(file_okay=False, path_type=Path), default=None,
                           help="数据目录(默认 $REDPROP_HOME 或 ./var)")
JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="输出 JSON")


def emit_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group()
def main() -> None:
    """redprop:红色物业文档导入与知识检索。"""
    setup_logging("WARNING")  # the CLI prints its own lines; REDPROP_LOG_LEVEL=INFO adds JSON log lines


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@HOME_OPTION
@JSON_OPTION
def ingest(paths: tuple[Path, ...], home: Path | None, as_json: bool) -> None:
    """导入文件或文件夹(递归),每个文件输出一行结果。"""
    library = Library(home)
    files = list(iter_files(paths))
    progress = progress_bar(len(files), enabled=not as_json)

    def report_line(outcome: FileOutcome) -> None:
        progress.update(1)
        if as_json:
            return
        if outcome.status == "ingested":
            progress.write(f"已导入  {outcome.path}  ({len(outcome.doc_ids)} 篇文档)")
        elif outcome.status == "unchanged":
            progress.write(f"未变化  {outcome.path}")
        else:
            progress.write(f"失败    {outcome.error}")

    try:
        report = ingest_paths(files, library, on_outcome=report_line, on_wait=lambda message: click.echo(message, err=True))
    except (ApiError, WriteLockTimeout) as error:
        raise click.ClickException(error.message) from None
    finally:
        progress.close()
    if as_json:
        emit_json(report.to_json())
    else:
        summary = report.to_json()
        click.echo(f"共 {len(report.outcomes)} 个文件:导入 {len(summary['ingested'])},"
                   f"未变化 {len(summary['unchanged'])},失败 {len(summary['failed'])}")
    sys.exit(1 if report.failed else 0)


@main.command()
@HOME_OPTION
@JSON_OPTION
def check(home: Path | None, as_json: bool) -> None:
    """检查存储与索引是否一致(文档编号与段落数);不一致时退出码为 1,可用 redprop reindex 修复。"""
    result = consistency.check(Library(home))
    if as_json:
        emit_json(result.to_json())
    else:
        click.echo(f"存储 {result.store_documents} 篇文档,索引 {result.index_documents} 篇文档")
        for doc_id in result.missing_from_index:
            click.echo(f"索引缺少  {doc_id}")
        for doc_id in result.unstored_in_index:
            click.echo(f"索引多余  {doc_id}")
        for doc_id, (stored, indexed) in result.passage_mismatch.items():
            click.echo(f"段落数不符  {doc_id}  存储 {stored} 段,索引 {indexed} 段")
        click.echo("一致" if result.ok else "不一致:请运行 redprop reindex 修复")
    sys.exit(0 if result.ok else 1)


@main.command()
@HOME_OPTION
@JSON_OPTION
def reindex(home: Path | None, as_json: bool) -> None:
    """从存储重建整个索引(无需重新解析文件),修复 check 发现的不一致。"""
    library = Library(home)
    progress = progress_bar(library.store.count_documents(), enabled=not as_json, unit="篇")
    previous = 0

    def advance(count: int) -> None:
        nonlocal previous
        progress.update(count - previous)
        previous = count

    try:
        result = writes.reindex(library, LOCK_WAIT_SECONDS, on_wait=lambda message: click.echo(message, err=True),
                                on_progress=advance)
    except WriteLockTimeout as error:
        raise click.ClickException(error.message) from None
    finally:
        progress.close()
    if as_json:
        emit_json(result)
    else:
        click.echo(f"已重建索引:{result['reindexed_documents']} 篇文档,{result['indexed_passages']} 个段落")


@main.command()
@click.argument("query")
@HOME_OPTION
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100), help="返回条数")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1), help="页码")
@JSON_OPTION
def search(query: str, home: Path | None, limit: int, page: int, as_json: bool) -> None:
    """全文检索,按文档分组显示最相关的段落。"""
    try:
        result = service.run_search(Library(home), query, page=page, size=limit)
    except ApiError as error:
        raise click.UsageError(error.message) from None
    if as_json:
        data = result.to_json()
        emit_json(data)
        return
    click.echo(f"“{query}”共 {result.total} 篇文档")
    for rank, hit in enumerate(result.hits, start=(page - 1) * limit + 1):
        label = f" {hit.clause}" if hit.clause else ""
        click.echo(f"\n{rank}. {hit.title}{label}  [{hit.source}{' · ' + hit.date if hit.date else ''}]")
        click.echo("   " + _plain(hit.snippet))
        click.echo(f"   文档 {hit.doc_id}  段落 {hit.passage_id}  得分 {hit.score}")


def _plain(snippet: str) -> str:
    import html

    return html.unescape(snippet.replace("<mark>", "【").replace("</mark>", "】"))


@main.command(name="list")
@HOME_OPTION
@JSON_OPTION
def list_(home: Path | None, as_json: bool) -> None:
    """列出已导入的全部文档。"""
    data = service.list_documents(Library(home))
    if as_json:
        emit_json(data["documents"])
        return
    for doc in data["documents"]:
        flag = "" if doc["on_topic"] else "  (非主题)"
        click.echo(f"{doc['doc_id']}  {doc['date'] or '----------'}  {doc['doc_type']:<6}  "
                   f"{doc['passages']:>3} 段  {doc['title']}  [{doc['source']}]{flag}")
    click.echo(f"共 {data['total']} 篇文档")


@main.command()
@click.argument("doc_id")
@HOME_OPTION
@JSON_OPTION
def show(doc_id: str, home: Path | None, as_json: bool) -> None:
    """显示一篇文档及其段落。"""
    try:
        data = service.show_document(Library(home), doc_id)
    except ApiError as error:
        raise click.ClickException(error.message) from None
    if as_json:
        emit_json(data)
        return
    click.echo(f"{data['title']}\n来源:{data['source']}  日期:{data['date'] or '未知'}  类型:{data['doc_type']}")
    heading = None
    for passage in data["passages"]:
        if passage["heading"] and passage["heading"] != heading:
            heading = passage["heading"]
            click.echo(f"\n【{heading}】")
        label = f"{passage['clause']} " if passage["clause"] and not passage["text"].startswith(passage["clause"]) else ""
        click.echo(f"\n[{passage['ordinal']}] {label}{passage['text']}")


@main.command()
@HOME_OPTION
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(home: Path | None, host: str, port: int) -> None:
    """启动网页与 HTTP API 服务。"""
    import uvicorn

    from search_api.app import create_app
    from search_api.settings import Settings

    settings = Settings(home=home) if home else Settings()
    setup_logging("INFO")
    uvicorn.run(create_app(settings), host=host, port=port, access_log=False)  # RequestLog logs each request
