"""The credit slice's pages (mounted at /enforcement/credit/ by enforcement.urls)."""

from django.urls import path

from enforcement.credit import views

app_name = "credit"
urlpatterns = [
    path("", views.listings, name="list"),
    path("<int:pk>/", views.listing_detail, name="detail"),
    path("<int:pk>/step/", views.listing_step, name="step"),
    path("joint/", views.joint_list, name="joint"),
    path("accidents/", views.accidents, name="accidents"),
    path("accidents/<int:pk>/", views.accident_detail, name="accident"),
    path("accidents/<int:pk>/step/", views.accident_step, name="accident_step"),
    path("accidents/<int:pk>/milestones/<int:milestone>/", views.milestone_done,
         name="milestone"),
]
