"""The only code that writes certificates. Each function is one transaction and is idempotent."""

from coursecerts.certificates.services.allowlist import allowlist_entry_create, allowlist_entry_remove
from coursecerts.certificates.services.date_override import date_override_remove, date_override_set
from coursecerts.certificates.services.generation import (
    certificate_generate,
    certificate_generation_attempt,
    certificate_invalidate,
    certificate_mark_notpassing,
    certificate_mark_unverified,
)
from coursecerts.certificates.services.invalidation import (
    certificate_invalidate_for_exam,
    certificate_invalidation_create,
    certificate_revalidate,
)
from coursecerts.certificates.services.purge import (
    certificate_purge_names,
    certificate_purge_pdf_references,
    learner_list_retired_ids,
)
from coursecerts.certificates.services.templates import certificate_templates_modify

__all__ = [
    "allowlist_entry_create",
    "allowlist_entry_remove",
    "certificate_generate",
    "certificate_generation_attempt",
    "certificate_invalidate",
    "certificate_invalidate_for_exam",
    "certificate_invalidation_create",
    "certificate_mark_notpassing",
    "certificate_mark_unverified",
    "certificate_revalidate",
    "date_override_remove",
    "date_override_set",
    "certificate_purge_names",
    "certificate_purge_pdf_references",
    "certificate_templates_modify",
    "learner_list_retired_ids",
]
