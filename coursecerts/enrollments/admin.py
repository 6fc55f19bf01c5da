from django.contrib import admin

from coursecerts.common.admin import CourseKeyAdminMixin, CourseRunListFilter, adopt
from coursecerts.enrollments.models import CourseEnrollment
from coursecerts.enrollments.services import enrollment_upsert


@admin.register(CourseEnrollment)
class CourseEnrollmentAdmin(CourseKeyAdminMixin, admin.ModelAdmin):
    """Saved through enrollment_upsert, so a mode change fires the trigger it fires from the API."""

    list_display = ("user", "course", "mode", "is_active", "created")
    list_filter = ("mode", "is_active", ("course", CourseRunListFilter))
    list_select_related = ("user", "course")
    search_fields = ("user__username", "user__email")
    course_key_search_fields = ("course__id",)
    search_help_text = "Username, email or course key."
    raw_id_fields = ("user",)

    def get_readonly_fields(self, request, obj=None):
        return ("user", "course") if obj else ()

    def save_model(self, request, obj, form, change):
        enrollment, _ = enrollment_upsert(
            user=obj.user, course_run=obj.course, mode=obj.mode, is_active=obj.is_active
        )
        adopt(obj, enrollment)
