"""Page-number pagination for the v1 lists, and its OpenAPI description."""

from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """?page=N&page_size=M (at most 1000); answers {count, next, previous, results}. A page past the end
    answers 404."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        """The page_size asked for; one that is not a whole number from 1 to 1000 is a 400 (DRF would quietly
        use the default)."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise serializers.ValidationError(
                {"page_size": [f"Must be a whole number from 1 to {self.max_page_size}."]}
            )
        return int(raw)


PAGE_PARAMETERS = [
    OpenApiParameter(
        "page", {"type": "integer", "minimum": 1}, required=False, description="Page number, from 1."
    ),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": Pagination.max_page_size},
        required=False,
        description="Rows a page (default 100, at most 1000).",
    ),
]


def paginate(queryset, serializer_class, request, view):
    paginator = Pagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


def paginated(serializer_class):
    """The OpenAPI shape of a page of serializer_class rows."""
    return inline_serializer(
        f"Paginated{serializer_class.__qualname__.replace('.', '')}",
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )
