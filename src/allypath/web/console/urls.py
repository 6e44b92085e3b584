from django.contrib.auth import views as auth_views
from django.urls import include, path

from allypath.web.console import imports, policies, views, waves
from allypath.web.dashboard import views as publication_views
from allypath.web.sso import views as sso_views

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", sso_views.LoginPage.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("<slug:slug>/", views.org_detail, name="org"),
    path("<slug:slug>/import/", views.import_people, name="import"),
    path("<slug:slug>/imports/", imports.import_upload, name="import_upload"),
    path("<slug:slug>/imports/<slug:key>/", imports.import_preview, name="import_preview"),
    path("<slug:slug>/imports/<slug:key>/mapping.yaml", imports.import_mapping_yaml, name="import_mapping"),
    path("<slug:slug>/imports/<slug:key>/problems.csv", imports.import_problems_csv, name="import_problems"),
    path("<slug:slug>/units/", views.units, name="units"),
    path("<slug:slug>/policies/", policies.policies, name="policies"),
    path("<slug:slug>/people/", views.people, name="people"),
    path("<slug:slug>/people/<int:pk>/", views.membership_edit, name="membership"),
    path("<slug:slug>/waves/", views.waves, name="waves"),
    path("<slug:slug>/waves/new/", views.wave_new, name="wave_new"),
    path("<slug:slug>/waves/<int:pk>/", views.wave_detail, name="wave"),
    path("<slug:slug>/waves/<int:pk>/edit/", views.wave_edit, name="wave_edit"),
    path("<slug:slug>/waves/<int:pk>/action/", views.wave_action, name="wave_action"),
    path("<slug:slug>/waves/<int:pk>/launch/", waves.wave_launch, name="wave_launch"),
    path("<slug:slug>/waves/<int:pk>/emails/", waves.wave_emails, name="wave_emails"),
    path("<slug:slug>/waves/<int:pk>/preview/", waves.wave_preview, name="wave_preview"),
    path("<slug:slug>/waves/<int:pk>/links.csv", views.wave_links, name="wave_links"),
    path("<slug:slug>/dashboard/", include("allypath.web.console.dashboard_urls")),
    path("<slug:slug>/publication/", publication_views.publication, name="publication"),
]
