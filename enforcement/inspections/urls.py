"""The inspections slice's pages (mounted at /enforcement/ by enforcement.urls)."""

from django.urls import path

from enforcement.inspections import inspection_views, views

app_name = "inspections"
urlpatterns = [
    path("plans/", views.plans, name="plans"),
    path("plans/<int:pk>/", views.plan, name="plan"),
    path("draws/", views.draws, name="draws"),
    path("draws/public/", views.draws_public, name="draws_public"),
    path("draws/<int:pk>/", views.draw, name="draw"),
    path("draws/<int:pk>/publish/", views.draw_publish, name="draw_publish"),
    path("draws/<int:pk>/audit.json", views.draw_audit, name="draw_audit"),
    path("inspections/", inspection_views.inspections, name="inspections"),
    path("inspections/new/", inspection_views.inspection_new, name="inspection_new"),
    path("inspections/<int:pk>/", inspection_views.inspection, name="inspection"),
]
