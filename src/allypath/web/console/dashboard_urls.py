"""URLs of the dashboard, under ``/console/<org>/dashboard/`` (included by the console's urls)."""

from django.urls import path

from allypath.web.console import dashboard, dashboard_contexts, dashboard_deck, dashboard_follow_up

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("groups/", dashboard.groups, name="dashboard_groups"),
    path("heatmap/", dashboard.heatmap, name="dashboard_heatmap"),
    path("contexts/", dashboard_contexts.contexts, name="dashboard_contexts"),
    path("deck/", dashboard_deck.deck, name="dashboard_deck"),
    path("trends/", dashboard.trends, name="dashboard_trends"),
    path("transitions/", dashboard.transitions, name="dashboard_transitions"),
    path("plan/", dashboard.plan, name="dashboard_plan"),
    path("plan/adopt/", dashboard.adopt, name="dashboard_adopt"),
    path("plan/<int:pk>/", dashboard.plan_item, name="dashboard_plan_item"),
    path("follow-up/", dashboard_follow_up.follow_up_page, name="dashboard_follow_up"),
    path("comments/", dashboard.comments, name="dashboard_comments"),
    path("export.<str:fmt>", dashboard.export, name="dashboard_export"),
]
