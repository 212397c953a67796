"""Every `REDPROP_*` environment variable, read in one place (a pydantic model) with types, units and defaults.

Nothing else reads the environment: `ingest/` and `index/` get these values as arguments from the CLI and the
app. Sizes take units ("50MB", "50MiB", or plain bytes); durations too ("30s", "2m", "8h", or plain seconds).
A bad value fails with a message naming the variable. `redprop config` prints the effective settings and
`redprop config --markdown` the README's table.

The model is pydantic's plain BaseModel fed from `os.environ` here (variable names are not case-sensitive, an
empty one means the default), not pydantic-settings' BaseSettings: importing that package cost every `redprop`
command about 0.2 s of CPU (its sources import asyncio, email and cloud providers), a third of a search.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ByteSize,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

if TYPE_CHECKING:  # the rate-limit parser and ingestion's guard (pebble) load when a setting needs them,
    from ingest.guard import ParseLimits  # not in every `redprop` command that reads the settings

MIB = 2**20
ENV_PREFIX = "REDPROP_"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
SECONDS_PER_UNIT = {"ms": 0.001, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*", re.IGNORECASE)


class SettingsError(ValueError):
    """A setting's value cannot be used; the message names the environment variable and what it needs."""


def parse_seconds(value: Any) -> Any:
    """"30s", "2m", "1.5h", "250ms" or a plain number of seconds → seconds (float); anything else is left
    for pydantic to reject."""
    if isinstance(value, str):
        match = DURATION.fullmatch(value)
        if match and match.group(2).lower() in SECONDS_PER_UNIT | {"": 1}:
            return float(match.group(1)) * (SECONDS_PER_UNIT.get(match.group(2).lower()) or 1)
    return value


Seconds = Annotated[float, BeforeValidator(parse_seconds), Field(ge=0)]
Bytes = Annotated[ByteSize, Field(ge=0)]
# What a valid value looks like, per kind, for the error message.
EXPECTED = {
    "bytes": "字节数或带单位的大小,如 50MB、50MiB、1GiB",
    "seconds": "秒数或带单位的时长,如 30s、2m、8h",
    "rate": "次数/时间单位,如 60/minute、10/second、1000/hour",
}


def _help(text: str, kind: str | None = None, secret: bool = False) -> dict:
    return {"description": text, "json_schema_extra": {"kind": kind, "secret": secret}}


