from django.urls import path

from coursecerts.credentials import views

app_name = "credentials"

urlpatterns = [
    path("issuers/<str:short_name>/did.json", views.did_json, name="did"),
    path("credentials/status/<uuid:list_id>", views.status_list, name="status_list"),
]
