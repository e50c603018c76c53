from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("<slug:dashboard>/", views.dashboard, name="app"),
    path("<slug:dashboard>/<path:rest>", views.dashboard),
]
