"""The `redprop` command line: a thin layer over index.write.pipeline, index.results.search and search_api.app."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from search_api.errors import ApiError

# Each command imports what it uses (the index, Whoosh, numpy, jieba, pydantic, FastAPI…) in its body, so
# `redprop --help` loads none of them and `redprop search` loads no ingestion, POS tables or web server.
if TYPE_CHECKING:
    from index.store.case_store import CaseQuery
    from index.write.pipeline import FileOutcome
    from search_api.settings import Settings



def settings() -> Settings:
    """The environment's settings, read once per command; a bad value stops it with a message naming the variable."""
    from search_api.settings import Settings, SettingsError

    root = click.get_current_context().find_root()
    if root.obj is None:
        try:
            root.obj = Settings()
        except SettingsError as error:
            raise click.UsageError(f"环境变量有误:{error}") from None
    return root.obj


HOME_OPTION = click.option("--home", type=click.Path(file_okay=False, path_type=Path), default=None,
                           callback=lambda ctx, param, value: value or settings().home,
                           help="数据目录(默认 $REDPROP_HOME 或 ./var)")
JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="输出 JSON")
REBUILT_LABELS = {"index": "索引", "cases": "案例", "parse": "解析结果"}
FACET_LABELS = {"places": "地区", "year": "年份", "doc_type": "类型", "source": "来源"}


def emit_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


class _Commands(click.Group):
    def invoke(self, ctx: click.Context):
        from index.engine import IndexFormatError
        from index.store.migrations import StoreVersionError

        try:
            return super().invoke(ctx)
        except (IndexFormatError, StoreVersionError) as error:  # written by another version: say what to run
            raise click.ClickException(str(error)) from None


@click.group(cls=_Commands)
def main() -> None:
    """redprop:红色物业文档导入与知识检索。"""
    from search_api.logging import setup_logging

    setup_logging(settings().log_level or "WARNING")  # the CLI prints its own lines; REDPROP_LOG_LEVEL=INFO adds JSON


@main.command()
@click.argument("targets", nargs=-1, metavar="[PATH|URL]...")
@click.option("--urls", "url_file", type=click.File("r", encoding="utf-8"), default=None,
              help="从文件读取网址,每行一个(# 开头为注释)")
@HOME_OPTION
@JSON_OPTION
def ingest(targets: tuple[str, ...], url_file, home: Path | None, as_json: bool) -> None:
    """导入文件、文件夹(递归)或网址(http/https),每个文件或网址输出一行结果。"""
    from index.store.library import Library, WriteLockTimeout
    from index.write.pipeline import LOCK_WAIT_SECONDS, FileOutcome, ingest_paths, iter_files
    from search_api import writes
    from search_api.progress import progress_bar

    urls = [target for target in targets if "://" in target]
    if url_file is not None:
        urls += [line.strip() for line in url_file if line.strip() and not line.lstrip().startswith("#")]
    paths = [Path(target) for target in targets if "://" not in target]
    if not paths and not urls:
        raise click.UsageError("请给出要导入的文件、文件夹或网址(或用 --urls 指定网址列表文件)")
    library = Library(home)
    files = list(iter_files(paths))
    if paths and not files and not urls:  # folders holding no file of a supported format: nothing to report on
        raise click.ClickException(f"没有找到可导入的文件:{'、'.join(map(str, paths))}(文件夹中没有支持的格式)")
    progress = progress_bar(len(files) + len(urls), enabled=not as_json)

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

    bars = []

    def rebuild_bar(label: str, total: int):
        bar = progress_bar(total, enabled=not as_json, unit="篇")
        bar.set_description(label)
        bars.append(bar)
        return lambda done: bar.update(done - bar.n)

    try:
        report = ingest_paths(files, library, on_outcome=report_line,
                              on_wait=lambda message: click.echo(message, err=True), limits=settings().parse_limits,
                              workers=settings().ingest_workers, rebuild_progress=rebuild_bar) if files else None
        summary = report.to_json() if report else None
        if urls:
            fetched = writes.ingest_urls(library, settings().model_copy(update={"home": library.home}).fetched_dir,
                                         urls, settings().parse_limits, LOCK_WAIT_SECONDS, on_outcome=report_line,
                                         max_bytes=settings().max_fetch_bytes,
                                         allow_private=settings().allow_private_urls)
            for entry in fetched["failed"]:
                if entry["path"] in urls:  # could not be fetched: no outcome was reported for it
                    report_line(FileOutcome(entry["path"], "failed", error=entry["error"]))
            summary = _merged(summary, fetched)
    except (ApiError, WriteLockTimeout) as error:
        raise click.ClickException(error.message) from None
    finally:
        for bar in [*bars, progress]:
            bar.close()
    if as_json:
        emit_json(summary)
    else:
        for effect, reasons in (report.rebuilt if report else {}).items():
            click.echo(f"已重建{REBUILT_LABELS[effect]}(stale: {'; '.join(reasons)})")
        total = sum(len(summary[status]) for status in ("ingested", "unchanged", "failed"))
        click.echo(f"共 {total} 个文件:导入 {len(summary['ingested'])},"
                   f"未变化 {len(summary['unchanged'])},失败 {len(summary['failed'])}")
    sys.exit(1 if summary["failed"] else 0)


