"""The research commissioning register: the named rules a research question must pass, the services that write
one, and the selectors behind its pages, its downloads, its API and a theme page's "known, being studied, gap".

The public reads published questions only; analysts (policy: manage_research) also see drafts on the pages and
write through `research_question_create` / `research_question_update`, which check every rule first. Downloads
and the API hold published questions only, whoever asks, so they can be passed on.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

import django_filters
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from bluelight.accounts import policy
from bluelight.accounts.policy import Action
from bluelight.collaborations.models import Collaboration, EvidenceItem, Publication, Theme
from bluelight.core.rules import RuleBook
from bluelight.insights.models import ResearchQuestion, ResearchStatus

STRONG = 3  # "known": evidence rated 3 or more on the Maryland scale (a comparison group at least)
COMMISSIONED = {ResearchStatus.COMMISSIONED, ResearchStatus.IN_PROGRESS, ResearchStatus.REPORTED}
UNDER_WAY = (ResearchStatus.COMMISSIONED, ResearchStatus.IN_PROGRESS)  # "being studied"


# Rules ------------------------------------------------------------------------------------------------------


@dataclass
class ResearchQuestionData:
    """Everything a research question holds, before it is written."""

    question: str
    themes: list[Theme] = field(default_factory=list)
    status: str = ResearchStatus.PROPOSED
    description: str = ""
    commissioned_by: str = ""
    carried_out_by: str = ""
    proposed_on: datetime.date | None = None
    commissioned_on: datetime.date | None = None
    due_on: datetime.date | None = None
    reported_on: datetime.date | None = None
    evidence: list[EvidenceItem] = field(default_factory=list)
    publication: str = Publication.PUBLISHED


RULES = RuleBook()
rule = RULES.rule


def _before(earlier, later) -> bool:
    return earlier is None or later is None or later >= earlier


@rule("RES001", "question")
def has_question(data: ResearchQuestionData) -> bool:
    """Enter the research question, as the working group would ask it."""
    return bool(data.question and data.question.strip())


@rule("RES002", "themes")
def has_theme(data: ResearchQuestionData) -> bool:
    """Choose at least one theme the question is about, so its theme pages show it."""
    return bool(data.themes)


@rule("RES003", "commissioned_on")
def commissioned_has_date(data: ResearchQuestionData) -> bool:
    """Research that has been commissioned needs the date it was commissioned."""
    return data.status not in COMMISSIONED or data.commissioned_on is not None


@rule("RES004", "commissioned_by")
def commissioned_has_commissioner(data: ResearchQuestionData) -> bool:
    """Research that has been commissioned needs who commissioned it."""
    return data.status not in COMMISSIONED or bool(data.commissioned_by.strip())


@rule("RES005", "carried_out_by")
def under_way_has_researcher(data: ResearchQuestionData) -> bool:
    """Research in progress or reported needs who is carrying it out."""
    started = (ResearchStatus.IN_PROGRESS, ResearchStatus.REPORTED)
    return data.status not in started or bool(data.carried_out_by.strip())


@rule("RES006", "reported_on")
def reported_has_date(data: ResearchQuestionData) -> bool:
    """Reported research needs the date it reported."""
    return data.status != ResearchStatus.REPORTED or data.reported_on is not None


@rule("RES007", "evidence")
def reported_has_evidence(data: ResearchQuestionData) -> bool:
    """Reported research needs at least one resulting evidence item: record the report as an evidence item
    first, then choose it here."""
    return data.status != ResearchStatus.REPORTED or bool(data.evidence)


@rule("RES008", "commissioned_on")
def commissioned_after_proposed(data: ResearchQuestionData) -> bool:
    """The date commissioned must be on or after the date proposed."""
    return _before(data.proposed_on, data.commissioned_on)


@rule("RES009", "reported_on")
def reported_after_commissioned(data: ResearchQuestionData) -> bool:
    """The date reported must be on or after the date commissioned."""
    return _before(data.commissioned_on, data.reported_on)


@rule("RES010", "due_on")
def due_after_commissioned(data: ResearchQuestionData) -> bool:
    """The date due must be on or after the date commissioned."""
    return _before(data.commissioned_on, data.due_on)


@rule("RES011", "commissioned_on")
def proposed_not_commissioned(data: ResearchQuestionData) -> bool:
    """A proposed question has not been commissioned yet: clear the date commissioned, or choose the status it
    has reached."""
    return data.status != ResearchStatus.PROPOSED or data.commissioned_on is None


@rule("RES012", "reported_on")
def only_reported_has_report_date(data: ResearchQuestionData) -> bool:
    """Only reported research has a date reported: clear the date, or set the status to Reported."""
    return data.status == ResearchStatus.REPORTED or data.reported_on is None


@rule("RES013", "reported_on")
def reported_not_in_future(data: ResearchQuestionData) -> bool:
    """The date reported cannot be in the future."""
    return data.reported_on is None or data.reported_on <= timezone.localdate()


def rules_check(data: ResearchQuestionData) -> None:
    """Run every rule; raise one ValidationError listing all that fail, keyed by field, each with its code."""
    RULES.check(data)


# Services ---------------------------------------------------------------------------------------------------

FIELDS = [
    "question",
    "description",
    "status",
    "commissioned_by",
    "carried_out_by",
    "proposed_on",
    "commissioned_on",
    "due_on",
    "reported_on",
    "publication",
]


def research_question_check(*, question: ResearchQuestion, data: ResearchQuestionData) -> None:
    """Raise ValidationError listing every problem: the row's own checks (lengths, choices, constraints), then the
    register's rules."""
    errors: dict[str, list] = {}
    try:
        rules_check(data)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    try:
        # A field a rule has refused is not checked again ("This field cannot be blank" beside RES001), and the
        # table's date-order constraints are RES008 and RES009, said on the field they concern.
        question.full_clean(exclude=list(errors), validate_constraints=False)
    except ValidationError as exc:
        for name, found in exc.error_dict.items():
            errors.setdefault(name, []).extend(found)
    if errors:
        raise ValidationError(errors)


