from django.urls import path

from styrkort.administration import installation, views

app_name = "administration"
BASE = "o/<slug:org>/installningar/"
urlpatterns = [
    path(BASE, views.index, name="index"),
    path(BASE + "anvandare/", views.users, name="users"),
    path(BASE + "anvandare/bjud-in/", views.user_invite, name="user-invite"),
    path(BASE + "anvandare/<int:pk>/", views.user_detail, name="user"),
    path(BASE + "namnder/", views.bodies, name="bodies"),
    path(BASE + "namnder/<int:pk>/", views.body_detail, name="body"),
    path(BASE + "enheter/", views.units, name="units"),
    path(BASE + "enheter/<int:pk>/", views.unit_detail, name="unit"),
    path(BASE + "statusskala/", views.scale, name="scale"),
    path(BASE + "perioder/", views.periods, name="periods"),
    path(BASE + "perioder/<int:pk>/", views.period_detail, name="period"),
    path(BASE + "organisation/", views.organisation_settings, name="organisation"),
    path(BASE + "organisation/logotyp", views.organisation_logo, name="logo"),
    # The installation admin's: organisations and their first admin.
    path("installation/organisationer/", installation.organisations, name="organisations"),
    path(
        "installation/organisationer/ny/",
        installation.organisation_create,
        name="organisation-create",
    ),
    # The link in an invitation: for someone who is not logged in yet.
    path("konto/inbjudan/", views.invite_accept, name="invite-accept"),
]
