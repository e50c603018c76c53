"""The commitment slice's pages (mounted at /monitoring/commitments/ by monitoring.urls)."""

from django.urls import path

from monitoring.commitments import views

app_name = "commitments"
urlpatterns = [
    path("", views.commitments, name="commitments"),
    path("board/", views.board, name="board"),
]
