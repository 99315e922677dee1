from .permissions import can_read_surveys


def survey_navigation(request):
    """Whether the header shows "Điều tra XHH" (the role check stays in permissions.py)."""
    user = getattr(request, "user", None)
    return {"can_read_surveys": bool(user) and can_read_surveys(user)}
