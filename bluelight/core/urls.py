"""The pages every public service has (accessibility, privacy, cookies, contact) and the language switch."""

from django.urls import path

from bluelight.core import views

app_name = "core"
urlpatterns = [
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("cookies/", views.cookies, name="cookies"),
    path("contact/", views.contact, name="contact"),
    path("language/<str:code>/", views.language_choose, name="language"),
]
