"""The case slice's pages (mounted at /enforcement/cases/ by enforcement.urls)."""

from django.urls import path

from enforcement.cases import analytics_views, views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("analytics/", analytics_views.case_analytics, name="analytics"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/step/", views.case_step, name="step"),
    path("<int:pk>/staff/", views.case_staff, name="staff"),
    path("<int:pk>/transfer/", views.case_transfer, name="transfer"),
]
