from django.urls import path

from styrkort.web import account, job_views, login, oidc, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("notiser/", views.notices, name="notices"),
    path("notiser/<int:pk>/", views.notice_open, name="notice"),
    path("logga-in/", login.LoginView.as_view(), name="login"),
    path("logga-ut/", login.LogoutView.as_view(), name="logout"),
    path("konto/", account.account, name="account"),
    path("konto/losenord/", account.PasswordChangeView.as_view(), name="password-change"),
    path("konto/glomt-losenord/", account.PasswordResetView.as_view(), name="password-reset"),
    path(
        "konto/glomt-losenord/skickat/",
        account.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "konto/nytt-losenord/<uidb64>/<token>/",
        account.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "konto/nytt-losenord/klart/",
        account.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("oidc/logga-in/", oidc.OIDCLoginView.as_view(), name="oidc-login"),
    path("oidc/callback/", oidc.OIDCCallbackView.as_view(), name="oidc-callback"),
    path("o/<slug:org>/", views.organisation_overview, name="organisation"),
    path("o/<slug:org>/sok/", views.search_page, name="search"),
    path("jobb/<uuid:job_id>/", job_views.job_page, name="job"),
    path("jobb/<uuid:job_id>/fil", job_views.job_download, name="job-file"),
    path("healthz", job_views.healthz, name="healthz"),
]
