"""The certificates admin, one module per concern. Importing them registers the models."""

from coursecerts.certificates.admin import (  # noqa: F401
    configuration,
    course_runs,  # replaces the courses app's course-run admin with its subclass
    generated,
    jobs,
    name_corrections,
    records,
    template_versions,  # after configuration, whose template admin it extends
)