def _merged(first: dict | None, second: dict) -> dict:
    return second if first is None else {status: first[status] + second[status] for status in second}


@main.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--delete", is_flag=True, help="文件被删除时,同时删除它导入的文档")
@HOME_OPTION
def watch(folder: Path, delete: bool, home: Path | None) -> None:
    """监视文件夹:先导入其中的新文件和改动过的文件,之后每有文件出现或改动就导入(Ctrl+C 结束)。"""
    from index.store.library import Library, WriteLockTimeout
    from search_api.watch import watch_folder

    def report_line(outcome: FileOutcome) -> None:
        label = {"ingested": "已导入", "unchanged": "未变化", "deleted": "已删除",
                 "kept": "文件已删除,文档保留(加 --delete 可同时删除)"}.get(outcome.status)
        if outcome.status == "failed":
            click.echo(f"失败    {outcome.error}")
        elif outcome.status == "deleted":
            click.echo(f"{label}  {outcome.path}  ({len(outcome.doc_ids)} 篇文档)")
        else:
            click.echo(f"{label}  {outcome.path}")

    try:
        watch_folder(Library(home), folder, report_line, delete=delete,
                     on_ready=lambda: click.echo(f"正在监视 {folder}(Ctrl+C 结束)"))
    except WriteLockTimeout as error:
        raise click.ClickException(error.message) from None
    except KeyboardInterrupt:
        click.echo("已停止监视")


@main.command()
@HOME_OPTION
@JSON_OPTION
def check(home: Path | None, as_json: bool) -> None:
    """检查存储与索引是否一致(文档编号与段落数),以及索引、案例是否由当前数据文件生成;
    不一致或过期时退出码为 1(redprop reindex 修复不一致,redprop ingest 重建过期部分)。"""
    from index.store import consistency, freshness
    from index.store.library import Library

    library = Library(home)
    result = consistency.check(library)
    stale = {effect: reasons for effect, reasons in freshness.report(library.store).items() if reasons}
    if as_json:
        emit_json(result.to_json() | {"stale": stale, "ok": result.ok and not stale})
    else:
        click.echo(f"存储 {result.store_documents} 篇文档,索引 {result.index_documents} 篇文档")
        for doc_id in result.missing_from_index:
            click.echo(f"索引缺少  {doc_id}")
        for doc_id in result.unstored_in_index:
            click.echo(f"索引多余  {doc_id}")
        for doc_id, (stored, indexed) in result.passage_mismatch.items():
            click.echo(f"段落数不符  {doc_id}  存储 {stored} 段,索引 {indexed} 段")
        click.echo("一致" if result.ok else "不一致:请运行 redprop reindex 修复")
        for effect, reasons in stale.items():
            hint = "重新导入原文件后生效" if effect == "parse" else "请运行 redprop ingest 重建"
            click.echo(f"{REBUILT_LABELS[effect]}已过期(stale: {'; '.join(reasons)}):{hint}")
    sys.exit(0 if result.ok and not stale else 1)


@main.command()
@HOME_OPTION
@JSON_OPTION
def reindex(home: Path | None, as_json: bool) -> None:
    """从存储重建整个索引(无需重新解析文件),修复 check 发现的不一致。"""
    from index.store.library import Library, WriteLockTimeout
    from search_api import writes
    from search_api.progress import progress_bar

    library = Library(home)
    progress = progress_bar(library.store.count_documents(), enabled=not as_json, unit="篇")
    previous = 0

    def advance(count: int) -> None:
        nonlocal previous
        progress.update(count - previous)
        previous = count

    from index.write.pipeline import LOCK_WAIT_SECONDS

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
@HOME_OPTION
def migrate(home: Path | None) -> None:
    """创建存储或把它升级到本版本的结构(导入、删除、重建索引与启动服务时也会自动进行)。"""
    from index.store.library import Library, WriteLockTimeout
    from index.write.pipeline import LOCK_WAIT_SECONDS

    library = Library(home)
    try:
        with library.writing(LOCK_WAIT_SECONDS, on_wait=lambda message: click.echo(message, err=True)):
            pass
    except WriteLockTimeout as error:
        raise click.ClickException(error.message) from None
    click.echo(f"存储结构为第 {library.store.schema_version()} 版:{library.store.path}")


@main.command()
@click.argument("query")
@HOME_OPTION
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100), help="返回条数")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1), help="页码")
@click.option("--place", multiple=True, help="地区(省/市/区县任一级),可重复")
@click.option("--year", multiple=True, help="年份,如 2023 或 2020-2023,可重复")
@click.option("--type", "doc_type", multiple=True, help="文档类型 news/policy/other,可重复")
@click.option("--source", multiple=True, help="来源文件名,可重复")
@click.option("--date-from", default=None, help="起始日期,如 2023-01-01")
@click.option("--date-to", default=None, help="截止日期(含),如 2023-12-31")
@click.option("--on-topic/--all-topics", default=True, show_default=True, help="只看红色物业主题文章 / 包含无关文章")
@click.option("--topic", multiple=True,
              help="主题标签 red-property/property-industry/party-building-other/unrelated(或 红色物业/物业行业/其他党建/无关),可重复")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True,
              help="按相关度或日期排序")
