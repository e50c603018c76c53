from django.urls import path

from registry.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.search, name="search"),
    path("laws/<int:regulation_id>/", views.regulation_detail, name="regulation"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
]
