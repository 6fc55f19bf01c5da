"""GET /api/schema/ and /api/docs/: the OpenAPI 3 schema documents every endpoint and its error answers."""

import pytest
import yaml

pytestmark = pytest.mark.django_db


def test_the_schema_lists_every_endpoint_with_its_errors(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    paths = schema["paths"]
    assert "/api/certificates/v0/certificates/{username}/courses/{course_id}/" in paths
    assert "/api/certificates/v0/certificates/{username}/" in paths
    assert "/api/v1/courses/{course_key}/report" in paths
    assert "/api/v1/learners/{username}/retire" in paths
    assert len([op for path in paths.values() for op in path]) == 27
    for path, operations in paths.items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            if "v1/certificates/{verify_uuid}" == path.removeprefix("/api/"):
                assert {"404", "429"} <= codes
            else:
                assert {"401", "403"} <= codes, (method, path)
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_the_docs_page_renders_from_our_own_static_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/api/schema/" in page
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


def test_an_unknown_api_url_is_a_json_404(client):
    response = client.get("/api/v1/nothing/here")
    assert response.status_code == 404
    assert response.json()["error_code"] == "not_found"
