"""The composed pages' URLs: the same names and paths they had in okrs and orgs."""

from django.urls import path

from cadence.web import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cycles/<uuid:cycle_id>/tree/", views.cycle_tree, name="cycle_tree"),
    path("objectives/<uuid:objective_id>/", views.objective_detail, name="objective_detail"),
    path("objectives/<uuid:objective_id>/state/", views.objective_state, name="objective_state"),
    path(
        "key-results/<uuid:key_result_id>/check-in/",
        views.key_result_check_in,
        name="key_result_check_in",
    ),
    path("units/<uuid:unit_id>/", views.unit_detail, name="unit_detail"),
    path("people/<uuid:person_id>/", views.person_detail, name="person_detail"),
    path("settings/", views.settings_index, name="settings"),
    path("settings/audit/", views.audit_trail, name="audit_trail"),
    path("settings/organization/", views.organization_settings, name="organization_settings"),
    path(
        "settings/organization/archive.zip",
        views.organization_archive,
        name="organization_archive",
    ),
    path("settings/profile/", views.profile, name="profile"),
    path("settings/people/", views.people, name="people"),
    path("settings/people/invite/", views.invite, name="people_invite"),
    path("settings/people/<uuid:person_id>/role/", views.person_role, name="person_role"),
    path("settings/people/<uuid:person_id>/active/", views.person_active, name="person_active"),
    path("settings/people/<uuid:person_id>/erase/", views.person_erase, name="person_erase"),
    path(
        "settings/invitations/<uuid:invitation_id>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "settings/invitations/<uuid:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
]
