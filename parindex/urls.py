from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

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
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("scoring.urls")),
    path("", include("surveys.urls")),  # surveys/... for managers, khao-sat/... for respondents
    path("api/v1/", include("scoring.api_urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/v1/docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
]

# Our own error pages (parindex/errors.py): Vietnamese, inside the navigation, with a way back.
handler400 = "parindex.errors.bad_request"
handler403 = "parindex.errors.permission_denied"
handler404 = "parindex.errors.page_not_found"
handler500 = "parindex.errors.server_error"
