from django.urls import path  # noqa: F401 (each feature adds its routes here)

urlpatterns: list = []
