from django.urls import path

from registry.enterprises import edit_views, views

# Names without a namespace: other modules link to "enterprise_detail" / "enterprise_list".
urlpatterns = [
    path("", views.enterprise_list, name="enterprise_list"),
    path("export.<slug:fmt>", views.enterprise_export, name="enterprise_export"),
    path("<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("mine/", views.enterprise_mine, name="enterprise_mine"),
    # writing the file (edit_views)
    path("new", edit_views.enterprise_register, name="enterprise_register"),
    path("<int:pk>/edit", edit_views.enterprise_edit, name="enterprise_edit"),
    path("<int:pk>/cancel", edit_views.enterprise_cancel, name="enterprise_cancel"),
    path("<int:pk>/restore", edit_views.enterprise_restore, name="enterprise_restore"),
    path("reviews/", edit_views.review_list, name="enterprise_review_list"),
    path("reviews/<int:pk>/", edit_views.review_detail, name="enterprise_review_detail"),
]
