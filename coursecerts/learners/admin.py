"""Learners: the auth user with its profile inline, and a profile list found by username, email or name."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from coursecerts.learners.models import LearnerProfile, RetirementRecord

User = get_user_model()


class LearnerProfileInline(admin.StackedInline):
    model = LearnerProfile
    can_delete = False
    fields = ("name", "verified_name", "use_verified_name_for_certificates", "retired_at")


admin.site.unregister(User)


@admin.register(User)
class LearnerUserAdmin(UserAdmin):
    inlines = [LearnerProfileInline]
    list_display = ("username", "email", "profile_name", "is_active", "is_staff")
    list_select_related = ("profile",)
    search_fields = ("username", "email", "first_name", "last_name", "profile__name")

    @admin.display(description="name", ordering="profile__name")
    def profile_name(self, user):
        profile = getattr(user, "profile", None)
        return profile.name if profile else ""


@admin.register(LearnerProfile)
class LearnerProfileAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "email",
        "name",
        "verified_name",
        "use_verified_name_for_certificates",
        "retired_at",
    )
    list_filter = ("use_verified_name_for_certificates", ("retired_at", admin.EmptyFieldListFilter))
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email", "name", "verified_name")
    search_help_text = "Username, email or name."
    raw_id_fields = ("user",)

    @admin.display(ordering="user__email")
    def email(self, profile):
        return profile.user.email


@admin.register(RetirementRecord)
class RetirementRecordAdmin(admin.ModelAdmin):
    """What each retirement did (ADR 0012): read-only, written only by learner_retire."""

    list_display = (
        "created_at",
        "user_id_retired",
        "retired_by",
        "source",
        "certificates_changed",
        "pdf_references_purged",
        "complete",
    )
    list_filter = ("source",)
    search_fields = ("=user_id_retired",)
    list_select_related = ("retired_by",)

    @admin.display(boolean=True)
    def complete(self, record):
        return record.complete

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