@click.option("--all-passages", is_flag=True, help="列出全部匹配段落,不按文档合并")
@click.option("--per-doc", type=int, default=None,
              help="每篇文档最多显示几个段落(1 即每篇一条);默认 3,并注明还有几条")
@click.option("--level", multiple=True, help="法规层级 national/provincial/city,可重复")
@click.option("--issuer", multiple=True, help="制定机关 人大常委会/人民政府/部门/司法机关,可重复")
@click.option("--in-force", is_flag=True, help="只看现行有效的法规")
@click.option("--exact-total", is_flag=True, help="精确统计总数(大索引默认按抽样估算,显示为“约”)")
@JSON_OPTION
def search(query: str, home: Path | None, limit: int, page: int, place, year, doc_type, source, date_from, date_to,
           on_topic: bool, topic, sort: str, all_passages: bool, per_doc: int | None, level, issuer, in_force: bool,
           exact_total: bool, as_json: bool) -> None:
    """全文检索,按文档分组显示最相关的段落。"""
    from index.store.library import Library
    from search_api import service

    try:
        filters = service.build_filters(place, year, doc_type, source, date_from, date_to, on_topic, topic)
        filters = service.restrict_to_regulations(Library(home), filters, level, issuer, in_force)
        result = service.run_search(Library(home), query, page=page, size=limit, filters=filters, sort=sort,
                                    collapse=not all_passages, per_doc=per_doc, exact_total=exact_total)
    except ApiError as error:
        raise click.UsageError(error.message) from None
    if as_json:
        emit_json(result.to_json())
        return
    about = "约 " if result.total_is_estimate else ""  # counted on a sample of a large index (--exact-total)
    if all_passages:
        click.echo(f"“{query}”共 {about}{result.total:,} 段")
    else:
        click.echo(f"“{query}”共 {about}{result.total:,} 篇文档,{about}{result.entries:,} 条结果")
    if result.relaxed:
        click.echo("(没有同时包含全部词语的结果,以下结果只包含部分词语)")
    for rank, hit in enumerate(result.hits, start=(page - 1) * limit + 1):
        label = f" {hit.clause}" if hit.clause else ""
        kind = f" 〈{service.PASSAGE_KIND_LABELS[hit.kind]}〉" if hit.kind in service.PASSAGE_KIND_LABELS else ""
        if hit.grouped_under:  # a further passage of the document above, indented under it
            click.echo(f"   {rank}. {hit.clause or hit.heading or ''}{kind}  " + _plain(hit.snippet))
            click.echo(f"      段落 {hit.passage_id}  得分 {hit.score}")
            continue
        click.echo(f"\n{rank}. {hit.title}{label}{kind}  [{hit.source}{' · ' + hit.date if hit.date else ''}]")
        click.echo("   " + _plain(hit.snippet))
        if hit.more_in_document:
            click.echo(f"   本文档另有 {hit.more_in_document} 处匹配")
        if hit.other_sources:
            click.echo("   另见:" + "、".join(other["source"] for other in hit.other_sources))
        click.echo(f"   文档 {hit.doc_id}  段落 {hit.passage_id}  得分 {hit.score}")
    facets = "  ".join(
        f"{FACET_LABELS[name]}:" + ",".join(f"{value}({count})" for value, count in list(values.items())[:6])
        for name, values in result.facets.items() if values
    )
    if facets:
        click.echo(f"\n{facets}")


def _plain(snippet: str) -> str:
    import html

    return html.unescape(snippet.replace("<mark>", "【").replace("</mark>", "】"))


@main.command()
@click.argument("text")
@click.option("--passage", "passage_id", default=None, help="与之对照的段落编号")
@HOME_OPTION
@JSON_OPTION
def analyze(text: str, passage_id: str | None, home: Path | None, as_json: bool) -> None:
    """显示查询如何分词、同义词与匹配情况(查不到时用来找原因)。"""
    from index.store.library import Library
    from search_api import service

    try:
        data = service.analyze_text(Library(home), text, passage_id)
    except ApiError as error:
        raise click.ClickException(error.message) from None
    if as_json:
        emit_json(data)
        return
    for word in data["query"]["words"]:
        notes = ["停用词,不参与检索"] if word["stopword"] else []
        if not word["known"]:
            notes.append("词典中没有,按字串匹配")
        if word["synonyms"]:
            notes.append("同义词:" + "、".join(word["synonyms"]))
        if word["standard"] and word["standard"] != word["text"]:
            notes.append(f"标准名称:{word['standard']}")
        if word.get("related"):
            notes.append("相关词(语料共现):" + "、".join(f"{r['word']}({r['score']:.2f})" for r in word["related"][:8]))
        if "passages" in word:
            notes.append(f"{word['passages']} 个段落含此词")
        click.echo(f"{word['text']}  " + ";".join(notes))
    if data["query"].get("expansion"):
        click.echo("检索时以较低权重补充的相关词:" + "、".join(e["word"] for e in data["query"]["expansion"]))
    for place in data.get("places", []):
        click.echo(f"地点 {place['surface']} → {' '.join(place['chain'])}:{place['reason']}")
    for match in data.get("passage", {}).get("matches", []):
        how = {"word": "作为词匹配", "synonym": f"经同义词 {match.get('via')} 匹配", "substring": "仅作为字串出现",
               None: "未出现"}[match["matched"]]
        click.echo(f"段落中 {match['word']}:{how}")


