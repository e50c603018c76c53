from django.urls import path

from geo.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("new", views.notice_edit, name="new"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("<int:pk>/edit", views.notice_edit, name="edit"),
    path("<int:pk>/<str:action>", views.notice_action, name="action"),
]
