"""Public explorer URLs; the list and record pages are also data with .json or .csv (formats.py)."""
from django.urls import path

from bluelight.explorer import formats, views

app_name = "explorer"
urlpatterns = [
    path("", views.home, name="home"),
    path("collaborations/", views.collaboration_list, name="collaboration_list"),
    path("collaborations/<int:pk>/", views.collaboration_detail, name="collaboration_detail"),
    path("collaborations.<str:fmt>", formats.collaboration_list, name="collaboration_list_data"),
    path("collaborations/<int:pk>.<str:fmt>", formats.collaboration_detail, name="collaboration_data"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations.<str:fmt>", formats.organisation_list, name="organisation_list_data"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("themes/", views.theme_list, name="theme_list"),
    path("themes/<slug:code>/", views.theme_detail, name="theme_detail"),
    path("evidence/", views.evidence_list, name="evidence_list"),
    path("evidence/new/", views.evidence_create, name="evidence_create"),
    path("evidence/<int:pk>/", views.evidence_detail, name="evidence_detail"),
    path("evidence/<int:pk>/edit/", views.evidence_edit, name="evidence_edit"),
    path("evidence/<int:pk>/document.pdf", views.evidence_document, name="evidence_document"),
    path("editions/<slug:slug>/collaborations/", views.edition_collaborations, name="edition_collaborations"),
]
