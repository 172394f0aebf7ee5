from django.urls import path

from styrkort.web import job_views, login, oidc, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("notiser/", views.notices, name="notices"),
    path("notiser/<int:pk>/", views.notice_open, name="notice"),
    path("logga-in/", login.LoginView.as_view(), name="login"),
    path("logga-ut/", login.LogoutView.as_view(), name="logout"),
    path("oidc/logga-in/", oidc.OIDCLoginView.as_view(), name="oidc-login"),
    path("oidc/callback/", oidc.OIDCCallbackView.as_view(), name="oidc-callback"),
    path("o/<slug:org>/", views.organisation_overview, name="organisation"),
    path("o/<slug:org>/sok/", views.search_page, name="search"),
    path("jobb/<uuid:job_id>/", job_views.job_page, name="job"),
    path("jobb/<uuid:job_id>/fil", job_views.job_download, name="job-file"),
    path("healthz", job_views.healthz, name="healthz"),
]
