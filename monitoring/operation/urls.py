"""The operation slice's page (mounted at /monitoring/ by monitoring.urls)."""

from django.urls import path

from monitoring.operation import views

app_name = "operation"
urlpatterns = [path("operation/", views.operation, name="operation")]
