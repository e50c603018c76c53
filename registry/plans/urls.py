from django.urls import path

from registry.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new", views.plan_new, name="new"),
    path("templates/", views.template_list, name="templates"),
    path("<int:plan_id>/", views.plan_detail, name="detail"),
    path("<int:plan_id>/attachments", views.attachment_upload, name="upload"),
    path("<int:plan_id>/attachments/<int:attachment_id>", views.attachment_download,
         name="download"),
    path("<int:plan_id>/<str:action>", views.plan_action, name="action"),
]
