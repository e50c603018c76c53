from django.urls import path

from layers import views

urlpatterns = [
    path("layers/", views.layer_list, name="layer-list"),
    path("layers/<slug:layer_id>/export.<slug:fmt>", views.layer_export, name="layer-export"),
]
