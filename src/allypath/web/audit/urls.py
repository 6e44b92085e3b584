from django.urls import path

from allypath.web.audit import views

app_name = "audit"

urlpatterns = [
    path("<slug:slug>/audit/", views.audit_log, name="log"),
]
