from django.urls import path

from cadence.search import views

urlpatterns = [
    path("search/", views.search, name="search"),
]
