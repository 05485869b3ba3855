"""Template helpers for the Observatory's pages: money, status tags, policy checks and pagination."""

from decimal import Decimal

from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from bluelight.accounts import policy
from bluelight.core.languages import site_name

register = template.Library()

# GOV.UK tag colours: grey for not started, green for running, red only for what stopped early.
STATUS_TAG_CLASSES = {
    "planned": "govuk-tag--grey",
    "in_development": "govuk-tag--light-blue",
    "operational": "govuk-tag--green",
    "completed": "govuk-tag--teal",
    "discontinued": "govuk-tag--orange",
}


@register.filter
def gbp(amount) -> str:
    """£1,234 for whole pounds, £1,234.50 otherwise."""
    if amount in (None, ""):
        return ""
    amount = Decimal(amount)
    if amount == amount.to_integral_value():
        return f"£{amount:,.0f}"
    return f"£{amount:,.2f}"


@register.filter
def plain_number(value) -> str:
    """A measured value without trailing zeros: 2.8 rather than 2.80, 17 rather than 17.00."""
    if value in (None, ""):
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text


@register.filter
def partial_date(day, precision: str) -> str:
    """A date known to a month or a year, as people write it: "April 2015" or "2015"."""
    if not day:
        return ""
    if precision == "month":
        return date_format(day, "F Y")
    return str(day.year)


@register.simple_tag
def service_name() -> str:
    """The service's name from settings, in the page's language (core.languages.site_name).

    Read here rather than from the `site_name` context variable because Django's auth views put
    their own `site_name` (the request's host name) in the context, which would replace it.
    """
    return site_name()


@register.filter
def status_tag_class(status: str) -> str:
    return STATUS_TAG_CLASSES.get(status, "govuk-tag--grey")


@register.simple_tag(takes_context=True)
def can(context, action: str, obj=None) -> bool:
    """`{% can "view_contacts" collaboration as allowed %}`: the access policy, asked from a template."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return policy.can(user, action, obj)


# (label, URL name, the pages that belong to its section)
NAVIGATION = [
    (_lazy("Home"), "explorer:home", {"explorer:home"}),
    (
        _lazy("Collaborations"),
        "explorer:collaboration_list",
        {"explorer:collaboration_list", "explorer:collaboration_detail"},
    ),
    (
        _lazy("Organisations"),
        "explorer:organisation_list",
        {"explorer:organisation_list", "explorer:organisation_detail"},
    ),
    (
        _lazy("Research"),
        "insights:priorities",
        {
            "insights:priorities", "insights:strategic_weight_edit", "insights:research_list",
            "insights:research_detail", "insights:research_create", "insights:research_edit", "insights:network",
        },
    ),
    (
        _lazy("Overview reports"),
        "editions:list",
        {"editions:list", "editions:detail", "editions:publish", "editions:run"},
    ),
]


def _section(label, name: str, view_name: str) -> dict:
    """A navigation item for an app's pages: active anywhere in that app."""
    app = name.split(":")[0]
    return {
        "label": label,
        "href": reverse(name),
        "active": view_name.startswith(app + ":"),
        "current": view_name == name,
    }


@register.simple_tag(takes_context=True)
def service_navigation(context) -> list[dict]:
    """The service navigation items, marking the current section; "Manage records" for those who may."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""
    items = [
        {"label": label, "href": reverse(name), "active": view_name in section, "current": view_name == name}
        for label, name, section in NAVIGATION
    ]
    user = getattr(request, "user", None)
    if policy.can(user, "manage_rounds"):
        items.append(_section(_("Rounds"), "returns:round_list", view_name))
    elif user is not None and user.is_authenticated and policy.editor_organisation_ids(user):
        items.append(_section(_("Your returns"), "returns:my_requests", view_name))
    if policy.can(user, "view_duty"):  # analysts: the national duty record and the areas with no collaboration
        duty = {"insights:duty_national", "insights:opportunity_gaps"}
        items.append(
            {
                "label": _("Duty to collaborate"),
                "href": reverse("insights:duty_national"),
                "active": view_name in duty,
                "current": view_name == "insights:duty_national",
            }
        )
    if policy.can(user, "use_admin"):
        items.append({"label": _("Manage records"), "href": reverse("admin:index"), "active": False, "current": False})
    return items


@register.inclusion_tag("explorer/includes/pagination.html", takes_context=True)
def pagination(context, page) -> dict:
    """GOV.UK pagination whose links keep the current filters in the query string.

    Plain template markup rather than govuk-frontend-django's `gds_pagination`: that tag drops
    the query string (so the filters) and renders through a new Jinja environment each time.
    """
    if page is None or page.paginator.num_pages <= 1:
        return {"page": None}
    request = context["request"]

    def href(number: int) -> str:
        query = request.GET.copy()
        query["page"] = number
        return f"?{query.urlencode()}"

    items = [
        {"ellipsis": True}
        if number == page.paginator.ELLIPSIS
        else {"number": number, "href": href(number), "current": number == page.number}
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    return {
        "page": page,
        "items": items,
        "previous_href": href(page.previous_page_number()) if page.has_previous() else None,
        "next_href": href(page.next_page_number()) if page.has_next() else None,
    }
