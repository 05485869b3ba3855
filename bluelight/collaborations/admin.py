"""Admin for collaborations (with partners, benefits, outcomes, contacts), themes and evidence.

Every permission comes from accounts/policy.py; the collaboration rules are checked on the
whole submitted record by the forms in forms.py, so the admin cannot save what the services
would refuse.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from bluelight.accounts import policy
from bluelight.accounts.admin_base import PolicyAdminMixin, PolicyInlineMixin, ReadOnlyInlineMixin
from bluelight.accounts.policy import Action
from bluelight.collaborations.forms import (
    BenefitFormSet,
    CollaborationAdminForm,
    ContactFormSet,
    OutcomeFormSet,
    PartnerFormSet,
    RuleCheckedFormSet,
    collaboration_data_from_forms,
    collaboration_form_post,
)
from bluelight.collaborations.models import (
    Benefit,
    Collaboration,
    Contact,
    EvidenceItem,
    Outcome,
    Partner,
    Provenance,
    Publication,
    SourceKind,
    Theme,
)
from bluelight.collaborations.search import search_index_update
from bluelight.collaborations.selectors import collaboration_content_at, collaboration_history
from bluelight.collaborations.services import (
    collaboration_content,
    collaboration_content_rebase,
    collaboration_create,
    collaboration_data_from,
    collaboration_publish,
    collaboration_update,
    collaboration_version_check,
    collaboration_withdraw,
    collaborations_changed,
)
from bluelight.core.versions import StaleVersion, version_parse
from bluelight.organisations.models import REGIONS, Service

# Themes ------------------------------------------------------------------------------------


@admin.register(Theme)
class ThemeAdmin(PolicyAdminMixin, SimpleHistoryAdmin):
    add_action = change_action = delete_action = Action.MANAGE_TAXONOMY
    list_display = ("name", "code", "parent", "position")
    list_filter = (("parent", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "code", "description")
    list_select_related = ("parent",)
    fields = ("code", "name", "parent", "description", "source", "position")


# Collaborations: list filters --------------------------------------------------------------


class TopLevelThemeFilter(admin.SimpleListFilter):
    """A top-level theme takes in the records coded to any of its sub-themes."""

    title = _("primary theme")
    parameter_name = "theme"

    def lookups(self, request, model_admin):
        return [(t.code, t.name) for t in Theme.objects.filter(parent__isnull=True)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(Q(primary_theme__code=self.value()) | Q(primary_theme__parent__code=self.value()))
        return queryset


class ServiceFilter(admin.SimpleListFilter):
    title = _("services involved")
    parameter_name = "service"

    def lookups(self, request, model_admin):
        return Service.choices

    def queryset(self, request, queryset):
        # `services` holds sorted codes joined by commas; no code is part of another.
        if self.value() in Service.values:
            return queryset.filter(services__contains=self.value())
        return queryset


class PartnerRegionFilter(admin.SimpleListFilter):
    title = _("partner region")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        return [(region, region) for region in REGIONS]

    def queryset(self, request, queryset):
        if self.value():
            # A subquery, so a record with two partners in the region is listed once.
            in_region = Partner.objects.filter(collaboration=OuterRef("pk"), organisation__region=self.value())
            return queryset.filter(Exists(in_region))
        return queryset


# Collaborations: inlines -------------------------------------------------------------------


class PartnerInline(PolicyInlineMixin, admin.TabularInline):
    model = Partner
    formset = PartnerFormSet
    fields = ("organisation", "is_lead", "role")
    autocomplete_fields = ("organisation",)

    def get_extra(self, request, obj=None, **kwargs):
        return 2 if obj is None else 1


class BenefitInline(PolicyInlineMixin, admin.TabularInline):
    model = Benefit
    formset = BenefitFormSet
    extra = 0
    fields = ("kind", "amount_gbp", "basis", "price_year", "to_date", "accrues_to", "description")
    autocomplete_fields = ("accrues_to",)


class OutcomeInline(PolicyInlineMixin, admin.TabularInline):
    model = Outcome
    formset = OutcomeFormSet
    extra = 0
    fields = ("description", "measure", "value")


class ContactInline(PolicyInlineMixin, admin.TabularInline):
    """Contacts are personal data: shown to those the policy lets see them."""

    model = Contact
    formset = ContactFormSet
    extra = 0
    view_action = Action.VIEW_CONTACTS
    fields = ("name", "email", "organisation", "role")
    autocomplete_fields = ("organisation",)


class ProvenanceInline(ReadOnlyInlineMixin, admin.TabularInline):
    """Where the record's facts came from; written by imports and consolidation, never by hand."""

    model = Provenance
    fields = ("kind", "label", "reported_by", "reported_on", "fields", "created_at")
    readonly_fields = fields


