"""Kiosk mode: one shared device at a one-stop desk takes one respondent after another.

The public link allows one answer per device and unit a day (survey.public_daily_limit), which refuses the second
citizen at a shared tablet. A survey manager turns the device into a kiosk for one survey and unit: a signed cookie
names the kiosk and its current respondent. Each respondent is a device of its own for the daily limit; after an
answer the form is closed until the staff press "next respondent", so a citizen can't fill in twice unseen."""
import secrets

from django.conf import settings
from django.core import signing

KIOSK_COOKIE = "parindex_kiosk"
KIOSK_SALT = "surveys.kiosk"
KIOSK_MAX_AGE = 12 * 3600  # a working day at the desk; the manager starts it again the next morning


def kiosk_start(response, survey, unit):
    _store(response, {"survey": survey.pk, "unit": unit.pk, "id": secrets.token_urlsafe(12), "respondent": 1})


def kiosk_of(request, survey=None, unit=None):
    """The kiosk this device is, for this survey and unit when given, or None."""
    try:
        kiosk = request.get_signed_cookie(KIOSK_COOKIE, salt=KIOSK_SALT, max_age=KIOSK_MAX_AGE)
        kiosk = signing.loads(kiosk, salt=KIOSK_SALT)
    except (KeyError, signing.BadSignature, ValueError):
        return None
    if survey is not None and (kiosk.get("survey"), kiosk.get("unit")) != (survey.pk, unit.pk):
        return None
    return kiosk


def kiosk_next(response, kiosk):
    """The staff start the next respondent: a new "device" for the daily limit."""
    _store(response, {**kiosk, "respondent": kiosk["respondent"] + 1})


def kiosk_device(kiosk) -> str:
    return f"kiosk:{kiosk['id']}:{kiosk['respondent']}"


def _store(response, kiosk):
    response.set_signed_cookie(KIOSK_COOKIE, signing.dumps(kiosk, salt=KIOSK_SALT), salt=KIOSK_SALT,
                               max_age=KIOSK_MAX_AGE, httponly=True, samesite="Lax",
                               secure=settings.SESSION_COOKIE_SECURE)