def _research_question_save(question: ResearchQuestion, data: ResearchQuestionData, user) -> ResearchQuestion:
    for name in FIELDS:
        setattr(question, name, getattr(data, name))
    question.question = question.question.strip()
    research_question_check(question=question, data=data)
    if user is not None:
        question._history_user = user  # named as the author in the history row this save writes
    with transaction.atomic():
        question.save()
        question.themes.set(data.themes)
        question.evidence.set(data.evidence)
    return question


def research_question_create(*, data: ResearchQuestionData, user=None) -> ResearchQuestion:
    """Add a research question to the register with its themes and evidence items, after checking every rule."""
    return _research_question_save(ResearchQuestion(), data, user)


def research_question_update(*, question: ResearchQuestion, data: ResearchQuestionData, user=None) -> ResearchQuestion:
    """Change a research question, its themes and its evidence items, after checking every rule."""
    return _research_question_save(question, data, user)


def research_question_data_from(question: ResearchQuestion) -> ResearchQuestionData:
    """A stored question as data, to change a part of it and write it back through the services."""
    return ResearchQuestionData(
        **{name: getattr(question, name) for name in FIELDS},
        themes=list(question.themes.all()),
        evidence=list(question.evidence.all()),
    )


# Selectors --------------------------------------------------------------------------------------------------


def published_questions() -> QuerySet:
    return ResearchQuestion.objects.filter(publication=Publication.PUBLISHED)


def visible_questions(user) -> QuerySet:
    """What `user` may read: published questions, and drafts too for those who manage the register."""
    if policy.can(user, Action.MANAGE_RESEARCH):
        return ResearchQuestion.objects.all()
    return published_questions()


def visible_evidence(user) -> QuerySet:
    items = EvidenceItem.objects.all()
    if not policy.can(user, Action.MANAGE_EVIDENCE):
        items = items.filter(publication=Publication.PUBLISHED)
    return items


def with_relations(queryset: QuerySet, *, evidence: QuerySet | None = None) -> QuerySet:
    """Themes and the evidence items shown (published ones unless `evidence` says otherwise), strongest first."""
    evidence = evidence if evidence is not None else EvidenceItem.objects.filter(publication=Publication.PUBLISHED)
    return queryset.prefetch_related(
        Prefetch("themes", queryset=Theme.objects.select_related("parent").order_by("name")),
        Prefetch("evidence", queryset=evidence.order_by("-strength", "title")),
    )


def research_question_get(*, user, pk: int) -> ResearchQuestion | None:
    return with_relations(visible_questions(user), evidence=visible_evidence(user)).filter(pk=pk).first()


def _theme_choices():
    return [(t.code, t.name) for t in Theme.objects.order_by("code")]


