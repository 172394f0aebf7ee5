from django.urls import path

from styrkort.planning import views

app_name = "planning"
urlpatterns = [
    path("o/<slug:org>/planer/", views.plan_index, name="index"),
    path("o/<slug:org>/planer/<int:plan>/", views.plan_detail, name="plan"),
    path("o/<slug:org>/planer/<int:plan>/punkter/<int:item>/", views.item_edit, name="item"),
]
