from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .services.accounts import account_changes_audit

from .models import (Agency, Block, Criterion, Evidence, EvidenceFile, Framework, GradeTier, Pillar, Publication,
                     ReasonTemplate, Unit, User)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "get_full_name", "role", "unit", "agency", "is_active"]
    list_filter = ["role", "is_active", "unit__block"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Vai trò"), {"fields": ["role", "unit", "agency"]}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Vai trò"), {"fields": ["role", "unit", "agency"]}),)

    def save_model(self, request, obj, form, change):
        # A role, unit or agency changed here is audited like one changed by the accounts import.
        before = User.objects.get(pk=obj.pk) if change else User()
        super().save_model(request, obj, form, change)
        account_changes_audit(before=before, after=obj, actor=request.user)

    def has_delete_permission(self, request, obj=None):
        # Accounts are deactivated, never deleted: the audit log and publications name who did what, and the
        # database refuses to rewrite them (migrations 0004 and 0006).
        return False


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "position"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "block", "group", "ranked", "active"]
    list_filter = ["block", "ranked", "active"]
    search_fields = ["code", "name"]


class GradeTierInline(admin.TabularInline):
    model = GradeTier
    extra = 0


class PillarInline(admin.TabularInline):
    model = Pillar
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    """Read-only: frameworks change only through the Excel import, which validates the whole tree."""

    list_display = ["name", "year", "block", "revision", "version", "locked_at"]
    list_filter = ["year", "block"]
    inlines = [GradeTierInline, PillarInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "framework", "max_points", "method", "agency", "pillar"]
    list_filter = ["framework__year", "framework__block", "method"]
    search_fields = ["code", "title"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    """Read-only: a publication is never edited (its SHA-256 vouches for it); a correction is a new version."""

    list_display = ["year", "version", "published_at", "published_by", "sha256"]
    list_filter = ["year"]
    readonly_fields = ["year", "version", "sha256", "note", "published_by", "published_at", "changes", "content"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReasonTemplate)
class ReasonTemplateAdmin(admin.ModelAdmin):
    """The reusable reasons appraisers pick from; retire one with "đang dùng" rather than deleting it."""

    list_display = ["text", "agency", "active", "position"]
    list_filter = ["active", "agency"]
    search_fields = ["text"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Evidence changes only through the unit's pages, which check the cycle's state and write the audit log."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnlyAdmin):
    # No link to the bytes: /media is never served; downloads go through the permission-checked page.
    list_display = ["original_name", "kind", "size", "sha256", "uploaded_by", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["sha256", "original_name"]
    fields = ["sha256", "original_name", "kind", "size", "uploaded_by", "uploaded_at"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["title", "document_number", "issue_date", "leaf_score", "for_explanation", "added_by", "added_at"]
    list_filter = ["for_explanation", "leaf_score__assessment__cycle__year"]
    search_fields = ["title", "document_number", "file__sha256"]
    list_select_related = ["leaf_score"]
    fields = ["leaf_score", "file", "document_number", "issue_date", "title", "for_explanation", "linked_from",
              "added_by", "added_at"]