@main.command(name="eval")
@click.option("--judgments", type=click.Path(exists=True, path_type=Path), default=None,
              help="评测标注:含 dev.toml/test.toml 的目录或单个文件(默认 tests/relevance,"
                   "或 --corpus 目录名对应的 bench/relevance/<目录名>)")
@click.option("--corpus", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="评测用文档目录(代替标注文件中的 documents),如 ../shared/policy-samples")
@click.option("--split", type=click.Choice(["dev", "test", "all"]), default="all", show_default=True,
              help="评测哪一半:dev(调参/调规则用)、test(留作检验、报告用)或全部;检索与 --extraction 均适用")
@click.option("--unit", type=click.Choice(["passage", "document", "grouped"]), default=None,
              help="按段落排名、每篇文档一条,或按页面所示(grouped:同篇相近段落缩进显示,每段都计)(默认全评)")
@click.option("--ablate", multiple=True, metavar="NAME",
              help="关闭一项检索方法再评一次(可重复):synonyms、coord、grams、related、openings(条款首句)"
                   "(semantic:语义向量未随产品发布,见 docs/semantic.md;prf、neighbours、counterparts、morelike "
                   "默认关闭,见 --enable)")
@click.option("--enable", multiple=True, metavar="NAME",
              help="开启一项默认关闭的检索方法再评一次(可重复):prf(伪相关反馈)、neighbours(相邻条款)、"
                   "counterparts(他法规对应条款)、morelike(以最佳条款再检索,补入换了说法的条款)")
@click.option("--baseline", multiple=True, type=click.Choice(["fts5", "bigram"]),
              help="同时评测对照排序:fts5(SQLite FTS5 BM25,jieba 分词)、bigram(字二元组 BM25)")
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="评测用数据目录(默认临时目录,用后删除)")
@click.option("--per-query", is_flag=True, help="逐条列出每个查询的得分")
@click.option("--extraction", is_flag=True,
              help="改为评测信息提取(地点、主题、标题、日期、类型、案例):用 tests/devset 标注集,不建索引")
@click.option("--devset", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=Path("tests/devset"), show_default=True, help="--extraction 的标注集目录")
@JSON_OPTION
def eval_(judgments: Path | None, corpus: Path | None, split: str, unit: str | None, ablate: tuple[str, ...],
          enable: tuple[str, ...], baseline: tuple[str, ...], home: Path | None, per_query: bool, extraction: bool, devset: Path,
          as_json: bool) -> None:
    """评测检索质量:分级 nDCG@10、MRR、recall@10,按段落和按文档,分"法规条款问题"与其他问题;
    加 --extraction 则评测信息提取的准确率与召回率。"""
    from index.store.library import Library

    if extraction:
        _eval_extraction(devset, split, as_json)
        return
    import tempfile

    from index.results.relevance import (
        CLAUSE_CATEGORY,
        UNITS,
        JudgmentError,
        evaluate_runs,
        load_judgments,
        options_for,
    )
    from index.write.pipeline import ingest_paths

    if judgments is None:
        # a corpus outside the repo has its judgments under bench/ (make test never reads them), the fixtures' here
        judgments = (Path("bench/relevance") / corpus.resolve().name.replace("-", "_")) if corpus else Path("tests/relevance")
    try:
        options_for(ablate, enable)
        judged = load_judgments(judgments).select(split)
    except JudgmentError as error:
        raise click.ClickException(str(error)) from None
    documents = [corpus] if corpus else judged.documents
    units = (unit,) if unit else UNITS
    with tempfile.TemporaryDirectory(prefix="redprop-eval-") as scratch:
        library = Library(home or scratch)
        report = ingest_paths(documents, library, limits=settings().parse_limits, workers=settings().ingest_workers)
        if report.failed:
            raise click.ClickException("评测文档导入失败:" + "; ".join(o.error or o.path for o in report.failed))
        try:
            reports = evaluate_runs(library, judged, units=units, ablate=ablate, baselines=baseline,
                                    enable=enable)
        except JudgmentError as error:
            raise click.ClickException(str(error)) from None
    if as_json:
        emit_json([r.to_json() for r in reports])
        return
    click.echo(f"评测集 {judgments}({split}):{len(judged.queries)} 个查询,"
               f"其中法规条款问题 {reports[0].count(CLAUSE_CATEGORY)} 个;前 10 条,分级增益")
    click.echo(f"{'单位':<10}{'排序':<14}{'nDCG@10':>9}{'MRR':>8}{'recall@10':>11}"
               f"{'条款 nDCG':>11}{'条款 recall':>12}{'其他 nDCG':>11}{'其他 recall':>12}")
    def figure(report, metric, category=None, width=11):
        return f"{report.mean(metric, category):>{width}.3f}" if report.count(category) else f"{'-':>{width}}"

    for r in reports:
        click.echo(f"{r.unit:<10}{r.name:<14}{figure(r, 'ndcg', width=9)}{figure(r, 'rr', width=8)}"
                   f"{figure(r, 'recall')}{figure(r, 'ndcg', CLAUSE_CATEGORY)}"
                   f"{figure(r, 'recall', CLAUSE_CATEGORY, 12)}{figure(r, 'ndcg', 'other')}"
                   f"{figure(r, 'recall', 'other', 12)}")
    if per_query:
        for unit_reports in ([r for r in reports if r.unit == u] for u in units):
            ours, others = unit_reports[0], unit_reports[1:]
            click.echo(f"\n逐条({ours.unit}):ours 的 nDCG / rr / recall,括号内为其他排序的 nDCG")
            for query, scores in sorted(ours.per_query.items(), key=lambda item: item[1].ndcg):
                rest = "  ".join(f"{r.name}={r.per_query[query].ndcg:.2f}" for r in others)
                click.echo(f"{scores.ndcg:.2f}  rr={scores.rr:.2f}  recall={scores.recall:.2f}  {query}  ({rest})")


