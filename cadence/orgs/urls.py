from django.contrib.auth import views as auth_views
from django.urls import path

from cadence.orgs import views
from cadence.orgs.forms import EmailAuthenticationForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("units/<uuid:unit_id>/", views.unit_detail, name="unit_detail"),
    path("settings/", views.settings_index, name="settings"),
    path("settings/tokens/", views.api_tokens, name="api_tokens"),
]
