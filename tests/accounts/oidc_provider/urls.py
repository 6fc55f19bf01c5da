from django.contrib.auth import views as auth_views
from django.urls import include, path
from oauth2_provider import views as oauth2_views

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    # OpenID Connect: discovery at /o/.well-known/openid-configuration, authorize, token, userinfo, jwks.
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    # The LMS's OAuth2 endpoints, where edx-auth-backends' EdXOAuth2 looks for them.
    path("oauth2/authorize", oauth2_views.AuthorizationView.as_view(), name="lms-authorize"),
    path("oauth2/access_token", oauth2_views.TokenView.as_view(), name="lms-access-token"),
]
