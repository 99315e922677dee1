from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from scoring.views.accounts import set_password
from scoring.views.home import healthz, home, notice_settings, session_keepalive

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/session/", session_keepalive, name="session_keepalive"),
    path("accounts/notices/", notice_settings, name="notice_settings"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # "Quên mật khẩu": Django's reset by e-mail, for everyone; and a new account's one-time set-password link.
    path("accounts/password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/password-reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/password-reset/done/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("dat-mat-khau/<str:token>/", set_password, name="set_password"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("scoring.urls")),
    path("", include("surveys.urls")),  # surveys/... for managers, khao-sat/... for respondents
    path("api/v1/", include("scoring.api.urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves Swagger UI's start-up script as a file: the Content-Security-Policy allows no inline one.
    path("api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]

# Our own error pages (parindex/errors.py): Vietnamese, inside the navigation, with a way back; a 404 under /api/ is
# JSON (parindex/api_errors.py), e.g. for a non-numeric id.
handler400 = "parindex.errors.bad_request"
handler403 = "parindex.errors.permission_denied"
handler404 = "parindex.api_errors.not_found"
handler500 = "parindex.errors.server_error"
