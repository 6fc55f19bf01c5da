"""v1 webhooks: global staff register the endpoints that receive signed certificate events (Standard
Webhooks), read each message's attempt log, redeliver, and rotate secrets (README "Webhooks").

    POST   /api/v1/webhooks                            register {url, event_types?, description?}: 201 with the secret
    GET    /api/v1/webhooks                            list
    GET    /api/v1/webhooks/{id}                       read
    PATCH  /api/v1/webhooks/{id}                       change url, event_types, description, is_active
    DELETE /api/v1/webhooks/{id}                       delete, with its messages and their attempts
    POST   /api/v1/webhooks/{id}/rotate-secret         a new secret; the old one signs too for a grace period
    GET    /api/v1/webhooks/{id}/messages              messages with their attempts, newest first
    POST   /api/v1/webhooks/{id}/redeliver             {message_id} or {since}: send again, same webhook-id

The secret is shown only in the answers of registration and rotation."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from coursecerts.api.errors import not_found
from coursecerts.api.permissions import IsGlobalStaff
from coursecerts.api.schema import errors
from coursecerts.api.v1.common import StrictBooleanField, StrictInputSerializer
from coursecerts.api.v1.pagination import PAGE_PARAMETERS, paginate, paginated
from coursecerts.events.webhooks.models import (
    EVENT_TYPES,
    MessageStates,
    WebhookAttempt,
    WebhookEndpoint,
    WebhookMessage,
)
from coursecerts.events.webhooks.services import (
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
    webhook_message_redeliver,
    webhook_messages_redeliver_since,
)

TAG = "v1 webhooks"
MAX_GRACE_SECONDS = 30 * 86400


class IsGlobalStaffForWebhooks(IsGlobalStaff):
    message = "Only global staff may manage webhooks."


def endpoint_or_404(webhook_id) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.filter(pk=webhook_id).first()
    if endpoint is None:
        raise not_found("webhook_not_found", f"No webhook endpoint {webhook_id}.")
    return endpoint


def _event_types_field(**kwargs):
    return serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_TYPES),
        max_length=len(EVENT_TYPES),
        help_text="Event types sent to this endpoint; empty or absent: all of them.",
        **kwargs,
    )


def _url_field(**kwargs):
    return serializers.URLField(
        max_length=2000,
        help_text="An http or https URL; one that resolves to a loopback, private, link-local, multicast or "
        "reserved address is refused (unless WEBHOOKS_ALLOW_PRIVATE_ADDRESSES).",
        **kwargs,
    )


class EndpointOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    url = serializers.CharField()
    event_types = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField()
    is_active = serializers.BooleanField()
    disabled_reason = serializers.CharField(help_text="Why it was disabled (a 410 answer, an operator).")
    disabled_at = serializers.DateTimeField(allow_null=True)
    previous_secret_expires_at = serializers.DateTimeField(
        allow_null=True,
        help_text="Until then, messages are also signed with the secret before the last rotation.",
    )
    created = serializers.DateTimeField()
    updated = serializers.DateTimeField()


class EndpointWithSecretSerializer(EndpointOutputSerializer):
    secret = serializers.CharField(help_text="whsec_...: verify messages with it; shown only now.")


_ECHOED = tuple(EndpointWithSecretSerializer().fields)


class WebhookListApi(APIView):
    """GET and POST /api/v1/webhooks."""

    permission_classes = [IsGlobalStaffForWebhooks]

    class InputSerializer(StrictInputSerializer):
        url = _url_field()
        event_types = _event_types_field(required=False, default=list)
        description = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)

    @extend_schema(
        summary="List webhook endpoints",
        operation_id="v1_webhooks_list",
        parameters=PAGE_PARAMETERS,
        responses={200: paginated(EndpointOutputSerializer), **errors(400, 401, 403)},
        tags=[TAG],
    )
    def get(self, request):
        return paginate(
            WebhookEndpoint.objects.order_by("created", "id"), EndpointOutputSerializer, request, self
        )

    @extend_schema(
        summary="Register a webhook endpoint",
        request=InputSerializer,
        responses={201: EndpointWithSecretSerializer, **errors(400, 401, 403)},
        tags=[TAG],
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = webhook_endpoint_create(**serializer.validated_data, actor=request.user)
        return Response(EndpointWithSecretSerializer(endpoint).data, status=status.HTTP_201_CREATED)


class WebhookDetailApi(APIView):
    """GET, PATCH and DELETE /api/v1/webhooks/{id}."""

    permission_classes = [IsGlobalStaffForWebhooks]

    class InputSerializer(StrictInputSerializer):
        echoed = _ECHOED

        url = _url_field(required=False)
        event_types = _event_types_field(required=False)
        description = serializers.CharField(max_length=500, required=False, allow_blank=True)
        is_active = StrictBooleanField(
            required=False, help_text="false disables (pending messages are cancelled); true enables."
        )

    @extend_schema(
        summary="Read a webhook endpoint",
        responses={200: EndpointOutputSerializer, **errors(401, 403, 404)},
        tags=[TAG],
    )
    def get(self, request, webhook_id):
        return Response(EndpointOutputSerializer(endpoint_or_404(webhook_id)).data)

    @extend_schema(
        summary="Change a webhook endpoint",
        request=InputSerializer,
        responses={200: EndpointOutputSerializer, **errors(400, 401, 403, 404)},
        tags=[TAG],
    )
    def patch(self, request, webhook_id):
        endpoint = endpoint_or_404(webhook_id)
        serializer = self.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        endpoint = webhook_endpoint_update(endpoint=endpoint, **serializer.validated_data, actor=request.user)
        return Response(EndpointOutputSerializer(endpoint).data)

    @extend_schema(
        summary="Delete a webhook endpoint, its messages and their attempts",
        responses={204: OpenApiResponse(description="Deleted."), **errors(401, 403, 404)},
        tags=[TAG],
    )
    def delete(self, request, webhook_id):
        webhook_endpoint_delete(endpoint=endpoint_or_404(webhook_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookRotateSecretApi(APIView):
    """POST /api/v1/webhooks/{id}/rotate-secret."""

    permission_classes = [IsGlobalStaffForWebhooks]

    class InputSerializer(StrictInputSerializer):
        grace_period_seconds = serializers.IntegerField(
            required=False,
            min_value=0,
            max_value=MAX_GRACE_SECONDS,
            help_text="How long the old secret also signs (default WEBHOOK_SECRET_GRACE_SECONDS; 0: not at all).",
        )

    @extend_schema(
        summary="Rotate a webhook endpoint's secret",
        request=InputSerializer,
        responses={200: EndpointWithSecretSerializer, **errors(400, 401, 403, 404)},
        tags=[TAG],
    )
    def post(self, request, webhook_id):
        endpoint = endpoint_or_404(webhook_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        grace = serializer.validated_data.get("grace_period_seconds")
        endpoint = webhook_endpoint_rotate_secret(endpoint=endpoint, grace_seconds=grace)
        return Response(EndpointWithSecretSerializer(endpoint).data)


class AttemptOutputSerializer(serializers.Serializer):
    created = serializers.DateTimeField()
    status_code = serializers.IntegerField(allow_null=True, help_text="Null: no answer (see error).")
    duration_ms = serializers.IntegerField()
    error = serializers.CharField()
    response_body = serializers.CharField(help_text="The start of the answer's body.")


class MessageOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    webhook_id = serializers.UUIDField(
        source="event.event_id", help_text="The webhook-id header (the event's id)."
    )
    event_type = serializers.CharField(source="event.event_type")
    event_time = serializers.DateTimeField(source="event.time")
    state = serializers.ChoiceField(choices=MessageStates.choices)
    attempts = serializers.IntegerField(help_text="Attempts since it was (re)queued.")
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    last_status_code = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    created = serializers.DateTimeField()
    updated = serializers.DateTimeField()
    attempt_log = AttemptOutputSerializer(many=True, help_text="Every attempt, newest first.")


class WebhookMessageListApi(APIView):
    """GET /api/v1/webhooks/{id}/messages?state=: the attempt log."""

    permission_classes = [IsGlobalStaffForWebhooks]

    class FilterSerializer(StrictInputSerializer):
        refuse_unknown = False

        state = serializers.ChoiceField(choices=MessageStates.choices, required=False)

    @extend_schema(
        summary="A webhook endpoint's messages and their delivery attempts",
        parameters=[FilterSerializer, *PAGE_PARAMETERS],
        responses={200: paginated(MessageOutputSerializer), **errors(400, 401, 403, 404)},
        tags=[TAG],
    )
    def get(self, request, webhook_id):
        endpoint = endpoint_or_404(webhook_id)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        messages = (
            WebhookMessage.objects.filter(endpoint=endpoint, **filters.validated_data)
            .select_related("event")
            .prefetch_related(Prefetch("attempt_log", WebhookAttempt.objects.order_by("-created", "-id")))
            .order_by("-created", "-id")
        )
        return paginate(messages, MessageOutputSerializer, request, self)


class WebhookRedeliverApi(APIView):
    """POST /api/v1/webhooks/{id}/redeliver {message_id} or {since}."""

    permission_classes = [IsGlobalStaffForWebhooks]

    class InputSerializer(StrictInputSerializer):
        message_id = serializers.IntegerField(
            required=False, min_value=1, help_text="One message of this endpoint."
        )
        since = serializers.DateTimeField(
            required=False, help_text="Every event at or after this time that the endpoint takes."
        )

        def validate(self, attrs):
            if ("message_id" in attrs) == ("since" in attrs):
                raise serializers.ValidationError("Give either message_id or since.")
            return attrs

    class OutputSerializer(serializers.Serializer):
        queued = serializers.IntegerField(help_text="Messages queued for delivery (the relay sends them).")

    @extend_schema(
        summary="Redeliver a message, or every event since a time",
        request=InputSerializer,
        responses={202: OutputSerializer, **errors(400, 401, 403, 404, 409)},
        tags=[TAG],
    )
    def post(self, request, webhook_id):
        endpoint = endpoint_or_404(webhook_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "since" in data:
            queued = webhook_messages_redeliver_since(endpoint=endpoint, since=data["since"])
        else:
            message = WebhookMessage.objects.filter(endpoint=endpoint, pk=data["message_id"]).first()
            if message is None:
                raise not_found("message_not_found", f"No message {data['message_id']} for this endpoint.")
            webhook_message_redeliver(message=message)
            queued = 1
        return Response({"queued": queued}, status=status.HTTP_202_ACCEPTED)
