"""The duty slice's pages (mounted at /response/duty/ by response.urls)."""

from django.urls import path

from response.duty import views

app_name = "duty"
urlpatterns = [
    path("", views.rosters, name="rosters"),
    path("<int:pk>/", views.roster, name="roster"),
    path("<int:pk>/swaps/", views.swap_new, name="swap_new"),
    path("<int:pk>/swaps/<int:swap_pk>/", views.swap_step, name="swap_step"),
    path("<int:pk>/shifts/<int:shift_pk>/handover/", views.handover, name="handover"),
    path("<int:pk>/log/", views.log_add, name="log_add"),
    path("<int:pk>/report/<str:day>/", views.daily_report, name="report"),
    path("<int:pk>/report/<str:day>.pdf", views.daily_report, {"pdf": True}, name="report_pdf"),
]
