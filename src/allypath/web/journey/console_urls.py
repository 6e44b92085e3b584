"""The org admin's ally-circle page, under ``/console/<org>/circles/``."""

from django.urls import path

from allypath.web.journey import console

app_name = "circles"

urlpatterns = [
    path("<slug:slug>/circles/", console.circles_page, name="circles"),
]
