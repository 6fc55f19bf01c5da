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
    assert "/api/v1/webhooks/{webhook_id}/redeliver" in paths
    assert "/api/v1/credentials/verify" in paths
    assert (
        len([op for path in paths.values() for op in path]) == 27 + 8 + 1 + 7 + 5 + 1
    )  # + the webhooks' 8, credentials' 1, name corrections' 7, learner emails' 5, renewals' 1
    for path, operations in paths.items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            if path.removeprefix("/api/") in ("v1/certificates/{verify_uuid}", "v1/credentials/verify"):
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


def test_every_operation_declares_the_error_answers_it_can_give(client):
    """Issue 10: schemathesis found answers the schema did not list. Any operation can answer 404 and 406;
    one with a body also 400 (a malformed body), 413 and 415; one with query parameters 400; one that needs
    credentials 401 and 403. Every error answer is in the one error shape (v0's 404 in Open edX's)."""
    schema = yaml.safe_load(client.get("/api/schema/").content)
    components = schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            expected = {"404", "406"}
            if "requestBody" in operation:
                expected |= {"400", "413", "415"}
            if any(parameter["in"] == "query" for parameter in operation.get("parameters", [])):
                expected.add("400")
            if operation.get("security"):
                expected |= {"401", "403"}
            assert expected <= codes, (method, path, expected - codes)
            for code, response in operation["responses"].items():
                if code.startswith("4"):
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert "error_code" in components[ref.rsplit("/", 1)[-1]]["properties"], (path, code)


def test_json_request_bodies_are_closed(client):
    """v1 refuses unknown keys, so each JSON body's schema says so (additionalProperties: false)."""
    schema = yaml.safe_load(client.get("/api/schema/").content)
    components = schema["components"]["schemas"]
    assert components["CertificateConfigurationPutInputRequest"]["additionalProperties"] is False
    assert components["SignatoryInputRequest"]["additionalProperties"] is False
    for operations in schema["paths"].values():
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content", {})
            assert set(content) <= {
                "application/json",
                "text/csv",
                "application/x-ndjson",
                "multipart/form-data",
            }
            if "application/json" in content:
                assert (
                    "multipart/form-data" not in content
                    and "application/x-www-form-urlencoded" not in content
                )


def test_links_lead_from_an_answer_to_the_operations_it_feeds(client):
    """The stateful phase of schemathesis (.ci/schemathesis) follows these; clients can read the flows."""
    schema = yaml.safe_load(client.get("/api/schema/").content)
    generate = schema["paths"]["/api/v1/courses/{course_key}/certificates/generate"]["post"]
    task_link = generate["responses"]["202"]["links"]["v1_tasks_retrieve"]
    assert task_link == {"operationId": "v1_tasks_retrieve", "parameters": {"task_id": "$response.body#/id"}}
    operation_ids = {op["operationId"] for ops in schema["paths"].values() for op in ops.values()}
    for operations in schema["paths"].values():
        for operation in operations.values():
            for response in operation["responses"].values():
                assert set(response.get("links", {})) <= operation_ids
