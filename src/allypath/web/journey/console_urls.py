"""The org admin's journey pages under ``/console/<org>/``: ally circles and the own library items."""

from django.urls import path

from allypath.web.journey import console, console_library

app_name = "journey_console"

urlpatterns = [
    path("<slug:slug>/circles/", console.circles_page, name="circles"),
    path("<slug:slug>/library/", console_library.library_page, name="library"),
    path("<slug:slug>/library/<int:pk>/", console_library.library_item_page, name="library_item"),
]
