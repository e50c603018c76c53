from django.urls import path

from registry.enterprises import views

# Names without a namespace: other modules link to "enterprise_detail" / "enterprise_list".
urlpatterns = [
    path("", views.enterprise_list, name="enterprise_list"),
    path("export.<slug:fmt>", views.enterprise_export, name="enterprise_export"),
    path("<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
]
