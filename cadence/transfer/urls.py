from django.urls import path

from cadence.transfer import views

urlpatterns: list = [
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
