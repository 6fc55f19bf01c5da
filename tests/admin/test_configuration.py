"""Row-per-change configurations: each save adds the new current row and records the admin; the web-view
configuration must be a JSON object."""

import pytest

from coursecerts.certificates.models import (
    CertificateGenerationCommandConfiguration,
    CertificateHtmlViewConfiguration,
    ModifiedCertificateTemplateCommandConfiguration,
    PurgeReferencestoPDFCertificatesCommandConfiguration,
)
from tests.admin.helpers import admin_url, form_errors

COMMAND_CONFIGURATIONS = [
    CertificateGenerationCommandConfiguration,
    ModifiedCertificateTemplateCommandConfiguration,
    PurgeReferencestoPDFCertificatesCommandConfiguration,
]


@pytest.mark.parametrize(
    "configuration, message",
    [
        ("{not json", "Must be valid JSON"),
        ('["a list"]', "Must be a JSON object"),
    ],
)
def test_invalid_web_view_json_is_rejected_with_a_message(staff_client, configuration, message):
    response = staff_client.post(
        admin_url(CertificateHtmlViewConfiguration, "add"), {"configuration": configuration, "enabled": "on"}
    )
    assert response.status_code == 200
    assert message in form_errors(response)
    assert not CertificateHtmlViewConfiguration.objects.exists()


def test_valid_web_view_json_becomes_the_current_configuration(staff_client, staff):
    response = staff_client.post(
        admin_url(CertificateHtmlViewConfiguration, "add"),
        {"configuration": '{"default": {"platform_name": "Acme"}}', "enabled": "on"},
    )
    assert response.status_code == 302
    assert CertificateHtmlViewConfiguration.get_config() == {"default": {"platform_name": "Acme"}}
    assert CertificateHtmlViewConfiguration.current().changed_by == staff


@pytest.mark.parametrize("model", COMMAND_CONFIGURATIONS, ids=lambda model: model.__name__)
def test_command_arguments_record_the_saving_admin(staff_client, staff, model):
    response = staff_client.post(
        admin_url(model, "add"), {"arguments": "--certificate_ids 1 2", "enabled": "on"}
    )
    assert response.status_code == 302
    current = model.current()
    assert (current.arguments, current.enabled, current.changed_by) == ("--certificate_ids 1 2", True, staff)


def test_changing_a_configuration_adds_a_row_and_keeps_the_old_one(staff_client, staff):
    old = CertificateGenerationCommandConfiguration.objects.create(arguments="-u 1 -c course-v1:edX+C+R")
    response = staff_client.post(
        admin_url(CertificateGenerationCommandConfiguration, "change", old),
        {"arguments": "-u 2 -c course-v1:edX+C+R", "enabled": "on"},
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.arguments == "-u 1 -c course-v1:edX+C+R"
    current = CertificateGenerationCommandConfiguration.current()
    assert (current.pk != old.pk, current.arguments, current.changed_by) == (
        True,
        "-u 2 -c course-v1:edX+C+R",
        staff,
    )
