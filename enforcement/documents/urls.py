from django.urls import path

from enforcement.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.document_list_page, name="list"),
    path("<int:document_id>/", views.document_page, name="detail"),
    path("<int:document_id>/docx/", views.document_file, {"suffix": "docx"}, name="docx"),
    path("<int:document_id>/pdf/", views.document_file, {"suffix": "pdf"}, name="pdf"),
    path("<int:document_id>/sign/<str:role>/", views.sign_page, name="sign"),
    path("casefile/", views.case_file, name="casefile"),
]
