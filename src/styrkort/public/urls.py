from django.urls import path

from styrkort.public import views

app_name = "public"
PUBLIC = "o/<slug:org>/offentligt/"

# Each dataset of the open data in each format: spelled out, so every URL is its own pattern
# (and tests/test_secrecy_channels.py fetches every one of them).
_datasets = [
    path(
        PUBLIC + f"oppna-data/{name}.{fmt}",
        views.dataset,
        {"name": name, "fmt": fmt},
        name=f"data-{name}-{fmt}",
    )
    for name in views.DATASETS
    for fmt in ("csv", "json")
]

urlpatterns = [
    path("offentligt/", views.index, name="index"),
    path("offentligt/tillganglighet/", views.accessibility_statement, name="accessibility-site"),
    path(PUBLIC, views.organisation, name="organisation"),
    path(PUBLIC + "uppfoljning/<int:period>/", views.followup_period, name="followup"),
    path(
        PUBLIC + "uppfoljning/<int:period>.csv",
        views.followup_data,
        {"fmt": "csv"},
        name="followup-csv",
    ),
    path(
        PUBLIC + "uppfoljning/<int:period>.json",
        views.followup_data,
        {"fmt": "json"},
        name="followup-json",
    ),
    path(PUBLIC + "planer/", views.plan_index, name="plans"),
    path(PUBLIC + "planer/<int:plan>/", views.plan_detail, name="plan"),
    path(PUBLIC + "diariet/", views.case_index, name="cases"),
    path(PUBLIC + "diariet/<str:series>/<int:serial>/<int:year>/", views.case_detail, name="case"),
    path(PUBLIC + "beslut/", views.decision_index, name="decisions"),
    path(PUBLIC + "sammantraden/", views.meeting_index, name="meetings"),
    path(PUBLIC + "kalender.ics", views.calendar_ics, name="ics"),
    path(PUBLIC + "kalender/<str:body>.ics", views.calendar_ics, name="body-ics"),
    path(PUBLIC + "oppna-data/", views.opendata_index, name="opendata"),
    *_datasets,
    path(PUBLIC + "tillganglighet/", views.accessibility_statement, name="accessibility"),
]
