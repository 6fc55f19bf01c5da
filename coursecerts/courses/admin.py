from django.contrib import admin
from opaque_keys import InvalidKeyError

from coursecerts.common.admin import CourseKeyAdminMixin, adopt
from coursecerts.courses.models import CourseAccessRole, CourseMode, CourseRun, Organization
from coursecerts.courses.services import course_role_put, course_role_remove, course_run_upsert


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "active", "certificate_validity_days")
    list_filter = ("active",)
    search_fields = ("name", "short_name")


class CourseModeInline(admin.TabularInline):
    model = CourseMode
    extra = 0
    fields = ("mode_slug", "mode_display_name", "expiration_datetime")


@admin.register(CourseRun)
class CourseRunAdmin(CourseKeyAdminMixin, admin.ModelAdmin):
    """Runs are saved through course_run_upsert, so a change of pacing fires its trigger. The display
    settings are checked by the model's constraints, which the form reports as errors. The certificates app
    registers a subclass with its generation actions, previews and counts (certificates/admin/course_runs.py)."""

    list_display = (
        "id",
        "display_name",
        "organization",
        "self_paced",
        "start",
        "end",
        "certificates_display_behavior",
        "certificate_available_date",
        "cert_html_view_enabled",
        "certificate_validity_days",
    )
    list_filter = ("self_paced", "certificates_display_behavior", "cert_html_view_enabled", "organization")
    search_fields = ("display_name",)
    course_key_search_fields = ("id",)
    search_help_text = "Course key (or part of it) or name."
    inlines = [CourseModeInline]

    def get_readonly_fields(self, request, obj=None):
        return ("id",) if obj else ()

    def get_object(self, request, object_id, from_field=None):
        try:
            return super().get_object(request, object_id, from_field)
        except InvalidKeyError:
            return None

    def save_model(self, request, obj, form, change):
        fields = {
            name: getattr(obj, name) for name in form.cleaned_data if name not in ("id", "display_name")
        }
        run, _ = course_run_upsert(course_key=obj.id, display_name=obj.display_name, **fields)
        adopt(obj, run)


@admin.register(CourseAccessRole)
class CourseAccessRoleAdmin(CourseKeyAdminMixin, admin.ModelAdmin):
    """Roles are added and removed through the services. A person has one role per run (a constraint, which
    the add form reports): to change it, remove it and add another."""

    list_display = ("user", "course", "role", "created")
    list_filter = ("role",)
    list_select_related = ("user", "course")
    search_fields = ("user__username",)
    course_key_search_fields = ("course__id",)
    search_help_text = "Username or course key."
    raw_id_fields = ("user",)

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        adopt(obj, course_role_put(user=obj.user, course_run=obj.course, role=obj.role)[0])

    def delete_model(self, request, obj):
        course_role_remove(user=obj.user, course_run=obj.course, role=obj.role)

    def delete_queryset(self, request, queryset):
        for access in queryset:
            self.delete_model(request, access)
