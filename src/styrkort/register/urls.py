from django.urls import path

from styrkort.register import views

app_name = "register"
ORG = "o/<slug:org>/"
urlpatterns = [
    path(ORG + "diariet/", views.case_index, name="cases"),
    path(ORG + "diariet/<str:series>/<int:serial>/<int:year>/", views.case_detail, name="case"),
    path(ORG + "styrdokument/", views.document_index, name="documents"),
    path(ORG + "avtal/", views.agreement_index, name="agreements"),
    path(ORG + "revisioner/", views.audit_index, name="audits"),
    path(ORG + "arbetsgrupper/", views.group_index, name="groups"),
    path(ORG + "kalender/", views.calendar_page, name="calendar"),
    path(ORG + "kalender.ics", views.calendar_ics, name="ics"),
    path(ORG + "kalender/<str:body>.ics", views.calendar_ics, name="body-ics"),
    path(ORG + "kalender/prenumeration/", views.calendar_subscription, name="subscription"),
    # A person's feed: the key is all a calendar app has, so it is the whole address.
    path("kalender/prenumeration/<str:token>.ics", views.personal_ics, name="personal-ics"),
    path(ORG + "tidsgranser/", views.deadline_index, name="deadlines"),
]
