from django.urls import path

from registry.resources import views

app_name = "resources"
urlpatterns = [
    path("nearest", views.nearest, name="nearest"),
]
