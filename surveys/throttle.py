"""Guarding the public link (no login): a device id in a signed cookie, posts counted per client IP in the cache,
and a simple arithmetic check, rendered by the server and signed in the form, once an address posts too often."""
import hashlib
import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext as _

DEVICE_COOKIE = "parindex_device"
DEVICE_SALT = "surveys.device"
DEVICE_MAX_AGE = 400 * 24 * 3600  # a survey season and then some; browsers cap cookies near 400 days
CHECK_SALT = "surveys.human-check"
CHECK_MAX_AGE = 3600
STARTED_SALT = "surveys.started"
WINDOW = 3600


# --- Device -------------------------------------------------------------------------------------------------

def device_id(request) -> tuple[str, bool]:
    """The device's id from its signed cookie, or a new one; the flag says whether the cookie must be set."""
    known = request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=DEVICE_SALT)
    return (known, False) if known else (secrets.token_urlsafe(16), True)


def remember_device(response, device):
    response.set_signed_cookie(DEVICE_COOKIE, device, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE, httponly=True,
                               samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)


def device_hash(device: str, ip: str) -> str:
    return hashlib.sha256(f"{device}|{ip}".encode()).hexdigest()


def client_ip(request) -> str:
    """Behind our own proxy (BEHIND_PROXY=1) the last X-Forwarded-For entry is the one the proxy added; earlier
    entries come from the client and could be forged."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.BEHIND_PROXY and forwarded:
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


# --- Posts per address per hour ----------------------------------------------------------------------------

def _ip_key(ip):
    digest = hashlib.sha256(ip.encode()).hexdigest()[:24]
    return f"surveys:public-posts:{digest}:{int(time.time() // WINDOW)}"


def posts_this_hour(ip: str) -> int:
    return cache.get(_ip_key(ip), 0)


def count_post(ip: str) -> int:
    key = _ip_key(ip)
    cache.add(key, 0, WINDOW)
    try:
        return cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, WINDOW)
        return 1


def needs_human_check(ip: str) -> bool:
    return posts_this_hour(ip) >= settings.SURVEY_PUBLIC_CHECK_AFTER


def too_many_posts(ip: str) -> bool:
    return posts_this_hour(ip) >= settings.SURVEY_PUBLIC_HOURLY_LIMIT


# --- The human check ----------------------------------------------------------------------------------------

def human_check_new() -> tuple[str, str]:
    """(question, signed answer): the answer travels in the form, signed, with a nonce so it is good once."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    question = _("%(a)d cộng %(b)d bằng bao nhiêu?") % {"a": a, "b": b}
    return question, signing.dumps({"sum": a + b, "nonce": secrets.token_hex(8)}, salt=CHECK_SALT)


def human_check_passes(signed: str, answer: str) -> bool:
    try:
        challenge = signing.loads(signed, salt=CHECK_SALT, max_age=CHECK_MAX_AGE)
    except signing.BadSignature:
        return False
    if answer.strip() != str(challenge["sum"]):
        return False
    return cache.add(f"surveys:check-used:{challenge['nonce']}", 1, CHECK_MAX_AGE)


# --- Time spent on the form (works without JavaScript) -------------------------------------------------------

def started_stamp() -> str:
    return signing.dumps(time.time(), salt=STARTED_SALT)


def elapsed_seconds(stamp: str) -> float:
    """Seconds since the form was first shown; a missing or forged stamp counts as no time at all (flagged)."""
    try:
        return max(0.0, time.time() - signing.loads(stamp, salt=STARTED_SALT))
    except signing.BadSignature:
        return 0.0
