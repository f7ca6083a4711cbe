from django.urls import path

from cadence.transfer import export_views, views

urlpatterns = [
    # <filename> is "<what>.<csv|xlsx>": okrs, check-ins, weekly, scores or learnings.
    path("cycles/<uuid:cycle_id>/export/<str:filename>", export_views.export, name="export"),
    path("import/okrs/", views.import_okrs, name="import_okrs"),
    path(
        "import/okrs/template.xlsx",
        views.import_okrs_template_xlsx,
        name="import_okrs_template_xlsx",
    ),
    path(
        "import/okrs/template.csv", views.import_okrs_template_csv, name="import_okrs_template_csv"
    ),
    path(
        "import/okrs/check-ins-template.csv",
        views.import_check_ins_template_csv,
        name="import_check_ins_template_csv",
    ),
]
