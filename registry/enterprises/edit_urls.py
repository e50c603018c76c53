"""Write faces of the one-enterprise file, included under /enterprises/ (the read-only
detail and list pages live in registry.enterprises.urls)."""

from django.urls import path

from registry.enterprises import edit_views as views

urlpatterns = [
    path("new", views.enterprise_register, name="enterprise_register"),
    path("<int:pk>/edit", views.enterprise_edit, name="enterprise_edit"),
    path("<int:pk>/cancel", views.enterprise_cancel, name="enterprise_cancel"),
    path("<int:pk>/restore", views.enterprise_restore, name="enterprise_restore"),
    path("reviews/", views.review_list, name="enterprise_review_list"),
    path("reviews/<int:pk>/", views.review_detail, name="enterprise_review_detail"),
]