def entered_in_the_admin_by(user, data) -> str:
    """The provenance label of a record entered here, which the public page shows: a role or organisation, no username.

    The user stays on the record's first history row, which analysts read.
    """
    own = policy.editor_organisation_ids(user)
    if own:
        names = sorted({p.organisation.name for p in data.partners if p.organisation.pk in own})
        who = " and ".join(names) or _("an organisation editor")
    else:
        who = _("an administrator") if user.is_admin else _("an analyst")
    return _("Entered in the admin by %(who)s") % {"who": who}


# Collaborations ----------------------------------------------------------------------------


@admin.register(Collaboration)
class CollaborationAdmin(PolicyAdminMixin, SimpleHistoryAdmin):
    """Editors see and change their organisations' records; analysts everything, and publish."""

    narrow_to_editable = True
    form = CollaborationAdminForm
    object_history_template = "admin/collaborations/collaboration/object_history.html"
    inlines = [PartnerInline, BenefitInline, OutcomeInline, ContactInline, ProvenanceInline]
    list_display = ("title", "lead", "service_names", "status", "publication", "start")
    list_filter = (
        "status",
        "publication",
        TopLevelThemeFilter,
        ServiceFilter,
        "scope",
        "is_demo",
        PartnerRegionFilter,
    )
    search_fields = ("title", "description", "partners__organisation__name")
    autocomplete_fields = ("primary_theme", "secondary_themes")
    readonly_fields = ("services", "merged_into", "uid", "is_demo", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("title", "description", "status", "status_reason", "scope", "lessons", "language")}),
        (_("Themes"), {"fields": ("primary_theme", "secondary_themes")}),
        (_("Dates"), {"fields": (("start_date", "start_precision"), ("end_date", "end_precision"))}),
        (
            _("Publication and record"),
            {
                "fields": (
                    "publication",
                    "services",
                    "merged_into",
                    "uid",
                    "is_demo",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )
    actions = ["publish_selected", "withdraw_selected"]

    def get_queryset(self, request):
        partners = Partner.objects.select_related("organisation")
        return super().get_queryset(request).prefetch_related(Prefetch("partners", queryset=partners))

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not policy.can(request.user, Action.PUBLISH):
            readonly.append("publication")
        return readonly

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, PartnerInline):
            kwargs["user"] = request.user  # an editor must remain a partner
        return kwargs

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.stale_message = getattr(request, "collaboration_stale_message", None)
        return form

    # No lost updates: a save based on an older version is refused, and shown again merged ----

    def _changeform_view(self, request, object_id, form_url, extra_context):
        # Django runs this inside one transaction, so the row locked here stays locked until saved.
        if request.method == "POST" and object_id is not None:
            self._refuse_if_stale(request, object_id)
        return super()._changeform_view(request, object_id, form_url, extra_context)

    def _refuse_if_stale(self, request, object_id) -> None:
        """If the record was saved since the page was opened, make this request show the refusal, saving nothing.

        The page comes back holding the current record with the user's own changes laid over it,
        at the current version, so saving again applies their changes without undoing the others'.
        """
        obj = self.get_object(request, unquote(object_id))
        expected = version_parse(request.POST.get("version"))
        if obj is None or expected is None or not self.has_change_permission(request, obj):
            return  # Django answers 403 or 404; the form refuses a missing version
        try:
            collaboration_version_check(collaboration=obj, expected_version=expected, user=request.user)
        except StaleVersion as stale:
            merged = self._stale_edit_merged(request, object_id, stale)
            if merged is not None:
                request.POST = merged
            request.collaboration_stale_message = stale.message(
                viewer=request.user,
                show_who=policy.can(request.user, Action.VIEW_HISTORY),
                merged=merged is not None,
            )

    def _stale_edit_merged(self, request, object_id, stale: StaleVersion):
        """The submitted page with the user's edit (since their version) laid over the current record; None if unclear.

        Unclear: the version opened is not in the history, or the submission has errors of its own
        (then it is shown as sent, at the version it was based on, and refused again until it can be merged).
        """
        current = self.get_object(request, unquote(object_id))
        base = collaboration_content_at(current, version=stale.expected)
        if base is None:
            return None
        theirs = collaboration_content(collaboration_data_from(current))
        instance = self.get_object(request, unquote(object_id))  # the form writes its values onto its instance
        form = self.get_form(request, instance, change=True)(request.POST, request.FILES, instance=instance)
        formsets, _inlines = self._create_formsets(request, instance, change=True)
        form.is_valid()
        parts = {formset.part: formset for formset in formsets if isinstance(formset, RuleCheckedFormSet)}
        if any(name not in form.cleaned_data for name in form.fields):
            return None
        mine = collaboration_data_from_forms(instance, form.cleaned_data, parts)
        if mine is None:
            return None
        merged = collaboration_content_rebase(base=base, mine=collaboration_content(mine), theirs=theirs)
        return collaboration_form_post(
            request.POST,
            form=form,
            formsets=parts.values(),
            collaboration=current,
            content=merged,
            version=stale.current,
        )

    # Saving: the services write the record, as for every other path --------------------------

    def save_model(self, request, obj, form, change):
        """Nothing yet: `save_related` has the formsets too, and writes the whole record at once."""

    def save_related(self, request, form, formsets, change):
        """Write the submitted record through `collaboration_create` or `collaboration_update`.

        The forms have already checked it against the rules (forms.py). The services write only
        what changed, with history, so the admin and every import share one write path.
        """
        parts = {formset.part: formset for formset in formsets if isinstance(formset, RuleCheckedFormSet)}
        data = collaboration_data_from_forms(form.instance, form.cleaned_data, parts)
        if change:
            saved = collaboration_update(
                collaboration=form.instance,
                data=data,
                user=request.user,
                expected_version=form.cleaned_data["version"],  # checked under the lock taken above
            )
        else:
            saved = collaboration_create(
                data=data,
                source_kind=SourceKind.ENTRY,
                source_label=entered_in_the_admin_by(request.user, data),
                user=request.user,
            )
        # The admin goes on with its own object (the redirect, the log entry): give it the row's identity.
        form.instance.pk = saved.pk
        form.instance._state.adding = False

    def construct_change_message(self, request, form, formsets, add=False):
        # The formsets were not saved (the services wrote their rows), so Django cannot list the
        # rows they changed; the history page does, row by row.
        return super().construct_change_message(request, form, [], add)

    # History: the record's own versions and its rows', on one page --------------------------

    def render_history_view(self, request, template, context, **kwargs):
        """Reached only once SimpleHistoryAdmin has checked the user may read the history."""
        if template != self.object_history_template:  # one version shown in full
            return super().render_history_view(request, template, context, **kwargs)
        entries = collaboration_history(context["object"], user=request.user)
        page_obj = Paginator(entries, self.history_list_per_page).get_page(request.GET.get(PAGE_VAR))
        context.update(
            entries=page_obj.object_list,
            page_obj=page_obj,
            page_range=page_obj.paginator.get_elided_page_range(page_obj.number),
            pagination_required=page_obj.paginator.num_pages > 1,
            with_contacts=policy.can(request.user, Action.VIEW_CONTACTS, context["object"]),
        )
        return super().render_history_view(request, template, context, **kwargs)

    @admin.display(description=_("lead"))
    def lead(self, collaboration: Collaboration):
        return collaboration.lead or "—"

    @admin.display(description=_("services"), ordering="services")
    def service_names(self, collaboration: Collaboration) -> str:
        return ", ".join(collaboration.service_labels)

    @admin.display(description=_("start"), ordering="start_date")
    def start(self, collaboration: Collaboration) -> str:
        return collaboration.start_display

    # Publishing ----------------------------------------------------------------------------

    def has_publish_permission(self, request) -> bool:
        return policy.can(request.user, Action.PUBLISH)

    @admin.action(description=_("Publish selected collaborations"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        published, refused = 0, []
        for collaboration in queryset:
            try:
                collaboration_publish(collaboration=collaboration)
            except ValidationError as exc:
                refused.append(f"“{collaboration}” ({' '.join(exc.messages)})")
                continue
            published += 1
        if published:
            self.message_user(
                request,
                ngettext("Published %d collaboration.", "Published %d collaborations.", published) % published,
                messages.SUCCESS,
            )
        if refused:
            self.message_user(request, _("Not published: ") + "; ".join(refused), messages.ERROR)

    @admin.action(description=_("Withdraw selected collaborations from publication"), permissions=["publish"])
    def withdraw_selected(self, request, queryset):
        withdrawn = 0
        # One service call per record, so the change history records each withdrawal.
        for collaboration in queryset.filter(publication=Publication.PUBLISHED):
            collaboration_withdraw(collaboration=collaboration)
            withdrawn += 1
        self.message_user(
            request,
            ngettext("Withdrew %d collaboration.", "Withdrew %d collaborations.", withdrawn) % withdrawn,
            messages.SUCCESS,
        )


# Evidence ----------------------------------------------------------------------------------


@admin.register(EvidenceItem)
class EvidenceItemAdmin(PolicyAdminMixin, SimpleHistoryAdmin):
    add_action = change_action = delete_action = Action.MANAGE_EVIDENCE
    list_display = ("title", "kind", "strength", "year", "author")
    list_filter = ("kind", "strength", "themes")
    search_fields = ("title", "author", "summary")
    autocomplete_fields = ("collaborations", "themes")

    def get_exclude(self, request, obj=None):
        if policy.can(request.user, Action.MANAGE_EVIDENCE):
            return super().get_exclude(request, obj)
        # Linked records may be other organisations' drafts, which this user may not see.
        return ["collaborations"]

    # The records an item is linked to hold its title and summary in their search index: re-index
    # those it was linked to before the save and after (there is no evidence service yet).
    def save_related(self, request, form, formsets, change):
        linked_before = _evidence_linked(form.instance) if change else []
        super().save_related(request, form, formsets, change)
        search_index_update([*linked_before, *_evidence_linked(form.instance)])
        collaborations_changed()

    def delete_model(self, request, obj):
        linked = _evidence_linked(obj)
        super().delete_model(request, obj)
        search_index_update(linked)
        collaborations_changed()

    def delete_queryset(self, request, queryset):
        linked = list(
            EvidenceItem.collaborations.through.objects.filter(evidenceitem__in=queryset).values_list(
                "collaboration_id", flat=True
            )
        )
        super().delete_queryset(request, queryset)
        search_index_update(linked)
        collaborations_changed()


def _evidence_linked(item: EvidenceItem) -> list[int]:
    return list(item.collaborations.values_list("pk", flat=True)) if item.pk else []