def _eval_extraction(devset: Path, split: str, as_json: bool) -> None:
    from ingest.evaluation import SPLITS, DevsetError, evaluate, format_reports

    try:
        reports = evaluate(devset, SPLITS if split == "all" else (split,))
    except DevsetError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        emit_json([r.to_json() for r in reports])
        return
    click.echo(f"提取评测集 {devset}:" + "、".join(f"{r.split} {r.fixtures} 个文件" for r in reports))
    click.echo(format_reports(reports))


@main.command(name="list")
@HOME_OPTION
@JSON_OPTION
def list_(home: Path | None, as_json: bool) -> None:
    """列出已导入的全部文档。"""
    from index.store.library import Library
    from search_api import service

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
    from index.store.library import Library
    from search_api import service

    try:
        data = service.show_document(Library(home), doc_id)
    except ApiError as error:
        raise click.ClickException(error.message) from None
    if as_json:
        emit_json(data)
        return
    subtype = f"({service.POLICY_SUBTYPE_LABELS.get(data['policy_subtype'], data['policy_subtype'])})" \
        if data.get("policy_subtype") else ""
    date_source = f"(据{service.DATE_SOURCE_LABELS.get(data['date_source'], data['date_source'])})" \
        if data.get("date_source") else ""
    click.echo(f"{data['title']}\n来源:{data['source']}  日期:{data['date'] or '未知'}{date_source}  "
               f"类型:{data['doc_type']}{subtype}  主题:{data['topic']}(得分 {data['topic_score']})")
    for place in data.get("place_evidence", []):
        click.echo(f"地点 {' '.join(place['chain'])}:{place['reason']};见“…{place['evidence']}…”"
                   f"(共 {place['count']} 处)")
    heading = None
    for passage in data["passages"]:
        if passage["heading"] and passage["heading"] != heading:
            heading = passage["heading"]
            click.echo(f"\n【{heading}】")
        label = f"{passage['clause']} " if passage["clause"] and not passage["text"].startswith(passage["clause"]) else ""
        kind = f"〈{service.PASSAGE_KIND_LABELS[passage['kind']]}〉" if passage.get("kind", "text") != "text" else ""
        click.echo(f"\n[{passage['ordinal']}] {kind}{label}{passage['text']}")


class CasesGroup(click.Group):
    """`redprop cases [QUERY]` looks cases up; `redprop cases export|practices|metrics` are subcommands."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["find", *args]
        return super().parse_args(ctx, args)


def case_filters(command):
    for option in reversed((
        click.option("--place", default=None, help="地点(省/市/区县/街道/社区/小区名称的一部分)"),
        click.option("--theme", default=None, help="主题,如 业委会建设"),
        click.option("--practice", default=None, help="做法名称,如 五方共建"),
        click.option("--year", default=None, type=click.IntRange(1900, 2100), help="年份"),
    )):
        command = option(command)
    return command


def _case_query(query: tuple[str, ...], place, theme, practice, year, limit) -> CaseQuery:
    from index.store.case_store import CaseQuery

    return CaseQuery(" ".join(query) or None, place, theme, practice, year, limit=limit)


@main.group(cls=CasesGroup)
def cases() -> None:
    """案例查询:redprop cases [关键词] [--place] [--theme] [--practice] [--year];子命令 export / practices / metrics。"""


@cases.command(name="find")
@click.argument("query", nargs=-1)
@case_filters
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 200), help="返回条数")
@click.option("--depth", default=1, show_default=True, type=click.IntRange(0, 5),
              help="与 --place 同用:该地的案例及其下几级(社区、小区)的案例")
@HOME_OPTION
@JSON_OPTION
def cases_find(query, place, theme, practice, year, limit, depth, home, as_json) -> None:
    """按关键词、地点、主题、做法、年份查找典型案例(默认子命令,可省略 find)。"""
    from index.store.library import Library
    from search_api import case_service

    search = _case_query(query, place, theme, practice, year, limit)
    search.depth = depth
    try:
        data = case_service.find_cases(Library(home), search)
    except ApiError as error:
        raise click.UsageError(error.message) from None
    if as_json:
        emit_json(data)
        return
    click.echo(f"共 {data['total']} 个案例")
    for case in data["cases"]:
        click.echo(f"\n{case['case_id']}  {case['title']}")
        click.echo(f"   地点:{' / '.join(case['place_chain'])}")
        if case.get("parent_case_id"):
            click.echo(f"   上级案例:{case['parent_case_id']}({case.get('parent_place') or ''})")
        if case.get("children"):
            click.echo(f"   下级案例:{'、'.join(case['children'])}")
        if case["practices"]:
            click.echo(f"   做法:{'、'.join(case['practices'])}")
        for metric in case["metrics"][:5]:
            click.echo(f"   数据:{metric['indicator']} {metric['value']}{metric['unit']}")
        click.echo(f"   来源:{case['title_of_source']} [{case['source']}]")


@cases.command(name="rebuild")
@HOME_OPTION
@click.option("--all", "everything", is_flag=True, help="重新提取全部文档的案例(默认只提取尚未提取或提取器已更新的)")
def cases_rebuild(home: Path | None, everything: bool) -> None:
    """从存储重新提取案例(查询从不提取;导入与重建索引时也会自动提取)。"""
    from index.store import freshness
    from index.store.case_store import CaseStore
    from index.store.library import Library, WriteLockTimeout
    from index.write.pipeline import LOCK_WAIT_SECONDS
    from ingest.datafiles import Effect
    from search_api.progress import progress_bar

    library = Library(home)
    try:
        with library.writing(LOCK_WAIT_SECONDS, on_wait=lambda message: click.echo(message, err=True)):
            store = CaseStore(library.store)
            todo = sorted(library.store.doc_ids()) if everything else store.pending()
            progress = progress_bar(len(todo), unit="篇")
            try:
                count = store.extract_pending(todo, on_progress=lambda done: progress.update(1))
            finally:
                progress.close()
            if everything:
                freshness.record(library.store, Effect.CASES)
    except WriteLockTimeout as error:
        raise click.ClickException(error.message) from None
    click.echo(f"已提取 {count} 篇文档的案例")


@cases.command(name="export")
@click.argument("query", nargs=-1)
@case_filters
@click.option("--format", "fmt", type=click.Choice(["md", "docx"]), default="md", show_default=True, help="导出格式")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="输出文件(md 默认输出到屏幕;docx 必须指定)")
@click.option("--limit", default=200, show_default=True, type=click.IntRange(1, 200), help="最多导出的案例数")
@HOME_OPTION
def cases_export(query, place, theme, practice, year, fmt, output, limit, home) -> None:
    """导出案例包(每个案例一张卡片,附 GB/T 7714 引文)。"""
    from index.store.library import Library
    from ingest.cases.export import to_docx, to_markdown
    from search_api import case_service

    data = case_service.find_cases(Library(home), _case_query(query, place, theme, practice, year, limit))
    if fmt == "docx":
        if output is None:
            raise click.UsageError("导出 docx 需要用 --output 指定文件")
        output.write_bytes(to_docx(data["cases"]))
    elif output is not None:
        output.write_text(to_markdown(data["cases"]), encoding="utf-8")
    else:
        click.echo(to_markdown(data["cases"]), nl=False)
    if output is not None:
        click.echo(f"已导出 {data['total']} 个案例到 {output}")


@cases.command(name="practices")
@click.argument("name", required=False)
@HOME_OPTION
@JSON_OPTION
def cases_practices(name, home, as_json) -> None:
    """做法目录:每个做法及使用它的地点。"""
    from index.store.library import Library
    from search_api import case_service

    data = case_service.practice_catalogue(Library(home), name)
    if as_json:
        emit_json(data)
        return
    for entry in data["practices"]:
        places = "、".join(place["place"] for place in entry["places"])
        click.echo(f"{entry['name']}  ({len(entry['places'])} 地)  {places}")
    click.echo(f"共 {data['total']} 个做法")


@cases.command(name="metrics")
@click.option("--indicator", default=None, help="指标,如 覆盖率")
@click.option("--place", default=None, help="地点")
@HOME_OPTION
@JSON_OPTION
def cases_metrics(indicator, place, home, as_json) -> None:
    """数据表:各地各年的指标数值及其出处句子。"""
    from index.store.library import Library
    from search_api import case_service

    data = case_service.metrics_table(Library(home), indicator, place)
    if as_json:
        emit_json(data)
        return
    for row in data["metrics"]:
        click.echo(f"{row['place']}\t{row['year'] or '----'}\t{row['indicator']}\t{row['value']}{row['unit']}"
                   f"\t{row['scope']}\t[{row['passage_id']}]")
    click.echo(f"共 {data['total']} 条")


@cases.command(name="timeline")
@click.argument("key")
@HOME_OPTION
@JSON_OPTION
def cases_timeline(key, home, as_json) -> None:
    """做法时间线:提到这一做法的报道、地点与日期,每地首次出现,相关做法。"""
    from index.store.library import Library
    from search_api import case_service

    try:
        data = case_service.practice_timeline(Library(home), key)
    except ApiError as error:
        raise click.ClickException(error.message) from None
    if as_json:
        emit_json(data)
        return
    click.echo(f"{data['name']}:{len(data['places'])} 地")
    for item in data["first_by_place"]:
        click.echo(f"{item['date']}\t{item['place']}\t{item['title']}  [{item['doc_id']}]")
    for item in data["undated"]:
        click.echo(f"日期不详\t{item['place']}\t{item['title']}  [{item['doc_id']}]")
    if data["related"]:
        click.echo("相关做法:" + "、".join(other["name"] for other in data["related"]))


@main.group()
def collections() -> None:
    """合集:redprop collections list | show ID | export ID --format docx|md|ris|bib|json|txt。"""


@collections.command(name="list")
@HOME_OPTION
@JSON_OPTION
def collections_list(home, as_json) -> None:
    """列出全部合集。"""
    from index.store.library import Library
    from search_api import collection_service

    data = collection_service.list_all(Library(home))
    if as_json:
        emit_json(data)
        return
    for row in data["collections"]:
        click.echo(f"{row['collection_id']}\t{row['items']} 条\t{row['updated_at'][:10]}\t{row['title']}")
    click.echo(f"共 {data['total']} 个合集")


@collections.command(name="show")
@click.argument("collection_id")
@HOME_OPTION
@JSON_OPTION
def collections_show(collection_id, home, as_json) -> None:
    """显示一个合集的条目、按语,以及原文档已删除的条目。"""
    from index.store.library import Library
    from search_api import collection_service

    try:
        view = collection_service.show(Library(home), collection_id)
    except ApiError as error:
        raise click.ClickException(error.message) from None
    if as_json:
        emit_json(view)
        return
    click.echo(f"{view['title']}({len(view['items'])} 条)")
    for item in view["items"]:
        missing = f"  [{item['missing']}]" if item["missing"] else ""
        click.echo(f"{item['position']}. [{item['kind_label']}] {item['title']}{missing}")
        if item["note"]:
            click.echo(f"   按语:{item['note']}")
    if view["missing"]:
        click.echo(f"注意:{view['missing']} 条的原文档已删除或已更新")


@collections.command(name="export")
@click.argument("collection_id")
@click.option("--format", "fmt", type=click.Choice(["docx", "md", "ris", "bib", "json", "txt"]), default="docx",
              show_default=True, help="docx/md 为教学资料包;ris/bib/json 为文献管理软件格式;txt 为 GB/T 7714")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="输出文件(docx 必须指定;其他格式默认输出到屏幕)")
@HOME_OPTION
def collections_export(collection_id, fmt, output, home) -> None:
    """导出合集:教学资料包或参考文献。"""
    from index.store.library import Library
    from search_api import exports

    try:
        file = exports.collection_file(Library(home), collection_id, fmt)
    except ApiError as error:
        raise click.ClickException(error.message) from None
    if output is None:
        if fmt == "docx":
            raise click.UsageError("导出 docx 需要用 --output 指定文件")
        click.echo(file.data.decode("utf-8"), nl=False)
        return
    output.write_bytes(file.data)
    click.echo(f"已导出到 {output}")


@main.command()
@HOME_OPTION
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 32),
              help="服务进程数(各自监听同一端口,由系统分配连接)")
def serve(home: Path | None, host: str, port: int, workers: int) -> None:
    """启动网页与 HTTP API 服务。"""
    from functools import partial

    from search_api.server import serve as serve_app
    from search_api.server import serve_workers

    configured = settings().model_copy(update={"home": home})
    if workers == 1:
        serve_app(_logged_app(configured), host, port)
    else:
        serve_workers(partial(_logged_app, configured), host, port, workers)


def _logged_app(configured):
    """The app, with logging set up first: in this process, or in a spawned worker, which starts bare."""
    from search_api.app import create_app
    from search_api.logging import setup_logging

    setup_logging(configured.log_level or "INFO")
    return create_app(configured)


@main.command()
@click.option("--markdown", is_flag=True, help="输出 README 中的环境变量表(由设置类生成)")
@JSON_OPTION
def config(markdown: bool, as_json: bool) -> None:
    """显示生效的设置:每个 REDPROP_* 环境变量的值、默认值与说明(令牌只显示是否已设置)。"""
    from search_api.settings import describe, markdown_table

    if markdown:
        click.echo(markdown_table(), nl=False)
        return
    rows = describe(settings())
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        marker = "" if row["value"] == row["default"] else "  (默认 " + row["default"] + ")"
        click.echo(f"{row['variable']}={row['value']}{marker}\n    {row['help']}")


@main.command(name="compare")
@click.argument("question")
@click.option("--place", default=None, help="只比较该地区的法规(省/市名)")
@click.option("--level", type=click.Choice(["national", "provincial", "city"]), default=None, help="层级")
@click.option("--year-from", type=int, default=None, help="只比较该年及以后的文本")
@click.option("--type", "kind", type=click.Choice(["policy", "news"]), default="policy", show_default=True,
              help="policy:每部法规一行;news:每个地区一行(最佳报道段落)")
@click.option("--sort", type=click.Choice(["place", "date", "score"]), default="place", show_default=True, help="排序")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "xlsx", "docx"]), default="table",
              show_default=True, help="输出格式(csv/xlsx/docx 需 --output)")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="输出文件")
@HOME_OPTION
def compare_(question, place, level, year_from, kind, sort, fmt, output, home) -> None:
    """各地条例比较:一个问题,每部法规的最佳条款;没有相关条款的法规标为“未见相关规定”。"""
    from index.store.library import Library
    from search_api import compare_service

    try:
        matrix = compare_service.clause_matrix(Library(home), question, place, level, year_from, sort, kind)
    except ApiError as error:
        raise click.ClickException(error.message) from None
    if fmt in ("csv", "xlsx", "docx"):
        if output is None:
            raise click.UsageError(f"--format {fmt} 需要 --output 文件名")
        output.write_bytes(compare_service.export_matrix(matrix, fmt))
        click.echo(f"已写入 {output}({len(matrix.rows)} 行)")
        return
    data = matrix.to_json()
    if fmt == "json":
        text = json.dumps(data, ensure_ascii=False, indent=2)
    else:
        text = _matrix_table(data)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
    else:
        click.echo(text)


def _matrix_table(data: dict) -> str:
    lines = [f"问题:{data['question']}  ({data['answered']} 行有相关规定,{data['gaps']} 行未见相关规定)"]
    for row in data["rows"]:
        regulation, best = row["regulation"], row["best"]
        head = f"\n■ {_place_label(regulation)} · {regulation.get('title') or ''}"
        if regulation.get("title"):
            head += f"({regulation.get('version_date') or '日期不详'}{' · ' + regulation['status'] if regulation.get('status') else ''})"
        lines.append(head)
        if best is None:
            lines.append("  未见相关规定" + (f"(最接近:{row['closest']['clause'] or ''} 覆盖 {row['closest']['coverage']:.0%})"
                                          if row["closest"] else ""))
            continue
        chapter = f"{best['chapter']} · " if best.get("chapter") else ""
        lines.append(f"  {best['clause'] or ''} {_plain(best['marked'])}  [{chapter}得分 {best['score']:g}]")
        lines += [f"  ↳ {reuse['label']}({reuse['direction']},{reuse['when']})" for reuse in best["lineage"]]
        lines.append(f"  引用:{best['citation']}")
    return "\n".join(lines)


def _place_label(regulation: dict) -> str:
    return regulation.get("place") or ("全国" if regulation.get("level") == "national" else "地区不详")


@main.command(name="diff")
@click.argument("doc_a")
@click.argument("doc_b")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json"]), default="md", show_default=True, help="输出格式")
@HOME_OPTION
def diff_(doc_a: str, doc_b: str, fmt: str, home: Path | None) -> None:
    """逐条比较同一法规的两个版本(按内容对齐,不按条号):新增、删除、修改、移动。"""
    from index.store.library import Library
    from search_api import compare_service

    try:
        diff = compare_service.version_diff(Library(home), doc_a, doc_b)
    except ApiError as error:
        raise click.ClickException(error.message) from None
    if fmt == "json":
        emit_json(diff.to_json())
    elif fmt == "html":
        click.echo(compare_service.diff_document_html(diff), nl=False)
    else:
        click.echo(compare_service.diff_markdown(diff), nl=False)


@main.command(name="lineage")
@click.argument("doc_id")
@HOME_OPTION
@JSON_OPTION
def lineage_(doc_id: str, home: Path | None, as_json: bool) -> None:
    """一部法规的哪些条款与其他法规的条款文字相同(较早者可能是来源)。"""
    from index.store.library import Library
    from search_api import compare_service

    try:
        data = compare_service.lineage_of_document(Library(home), doc_id)
    except ApiError as error:
        raise click.ClickException(error.message) from None
    if as_json:
        emit_json(data)
        return
    click.echo(f"{data['title']}:{len(data['clauses'])} 条与其他法规有相同文字")
    for clause in data["clauses"]:
        for reuse in clause["reuse"]:
            click.echo(f"  {clause['clause']}  {reuse['label']}({reuse['direction']},{reuse['when']})")
