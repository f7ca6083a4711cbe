from django.urls import include, path

from cadence.accounts import invitation_views, views

urlpatterns = [
    # The sign-in page keeps its address and name (LOGIN_URL "login"); allauth behind it.
    path("login/", views.SignInView.as_view(), name="login"),
    path("login/sso/", views.sso_start, name="sso_start"),
    path("accounts/email/", views.email_change, name="account_email"),
    path("accounts/", include("allauth.urls")),
    path(
        "invitations/<str:secret>/",
        invitation_views.invitation_accept,
        name="invitation_accept",
    ),
    path("settings/security/", views.security, name="sign_in_security"),
    path("settings/security/policy/", views.security_policy, name="sign_in_policy"),
    path("settings/security/unlock/", views.security_unlock, name="sign_in_unlock"),
    path("settings/sso/", views.sso_settings, name="sso_settings"),
]
