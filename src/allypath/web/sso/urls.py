"""``/console/sso/``: the way to the provider and back (both answer 404 while single sign-on is off)."""

from django.urls import path

from allypath.web.sso import views

app_name = "sso"

urlpatterns = [
    path("start/", views.Start.as_view(), name="start"),
    path("callback/", views.Callback.as_view(), name="callback"),
]
