"""Signing in and out, mounted at /accounts/ (README "Signing in to the console"). An LMS OAuth2 application's
redirect URI is /accounts/complete/edx-oauth2/; an OpenID Connect provider's, /accounts/complete/oidc/."""

from django.urls import path

from coursecerts.accounts import views

app_name = "accounts"  # settings.SOCIAL_AUTH_URL_NAMESPACE: social-auth reverses accounts:complete

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("login/<str:backend>/", views.sso_begin, name="begin"),
    path("complete/<str:backend>/", views.sso_complete, name="complete"),
    path("profile/", views.profile, name="profile"),
]
