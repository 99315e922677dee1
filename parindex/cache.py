"""The Redis cache, failing soft: with Redis down, pages that only use the cache (the scorecard's averages, the
dashboards, the public survey link's counters) keep working on a cache of the process's own, instead of answering
500. What needs Redis as the broker says so itself (scoring/services/jobs.py, /healthz)."""
import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
# After a failure, Redis is left alone this long: a page makes several cache calls, each would wait to connect.
RETRY_AFTER_SECONDS = 10
METHODS = ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many", "delete_many", "clear")


def _fail_soft(name):
    def method(self, *args, **kwargs):
        if time.monotonic() >= self._down_until:
            try:
                return getattr(RedisCache, name)(self, *args, **kwargs)
            except (RedisConnectionError, RedisTimeoutError) as error:
                logger.warning("Redis cache unreachable, using this process's memory for %ss: %s",
                               RETRY_AFTER_SECONDS, error)
                self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
        return getattr(self._fallback, name)(*args, **kwargs)

    method.__name__ = name
    return method


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._fallback = LocMemCache(f"fallback-{server}", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._down_until = 0.0

    locals().update({name: _fail_soft(name) for name in METHODS})
