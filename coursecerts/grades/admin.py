from django.contrib import admin

from coursecerts.common.admin import CourseKeyAdminMixin, CourseRunListFilter, adopt
from coursecerts.grades.models import PersistentCourseGrade
from coursecerts.grades.services import course_grade_update


@admin.register(PersistentCourseGrade)
class PersistentCourseGradeAdmin(CourseKeyAdminMixin, admin.ModelAdmin):
    """Saved through course_grade_update, so passing or failing fires the triggers it fires from the API."""

    list_display = ("user", "course", "percent_grade", "passed", "letter_grade", "modified")
    list_filter = ("passed", ("course", CourseRunListFilter))
    list_select_related = ("user", "course")
    search_fields = ("user__username", "user__email")
    course_key_search_fields = ("course__id",)
    search_help_text = "Username, email or course key."
    raw_id_fields = ("user",)

    def get_readonly_fields(self, request, obj=None):
        return ("user", "course") if obj else ()

    def save_model(self, request, obj, form, change):
        grade, _ = course_grade_update(
            user=obj.user,
            course_run=obj.course,
            percent_grade=obj.percent_grade,
            passed=obj.passed,
            letter_grade=obj.letter_grade,
        )
        adopt(obj, grade)
