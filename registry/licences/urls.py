from django.urls import path

from registry.licences import views

urlpatterns = [path("", views.licence_warnings, name="licence_warnings")]
