from django.urls import path

from bluelight.editions import views

app_name = "editions"

urlpatterns = [
    path("", views.edition_list, name="list"),
    path("publish/", views.edition_publish_view, name="publish"),
    path("report.css", views.report_stylesheet, name="report_css"),
    path("reports/<int:run_id>/", views.report_run_view, name="run"),
    path("reports/<int:run_id>/overview.<str:kind>", views.report_run_file, name="run_file"),
    path("<slug:slug>/", views.edition_detail, name="detail"),
    path("<slug:slug>/report/", views.report_request_view, name="report_request"),
    path("<slug:slug>/overview.<str:kind>", views.report_file, name="report_file"),
    path("<slug:slug>/datapackage.<str:kind>", views.datapackage_file, name="datapackage"),
    path("<slug:slug>/data/<slug:table>.csv", views.datapackage_table, name="datapackage_table"),
]
