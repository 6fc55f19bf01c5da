"""Signing in and out (README "Signing in to the console"; ADR 0022): Django's login view with a coursecerts
account, and single sign-on through social-auth, whose failures come back to the login page as a sentence."""

from __future__ import annotations

import logging

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from social_core.exceptions import AuthCanceled, AuthProviderError, AuthSessionError, SocialAuthBaseException
from social_django import views as social_views

from coursecerts.accounts.pipeline import SignInRefused
from coursecerts.accounts.providers import EDX_OAUTH2, configured_providers, provider_named
from coursecerts.courses.models import CourseAccessRole

logger = logging.getLogger(__name__)


class LoginView(auth_views.LoginView):
    """The coursecerts account form, and a button for each configured single sign-on provider."""

    template_name = "accounts/login.html"

    def dispatch(self, request, *args, **kwargs):
        # The provider buttons post here and are redirected to the provider: Chromium holds that redirect to the
        # page's form-action, so the login page allows the providers' origins.
        origins = sorted({p.origin for p in configured_providers()})
        allowed = csp_update({"form-action": origins}) if origins else (lambda view: view)
        return allowed(super().dispatch)(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "providers": configured_providers()}


class LogoutView(auth_views.LogoutView):
    """Signs out (POST, as Django asks). Someone who signed in with Open edX then goes on to the LMS's logout
    (SOCIAL_AUTH_EDX_OAUTH2_LOGOUT_URL), as with Open edX's own services, so that the LMS session ends too."""

    def post(self, request, *args, **kwargs):
        via_edx = request.session.get("social_auth_last_login_backend") == EDX_OAUTH2
        response = super().post(request, *args, **kwargs)
        if via_edx and settings.SOCIAL_AUTH_EDX_OAUTH2_LOGOUT_URL:
            # A page that moves on by itself, not a redirect: browsers hold a form's redirect to the page's
            # form-action ('self'), and the sign-out button is a form.
            return render(
                request,
                "accounts/logged_out.html",
                {"lms_logout_url": settings.SOCIAL_AUTH_EDX_OAUTH2_LOGOUT_URL},
            )
        return response


def sso_begin(request, backend: str):
    """POST from the login page's button: off to the provider (social-auth's begin, CSRF-protected)."""
    provider = _provider_or_404(backend)
    try:
        return social_views.auth(request, backend)
    except SocialAuthBaseException as exc:
        return _failed(request, provider, exc)


@csrf_exempt  # a provider may post its answer back (response_mode=form_post); the state checks it
def sso_complete(request, backend: str):
    """The provider sends the browser back here: the pipeline matches the user, and they are signed in."""
    provider = _provider_or_404(backend)
    try:
        return social_views.complete(request, backend)
    except SocialAuthBaseException as exc:
        return _failed(request, provider, exc)


@login_required
def profile(request):
    """Who is signed in and what they may do: the roles coursecerts gives them (the console shows their runs)."""
    roles = CourseAccessRole.objects.filter(user=request.user).select_related("course").order_by("course_id")
    return render(request, "accounts/profile.html", {"roles": roles})


def _provider_or_404(backend: str):
    provider = provider_named(backend)
    if provider is None:
        raise Http404(_("No such sign-in provider."))
    return provider


def _failed(request, provider, exc: SocialAuthBaseException) -> HttpResponseRedirect:
    logger.warning(
        "single sign-on with %s failed: %s %s at %s (%s)",
        provider.backend,
        type(exc).__name__,
        exc.code,
        exc.stage,
        exc.detail or exc,
    )
    messages.error(request, _failure_message(provider.name, exc))
    return HttpResponseRedirect(reverse("accounts:login"))


def _failure_message(name: str, exc: SocialAuthBaseException) -> str:
    if isinstance(exc, SignInRefused):
        return _("Signing in with %(provider)s did not work: %(reason)s") % {"provider": name, "reason": exc}
    if isinstance(exc, AuthCanceled):
        return _("Signing in with %(provider)s was cancelled, or you did not allow coursecerts access.") % {
            "provider": name
        }
    if isinstance(exc, AuthSessionError):
        return _(
            "The answer from %(provider)s did not match a sign-in started here (it may have been opened in "
            "another browser, or it expired). Please sign in again."
        ) % {"provider": name}
    if isinstance(exc, AuthProviderError):
        return _("%(provider)s could not be reached or refused the request: %(reason)s Try again later.") % {
            "provider": name,
            "reason": str(exc),
        }
    return _("Signing in with %(provider)s did not work: %(reason)s") % {"provider": name, "reason": str(exc)}