class Settings(BaseModel):
    """The service's settings; each field is read from `REDPROP_` + its name in capitals (the write token from
    `REDPROP_TOKEN`); values given to the constructor win over the environment."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, validate_default=True, extra="forbid")

    home: Path = Field(Path("var"), **_help("数据目录:SQLite 存储、索引与上传的文件"))
    write_token: str | None = Field(None, validation_alias=AliasChoices("REDPROP_TOKEN", "write_token"),
                                    **_help("写入令牌:上传、删除、重建索引;未设置时写入功能关闭(403)", secret=True))
    read_token: str | None = Field(None, **_help(
        "读取令牌:设置后所有页面需登录、所有 API 需 Bearer 令牌(写入令牌也可读取)", secret=True))
    session_max_age: Seconds = Field(8 * 3600, **_help("网页登录的有效期,过期后需重新登录", "seconds"))
    session_secret: str | None = Field(None, **_help(
        "会话 Cookie 的签名密钥;未设置时使用数据目录下自动生成的 session.key", secret=True))
    max_request_bytes: Bytes = Field(200 * MIB, **_help("一次上传请求的总大小上限,超出返回 413", "bytes"))
    max_upload_bytes: Bytes = Field(50 * MIB, **_help("单个上传文件的大小上限,超出返回 413 并指明文件", "bytes"))
    max_upload_files: int = Field(20, ge=1, **_help("一次上传的文件数上限,超出返回 413"))
    parse_timeout: Seconds = Field(60.0, **_help("单个文件的解析时限,超时该文件失败(解析超时),其他文件继续", "seconds"))
    parse_memory_bytes: Bytes = Field(1024 * MIB, **_help("解析进程的内存上限(0 为不限),超出该文件失败", "bytes"))
    ingest_workers: int | None = Field(None, ge=1, **_help("导入时的解析进程数;未设置时每个 CPU 核一个(最多 4 个)"))
    max_fetch_bytes: Bytes = Field(50 * MIB, **_help("按网址导入时单个网址的大小上限,超出该网址失败", "bytes"))
    allow_private_urls: bool = Field(False, **_help("允许按网址导入内网、本机或链路本地地址(默认拒绝)"))
    write_lock_wait: Seconds = Field(30.0, **_help("HTTP 写入请求等待另一写入任务结束的时间,超时返回 409", "seconds"))
    rate_limit: str = Field("120/minute", **_help(
        "每个客户端对开销大的读取(联想、分析、相似、案例)的频率上限,超出返回 429", "rate"))
    login_rate_limit: str = Field("10/minute", **_help("每个客户端提交登录表单的频率上限,超出返回 429", "rate"))
    log_level: str | None = Field(None, **_help("日志级别(DEBUG/INFO/WARNING/ERROR);未设置时服务 INFO、命令行 WARNING"))

    def __init__(self, **values: Any):
        try:
            super().__init__(**(environment_values() | values))
        except ValidationError as error:
            raise SettingsError(describe_error(error)) from None

    @field_validator("rate_limit", "login_rate_limit")
    @classmethod
    def _rate(cls, value: str, info: ValidationInfo) -> str:
        if value == cls.model_fields[info.field_name].default:
            return value  # the defaults parse (tests/test_settings.py); importing limits costs 0.1 s a command
        import limits

        limits.parse(value)  # ValueError on anything the limits library cannot read
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str | None) -> str | None:
        if value is not None and value.upper() not in LOG_LEVELS:
            raise ValueError("/".join(LOG_LEVELS))
        return value.upper() if value else None

    @property
    def parse_limits(self) -> ParseLimits:
        from ingest.guard import ParseLimits

        return ParseLimits(self.parse_timeout, self.parse_memory_bytes or None)

    @property
    def fetched_dir(self) -> Path:
        """Where documents fetched by URL are kept (one file per URL)."""
        return Path(self.home) / "fetched"

    @property
    def uploads_dir(self) -> Path:
        """Where uploaded files are kept, under generated names (never the client's file name)."""
        return Path(self.home) / "uploads"


def environment_values() -> dict[str, str]:
    """The set `REDPROP_*` variables by field name; an empty variable means the default."""
    variables = {name.upper(): value for name, value in os.environ.items()}
    return {field: value for field in Settings.model_fields if (value := variables.get(env_name(field)))}


def env_name(field: str) -> str:
    """The environment variable a field is read from."""
    alias = Settings.model_fields[field].validation_alias
    return alias.choices[0] if isinstance(alias, AliasChoices) else ENV_PREFIX + field.upper()


def _field_of(location: str) -> str:
    return next((name for name in Settings.model_fields if location in (name, env_name(name))), location)


def describe_error(error: ValidationError) -> str:
    """One line per bad value: `<variable>=<value> 无效:需要 …`."""
    lines = []
    for problem in error.errors():
        field = _field_of(str(problem["loc"][0])) if problem["loc"] else "?"
        kind = (Settings.model_fields[field].json_schema_extra or {}).get("kind") if field in Settings.model_fields \
            else None
        need = EXPECTED.get(kind) or _pydantic_need(problem)
        name = env_name(field) if field in Settings.model_fields else field
        lines.append(f"{name}={problem.get('input')} 无效:需要{need}")
    return ";".join(lines)


def _pydantic_need(problem: dict) -> str:
    context = problem.get("ctx") or {}
    if problem["type"] == "int_parsing":
        return "整数"
    if problem["type"] == "greater_than_equal":
        return f"不小于 {context.get('ge')} 的数"
    if problem["type"] == "value_error":
        return f"以下之一:{context.get('error')}"
    return problem["msg"]


def format_value(field: str, value: Any) -> str:
    """A value as a person would write it back into the environment ("50MiB", "30s"); secrets hidden."""
    extra = Settings.model_fields[field].json_schema_extra or {}
    if value is None:
        return "(未设置)"
    if extra.get("secret"):
        return "(已设置)"
    if extra.get("kind") == "bytes":
        for unit, size in (("GiB", 2**30), ("MiB", MIB), ("KiB", 2**10)):
            if value and value % size == 0:
                return f"{value // size}{unit}"
        return str(int(value))
    if extra.get("kind") == "seconds":
        return f"{value / 3600:g}h" if value >= 3600 and value % 3600 == 0 else f"{value:g}s"
    return str(value)


def describe(settings: Settings) -> list[dict]:
    """Each setting: variable, effective value, default and help, in the class's order."""
    return [{"variable": env_name(name), "field": name, "value": format_value(name, getattr(settings, name)),
             "default": format_value(name, field.default), "help": field.description}
            for name, field in Settings.model_fields.items()]


def markdown_table() -> str:
    """The README's table of environment variables, generated from the class (tests/test_settings.py checks)."""
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    rows += [f"| `{row['variable']}` | {row['default']} | {row['help']} |"
             for row in describe(Settings.model_construct())]
    return "\n".join(rows) + "\n"
