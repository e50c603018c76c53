from django.urls import path

from registry.agencies import views

app_name = "agencies"
urlpatterns = [
    path("", views.agency_list, name="list"),
    path("<int:agency_id>/", views.agency_detail, name="detail"),
]
