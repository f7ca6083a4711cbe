from django.contrib.auth import views as auth_views
from django.urls import path

from cadence.orgs import unit_views, views
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
    path("settings/tokens/", views.api_tokens, name="api_tokens"),
    path("settings/units/", unit_views.unit_settings_list, name="unit_settings_list"),
    path("settings/units/<uuid:unit_id>/", unit_views.unit_settings, name="unit_settings"),
]
