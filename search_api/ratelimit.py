"""Per-client rate limits on expensive reads (suggest, analyze, similar, cases) and on login attempts.

The `limits` library (what slowapi is built on) counts a moving window per client address and route, in this
process's memory: each server process counts on its own, and behind a proxy every client shares the proxy's
address. A client over the limit gets 429 with a Chinese message and Retry-After.
"""
from __future__ import annotations

import math
import time

from fastapi import Depends, Request
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from search_api.errors import TooManyRequests
from search_api.settings import Settings


class RateLimits:
    """One app's limiters: `expensive` (REDPROP_RATE_LIMIT) and `login` (REDPROP_LOGIN_RATE_LIMIT)."""

    def __init__(self, settings: Settings):
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        self.expensive = parse(settings.rate_limit)
        self.login = parse(settings.login_rate_limit)

    def check(self, request: Request, item, scope: str) -> None:
        client = request.client.host if request.client else "unknown"
        if self.limiter.hit(item, scope, client):
            return
        reset = self.limiter.get_window_stats(item, scope, client).reset_time
        wait = max(1, math.ceil(reset - time.time()))
        raise TooManyRequests(f"请求过于频繁:每个客户端最多 {item.amount} 次/{_period(item)},请 {wait} 秒后再试",
                              retry_after=wait)


def _period(item) -> str:
    names = {"second": "秒", "minute": "分钟", "hour": "小时", "day": "天", "month": "月", "year": "年"}
    unit = names.get(item.GRANULARITY.name, item.GRANULARITY.name)
    return unit if item.multiples == 1 else f"{item.multiples} {unit}"


def limit_expensive(request: Request) -> None:
    """Route dependency: counts this client's calls to the route against REDPROP_RATE_LIMIT."""
    request.app.state.rate_limits.check(request, request.app.state.rate_limits.expensive, request.scope["route"].path)


def limit_login(request: Request) -> None:
    request.app.state.rate_limits.check(request, request.app.state.rate_limits.login, "login")


Expensive = Depends(limit_expensive)
LIMITED_ANSWER = {429: {"description": "请求过于频繁:超过每个客户端的频率上限(REDPROP_RATE_LIMIT)"}}
LoginAttempts = Depends(limit_login)
