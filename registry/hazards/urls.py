from django.urls import path

from registry.hazards import chemical_views, views

app_name = "hazards"
urlpatterns = [
    path("", views.source_list, name="list"),
    path("<int:source_id>/", views.source_detail, name="detail"),
    path("<int:source_id>/form/", views.registration_form, name="form"),
    path("<int:source_id>/form.pdf", views.registration_form, {"pdf": True}, name="form_pdf"),
    path("<int:source_id>/notice/", views.filing_notice, name="notice"),
    path("<int:source_id>/notice.pdf", views.filing_notice, {"pdf": True}, name="notice_pdf"),
    path("<int:source_id>/filing/<str:action>/", views.filing_action, name="filing"),
    path("<int:source_id>/persons/", views.persons_update, name="persons"),
    path("<int:source_id>/exposed/", views.exposed_update, name="exposed"),
    path("<int:source_id>/chemicals/<int:item_id>/class/", views.chemical_class,
         name="classify"),
    path("chemicals/", chemical_views.chemical_list, name="chemicals"),
    path("chemicals/<int:chemical_id>/", chemical_views.chemical_detail, name="chemical"),
    path("chemicals/identify/", chemical_views.chemical_identification, name="identify"),
]
