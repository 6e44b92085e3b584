"""The journey's pages, under the report's own address ``/r/<receipt>/journey/``."""

from django.urls import path

from allypath.web.journey import views

app_name = "journey"

urlpatterns = [
    path("r/<str:receipt>/journey/", views.home, name="home"),
    path("r/<str:receipt>/journey/read/<slug:item_id>/", views.item, name="item"),
    path("r/<str:receipt>/journey/dilemma/<slug:dilemma_id>/", views.dilemma, name="dilemma"),
    path("r/<str:receipt>/journey/commitments/", views.commitment_add, name="commitment_add"),
    path(
        "r/<str:receipt>/journey/commitments/<slug:commitment_id>/",
        views.commitment_change,
        name="commitment",
    ),
    path("r/<str:receipt>/journey/recheck/", views.recheck, name="recheck"),
    path("r/<str:receipt>/journey/progress/", views.progress, name="progress"),
    path("r/<str:receipt>/journey/circle/", views.circle, name="circle"),
    path("r/<str:receipt>/journey/circle/leave/", views.circle_leave, name="circle_leave"),
]