class ResearchQuestionFilter(django_filters.FilterSet):
    """The register's filters, the same on the page, its downloads and the API; each may repeat for several
    values (a question matches any of them)."""

    theme = django_filters.MultipleChoiceFilter(
        label=_lazy("Theme"),
        choices=_theme_choices,
        method="filter_theme",
        help_text=_lazy("A theme's code; a top-level theme includes its sub-themes"),
    )
    status = django_filters.MultipleChoiceFilter(
        label=_lazy("Status"),
        choices=ResearchStatus.choices,
        help_text=_lazy("proposed, commissioned, in_progress or reported"),
    )

    class Meta:
        model = ResearchQuestion
        fields = ["theme", "status"]

    def filter_theme(self, queryset, name, codes):
        themes = Theme.objects.filter(Q(code__in=codes) | Q(parent__code__in=codes)).values("pk")
        # A subquery rather than a join, so a question on two matching themes is listed once.
        chosen = ResearchQuestion.themes.through.objects.filter(theme__in=themes).values("researchquestion_id")
        return queryset.filter(pk__in=chosen)


def research_params_clean(params) -> tuple[QueryDict, list[str]]:
    """The filters with values nobody knows set aside (a stale link's old theme code), each with a notice, so
    the page shows what it can rather than nothing."""
    clean, notices = QueryDict(mutable=True), []
    known_themes = set(Theme.objects.values_list("code", flat=True))
    for code in params.getlist("theme"):
        if code in known_themes:
            clean.appendlist("theme", code)
        elif code:
            notices.append(_("There is no theme ‘%(code)s’, so it was not used to filter.") % {"code": code[:60]})
    for status in params.getlist("status"):
        if status in ResearchStatus.values:
            clean.appendlist("status", status)
        elif status:
            notices.append(_("There is no status ‘%(code)s’, so it was not used to filter.") % {"code": status[:60]})
    return clean, notices


def research_questions_filtered(queryset: QuerySet, params) -> QuerySet:
    filterset = ResearchQuestionFilter(params, queryset=queryset)
    return filterset.qs if filterset.is_valid() else queryset.none()


@dataclass
class StatusCount:
    code: str
    label: str
    count: int  # questions with this status among those on the chosen themes
    selected: bool


@dataclass
class ResearchListData:
    questions: list[ResearchQuestion]
    count: int
    statuses: list[StatusCount]
    themes: list[tuple[Theme, bool]]  # (theme, is a sub-theme), in the taxonomy's order
    theme_codes: list[str]
    status_codes: list[str]
    notices: list[str]
    params: QueryDict  # the filters used, for the download links


def research_list_data(*, user, params, published_only: bool = False) -> ResearchListData:
    """The questions matching the filters, ordered by status then question; beside each status, how many of the
    questions on the chosen themes have it (whatever statuses are ticked), so the counts add up to the register."""
    clean, notices = research_params_clean(params)
    base = published_questions() if published_only else visible_questions(user)
    evidence = EvidenceItem.objects.filter(publication=Publication.PUBLISHED) if published_only else None
    on_themes = research_questions_filtered(base, _only(clean, "theme"))
    matching = research_questions_filtered(base, clean)
    questions = list(
        with_relations(matching, evidence=evidence if evidence is not None else visible_evidence(user)).order_by(
            "status", "question"
        )
    )
    by_status = Counter(on_themes.values_list("status", flat=True))
    statuses = clean.getlist("status")
    children = Prefetch("children", queryset=Theme.objects.order_by("name"))
    tops = Theme.objects.filter(parent__isnull=True).prefetch_related(children).order_by("name")
    return ResearchListData(
        questions=questions,
        count=len(questions),
        statuses=[
            StatusCount(code, str(label), by_status[code], code in statuses) for code, label in ResearchStatus.choices
        ],
        themes=[pair for top in tops for pair in [(top, False), *((c, True) for c in top.children.all())]],
        theme_codes=clean.getlist("theme"),
        status_codes=statuses,
        notices=notices,
        params=clean,
    )


def _only(params: QueryDict, name: str) -> QueryDict:
    kept = QueryDict(mutable=True)
    kept.setlist(name, params.getlist(name))
    return kept


@dataclass
class ResearchDetailData:
    question: ResearchQuestion
    themes: list[Theme]
    evidence: list[EvidenceItem]


def research_detail_data(*, question: ResearchQuestion) -> ResearchDetailData:
    return ResearchDetailData(
        question=question, themes=list(question.themes.all()), evidence=list(question.evidence.all())
    )


