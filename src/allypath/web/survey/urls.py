from django.urls import path

from allypath.web.survey import landing, views

app_name = "survey"

urlpatterns = [
    path("s/<str:token>/", views.start, name="start"),
    path("s/<str:token>/p/<int:number>/", views.page, name="page"),
    path("s/<str:token>/saved/", views.saved, name="saved"),
    path("", landing.home, name="home"),
    path("r/", landing.open_report, name="open_report"),
    path("r/<str:receipt>/", views.report, name="report"),
    path("r/<str:receipt>/pdf", views.report_pdf, name="report_pdf"),
]
