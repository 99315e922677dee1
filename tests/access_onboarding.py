"""Access-matrix lines of one capability (format: top of tests/access_matrix.py): onboarding a province (issue 10),
the setup checklist, units, blocks, agencies and accounts workbooks, and the set-password and reset pages."""
# Imported at the bottom of access_matrix.py, once these names exist there.
from .access_matrix import LOGIN, MANAGERS_ONLY, TOKEN, access

AGENCY = {"pk": "agency"}
SET_PASSWORD = {"token": "unknown_token"}
RESET = {"uidb64": "reset_uid", "token": "reset_token"}


def objects(own_unit, other_unit):
    """The appraisers' agency of tests/conftest.py's personas, and a reset link that belongs to nobody."""
    from scoring.models import Agency

    agency = Agency.objects.get_or_create(code="STP", defaults={"name": "Sở Tư pháp"})[0]
    values = {"agency": agency.pk, "reset_uid": "MA", "reset_token": "khong-co-token"}
    return {"own": values, "other": values}


MATRIX = {
    "scoring:setup": access(**MANAGERS_ONLY),
    "scoring:block_list": access(**MANAGERS_ONLY),
    "scoring:agency_list": access(**MANAGERS_ONLY),
    "scoring:agency_detail": access(**MANAGERS_ONLY, kwargs=AGENCY),
    "scoring:unit_import": access(**MANAGERS_ONLY),
    "scoring:unit_export": access(**MANAGERS_ONLY),
    "scoring:account_list": access(**MANAGERS_ONLY),
    "scoring:account_import": access(**MANAGERS_ONLY),
    "scoring:account_export": access(**MANAGERS_ONLY),
    "scoring:account_links": access(**MANAGERS_ONLY),
    # As for frameworks: a token that is not in the visitor's session.
    "scoring:unit_import_confirm": access(anonymous=LOGIN, managers=404, others=403, kwargs=TOKEN),
    "scoring:account_import_confirm": access(anonymous=LOGIN, managers=404, others=403, kwargs=TOKEN),
    # The link is the permission: a token that was never issued is not found, whoever asks.
    "set_password": access(everyone=404, kwargs=SET_PASSWORD),
    # "Quên mật khẩu" is for everyone; a reset link of nobody says it cannot be used (200, validlink false).
    "password_reset": access(everyone=200),
    "password_reset_done": access(everyone=200),
    "password_reset_confirm": access(everyone=200, kwargs=RESET),
    "password_reset_complete": access(everyone=200),
}