# A question as data: the page's .json (the API's shape) and .csv (one row, codes beside labels).


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def research_question_record(question: ResearchQuestion, request) -> dict:
    """One published question as the API shows it: themes with codes, evidence items with their ratings."""
    return {
        "id": question.pk,
        "question": question.question,
        "description": question.description,
        "status": question.status,
        "status_label": str(question.get_status_display()),
        "themes": [{"code": t.code, "name": t.name} for t in question.themes.all()],
        "commissioned_by": question.commissioned_by,
        "carried_out_by": question.carried_out_by,
        "proposed_on": _iso(question.proposed_on),
        "commissioned_on": _iso(question.commissioned_on),
        "due_on": _iso(question.due_on),
        "reported_on": _iso(question.reported_on),
        "evidence": [
            {
                "id": e.pk,
                "title": e.title,
                "strength": e.strength,
                "url": request.build_absolute_uri(e.get_absolute_url()),
            }
            for e in question.evidence.all()
        ],
        "url": request.build_absolute_uri(question.get_absolute_url()),
    }


CSV_COLUMNS = [
    "id",
    "question",
    "description",
    "status",
    "status_label",
    "themes",
    "theme_names",
    "commissioned_by",
    "carried_out_by",
    "proposed_on",
    "commissioned_on",
    "due_on",
    "reported_on",
    "evidence",
    "evidence_titles",
    "url",
]


def research_question_row(question: ResearchQuestion, request) -> dict:
    """One question as a CSV row: several values joined with "; "."""
    record = research_question_record(question, request)
    return {
        **{name: record[name] or "" for name in CSV_COLUMNS if name in record and name not in ("themes", "evidence")},
        "themes": "; ".join(t["code"] for t in record["themes"]),
        "theme_names": "; ".join(t["name"] for t in record["themes"]),
        "evidence": "; ".join(str(e["id"]) for e in record["evidence"]),
        "evidence_titles": "; ".join(e["title"] for e in record["evidence"]),
    }


# A theme's page: what is known, what is being studied, what is still a gap --------------------------------


@dataclass
class ThemeResearchData:
    known: list[EvidenceItem]  # published evidence items about the theme rated STRONG or more, strongest first
    studied: list[ResearchQuestion]  # published questions on it commissioned or in progress
    reported: list[ResearchQuestion]  # published questions on it that have reported
    proposed: list[ResearchQuestion]
    collaborations: int  # published collaborations whose main theme is in the family
    without_strong: int  # ... of which have no published evidence item rated STRONG or more about them
    gap: str  # the gap in one sentence
    detail: str = ""  # the collaborations' share, when there are any


def _family(theme: Theme) -> list[int]:
    return [theme.pk, *theme.children.values_list("pk", flat=True)]


def theme_research_data(*, theme: Theme) -> ThemeResearchData:
    """For a theme and its sub-themes, from published records only (the same for every reader)."""
    family = _family(theme)
    published_evidence = EvidenceItem.objects.filter(publication=Publication.PUBLISHED)
    known = list(
        published_evidence.filter(themes__in=family, strength__gte=STRONG).distinct().order_by("-strength", "title")
    )
    questions = list(published_questions().filter(themes__in=family).distinct().order_by("question"))
    studied = [q for q in questions if q.status in UNDER_WAY]
    on_theme = Collaboration.objects.published().filter(primary_theme__in=family)
    strong = published_evidence.filter(strength__gte=STRONG)
    through = EvidenceItem.collaborations.through
    evidenced = through.objects.filter(evidenceitem__in=strong).values("collaboration_id")
    total = on_theme.count()
    without = on_theme.exclude(pk__in=evidenced).count()
    if not known and not studied:
        gap = _("No evidence rated 3 or more on the Maryland scale and no research under way.")
    else:
        known_words = (
            ngettext(
                "%(n)s evidence item rated 3 or more on the Maryland scale",
                "%(n)s evidence items rated 3 or more on the Maryland scale",
                len(known),
            )
            % {"n": len(known)}
            if known
            else _("No evidence rated 3 or more on the Maryland scale yet")
        )
        studied_words = (
            ngettext("%(n)s research question under way", "%(n)s research questions under way", len(studied))
            % {"n": len(studied)}
            if studied
            else _("no research under way")
        )
        gap = _("%(known)s; %(studied)s.") % {"known": known_words, "studied": studied_words}
    detail = ""
    if total:
        detail = ngettext(
            "%(without)s of %(total)s published collaboration on this theme has no evidence rated 3 or more about it.",
            "%(without)s of %(total)s published collaborations on this theme have no evidence rated 3 or more "
            "about them.",
            total,
        ) % {"without": without, "total": total}
    return ThemeResearchData(
        known=known,
        studied=studied,
        reported=[q for q in questions if q.status == ResearchStatus.REPORTED],
        proposed=[q for q in questions if q.status == ResearchStatus.PROPOSED],
        collaborations=total,
        without_strong=without,
        gap=gap,
        detail=detail,
    )
