"""The fuzz test's tools: the project's URL map with good and malformed identifiers, a small world for them to
name, a reader of the forms in a page, and Hypothesis strategies for malformed form input."""

import datetime
import io
import itertools
import re
import traceback
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import urljoin, urlsplit

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import strategies as st

ROLES = ("anonymous", "editor", "analyst", "admin")

# The URL map ---------------------------------------------------------------------------------------------------

ROUTE_PARAM = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\((?:\?P<(?P<name>\w+)>)?(?P<inner>[^()]*)\)")
POSITIONAL = ("object_id", "version_id")  # simple_history's ^([^/]+)/history/([^/]+)/$


@dataclass(frozen=True)
class Route:
    template: str  # "returns/rounds/{round_id}/{org}/"
    params: tuple[tuple[str, str], ...]  # (name, kind): kind is a converter ("int", "slug", ...) or "re:<regex>"
    raw: str  # the patterns as Django writes them, as ResolverMatch.route gives them

    def fill(self, values: dict[str, str]) -> str:
        return "/" + self.template.format(**values)


def _route_part(pattern) -> tuple[str, list[tuple[str, str]]]:
    """One level of a URL pattern as a format string and its parameters."""
    text = str(pattern).replace("{", "{{").replace("}", "}}")
    params = []
    if type(pattern).__name__ == "RegexPattern":
        positional = iter(POSITIONAL)

        def group(match):
            name = match["name"] or next(positional)
            params.append((name, "re:" + match["inner"]))
            return "{" + name + "}"

        return REGEX_GROUP.sub(group, text.removeprefix("^").removesuffix("$")), params

    def converter(match):
        params.append((match["name"], match["kind"] or "str"))
        return "{" + match["name"] + "}"

    return ROUTE_PARAM.sub(converter, text), params


def _walk(patterns, prefix="", raw="", params=()):
    for pattern in patterns:
        text, found = _route_part(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + text, raw + str(pattern.pattern), (*params, *found))
        elif isinstance(pattern, URLPattern):
            yield Route(prefix + text, (*params, *found), raw + str(pattern.pattern))


ROUTES = list(dict.fromkeys(_walk(get_resolver().url_patterns)))
ROUTES_BY_RAW = {route.raw: route for route in ROUTES}


def route_of(path: str) -> Route | None:
    from django.urls import Resolver404, resolve

    try:
        return ROUTES_BY_RAW.get(resolve(urlsplit(path).path).route)
    except Resolver404:
        return None


# Identifiers, good and bad -------------------------------------------------------------------------------------

HUGE = "99999999999999999999"
# Values each converter's regex still accepts (they reach the view) ...
MALFORMED_MATCHING = {
    "int": ["0", HUGE, "9" * 5000],  # 5,000 digits is past Python's int() limit for strings
    "slug": ["no-such-thing", "-", "a" * 3000],
    "str": ["nope", "%00", "%C3%A9%F0%9F%98%80", "a" * 3000, "..", "%20"],
    "path": ["abc", "0", "-1", HUGE, "9" * 5000, "1.0", "%00", "%C3%A9", "../1", "1/../1", "a" * 3000],
}
# ... and values it refuses, requested as raw mangled paths (the resolver's 404, or another pattern's answer).
MALFORMED_RAW = ["", "-1", "abc", "1.5", "%00", "%C3%A9", "..", "%2e%2e%2f", "a%20b", "%D9%A1%D9%A2"]
HOSTILE_QUERY = (
    "?page=-1&p=x&o=z.9.-&q=%00&rows=%C3%A9&_changelist_filters=%00&e=1&theme=%00&round=abc&all=" + "a" * 3000
)


def malformed_values(kind: str) -> list[str]:
    if kind.startswith("re:"):
        kind = "str" if kind == "re:[^/]+" else "path"
    return list(dict.fromkeys([*MALFORMED_MATCHING.get(kind, MALFORMED_MATCHING["str"]), *MALFORMED_RAW]))


def admin_model(route: Route):
    match = re.match(r"admin/(\w+)/(\w+)/", route.template)
    if match is None:
        return None
    try:
        return apps.get_model(match[1], match[2])
    except LookupError:
        return None


def _first_pk(model):
    return model._default_manager.order_by("pk").values_list("pk", flat=True).first()


def valid_values(route: Route, name: str, kind: str, world) -> list[str]:
    """Identifiers of records in the world that `route` can show."""
    t = route.template
    model = admin_model(route)
    if t.startswith("admin/r/"):
        return [str(world.collaboration_type)] if name == "content_type_id" else [str(world.published)]
    if model is not None and name == "object_id":
        return [str(_first_pk(model) or 1)]
    if model is not None and name == "version_id":
        history = getattr(model, "history", None)
        version = history.filter(pk=_first_pk(model)).values_list("history_id", flat=True).first() if history else None
        return [str(version or 1)]
    if name == "id":  # the admin's user password page
        return [str(world.users["editor"].pk)]
    if name == "app_label":
        return kind.removeprefix("re:").split("|")
    if name == "url":
        return ["no/such/page/"]
    if name == "org":
        return ["surrey_police", "surrey_frs"]  # a draft return (the editor's), a submitted one
    if name == "kind":
        return ["json", "zip"] if "datapackage" in t else ["html", "pdf", "xlsx"]
    if name == "fmt":  # the explorer's pages as data
        return ["json", "csv"]
    if name == "table":  # a table of an edition's data package
        return ["collaborations", "benefits"]
    if name == "code":  # a theme
        return ["estates", "es_shared_hq"]
    if name == "slug":
        return [world.edition_slug] if t.startswith(("editions/", "api/editions/")) else ["surrey_police"]
    if name == "run_id":
        return [str(world.report_run if t.startswith("editions/") else world.matching_run)]
    if name == "pk":  # each route's own kind of record: ids of different tables differ on PostgreSQL
        for prefixes, attribute in (
            (("evidence/", "api/evidence/"), "evidence"),
            (("research/", "api/research/"), "question"),
            (("api/duty/",), "opportunity"),
        ):
            if t.startswith(prefixes):
                return [str(getattr(world, attribute))]
        if "/duty/{pk}" in t:  # an opportunity and its forms (a document's own address names the document)
            return [str(world.opportunity)]
    if name == "item_id" and t.endswith("/comment/"):  # analysts comment on a submitted return's collaboration
        return [str(world.submitted_item)]
    attribute = {"round_id": "round", "item_id": "item", "cluster_id": "cluster", "pk": "published"}[name]
    return [str(getattr(world, attribute))]


def good_urls(route: Route, world) -> list[str]:
    """The route with every combination of good identifiers."""
    names = [name for name, _kind in route.params]
    choices = [valid_values(route, name, kind, world) for name, kind in route.params]
    return [route.fill(dict(zip(names, values, strict=True))) for values in itertools.product(*choices)]


def page_url(template: str, world) -> str:
    """The address of a page given as its route's template, some parameters perhaps already filled in."""
    route = next(r for r in ROUTES if _matches(r.template, template))
    values = {name: valid_values(route, name, kind, world)[0] for name, kind in route.params}
    return "/" + template.format(**values)


def _matches(template: str, given: str) -> bool:
    pattern = re.escape(template).replace(r"\{", "{").replace(r"\}", "}")
    return re.fullmatch(re.sub(r"\{\w+\}", r"[^/]+", pattern), given) is not None


def bad_urls(route: Route, world) -> list[str]:
    """The route with one malformed identifier at a time, the others good."""
    good = {name: valid_values(route, name, kind, world)[0] for name, kind in route.params}
    return [route.fill({**good, name: value}) for name, kind in route.params for value in malformed_values(kind)]


# The world ---------------------------------------------------------------------------------------------------


def world_build(var_dir) -> SimpleNamespace:
    """One of everything a URL can name: users of each role, a published and a draft collaboration, evidence, an
    edition with a finished report (stand-in files under `var_dir`), an open round with a draft return (the
    editor's) and a submitted one, a cluster of its items and a matching run."""
    from django.contrib.contenttypes.models import ContentType
    from django.test import override_settings

    from bluelight.accounts.models import Role, User
    from bluelight.collaborations.models import Collaboration, EvidenceItem, Publication
    from bluelight.collaborations.tests.factories import make_collaboration, saving
    from bluelight.consolidation.models import Cluster, ClusterItem, MatchingRun
    from bluelight.editions.models import ReportRun, ReportState
    from bluelight.editions.services import edition_publish
    from bluelight.insights.tests.duty_world import opportunity_make
    from bluelight.insights.tests.research_helpers import make_question
    from bluelight.organisations.models import Organisation
    from bluelight.returns import services as returns_services
    from bluelight.returns.imports import return_import
    from bluelight.returns.models import Return, ReturnItem
    from bluelight.returns.tests.conftest import csv_bytes, good_row

    users = {
        "admin": User.objects.create_user("f_admin", role=Role.ADMIN, is_staff=True, is_superuser=True),
        "analyst": User.objects.create_user("f_analyst", role=Role.ANALYST, is_staff=True),
        "editor": User.objects.create_user("f_editor", "f_editor@example.org", role=Role.EDITOR, is_staff=True),
    }
    users["editor"].organisations.add(Organisation.objects.get(slug="surrey_police"))
    published = make_collaboration("surrey_police", "surrey_frs", benefits=[saving("1000")])
    make_collaboration("kent_police", "kent_frs", title="Kent draft", publication=Publication.DRAFT)
    evidence = EvidenceItem.objects.create(title="An evaluation")
    evidence.collaborations.add(published)
    question = make_question()  # a research question, proposed
    opportunity = opportunity_make("surrey_police")  # the editor's duty record holds one opportunity
    edition = edition_publish(name="2016 overview", as_of=datetime.date(2016, 9, 1), baseline=True)
    run = ReportRun.objects.create(edition=edition, state=ReportState.DONE, finished_at=edition.published_at)
    with override_settings(VAR_DIR=var_dir):
        run.directory.mkdir(parents=True)
        for kind in ("html", "pdf", "xlsx"):
            run.path(kind).write_bytes(b"<p>report</p>" if kind == "html" else b"stand-in")
    today = datetime.date.today()
    round_ = returns_services.round_open(
        name="Fuzz round",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=30),
        regions=["South East"],
        notify=False,
    )
    returns = (
        ("surrey_police", ["P1", "P2"], "Surrey Fire and Rescue Service", False),
        ("surrey_frs", ["F1", "F2"], "Surrey Police", True),
    )
    for slug, references, partners, submit in returns:
        rows = [
            good_row(reference=r, title=f"Collaboration {r}", lead_organisation="", partners=partners)
            for r in references
        ]
        organisation = Organisation.objects.get(slug=slug)
        result = return_import(round=round_, organisation=organisation, content=csv_bytes(rows), filename="r.csv")
        assert result.ok, [str(e) for e in result.errors]
        if submit:
            returns_services.return_submit(return_obj=Return.objects.get(pk=result.return_id))
    # P1 stands for a collaboration pre-filled from the record: the task list asks the editor to check it.
    ReturnItem.objects.filter(reference="P1").update(known_collaboration=published, progress="not_started")
    cluster = Cluster.objects.create(round=round_, score=0.8, existing_collaboration=published)
    ClusterItem.objects.bulk_create(
        [ClusterItem(cluster=cluster, item=i) for i in ReturnItem.objects.filter(reference__in=["F1", "F2"])]
    )
    matching = MatchingRun.objects.create(round=round_, state="done", percent=100, clusters=1)
    return SimpleNamespace(
        users=users,
        var_dir=var_dir,
        published=published.pk,
        evidence=evidence.pk,
        question=question.pk,
        opportunity=opportunity.pk,
        collaboration_type=ContentType.objects.get_for_model(Collaboration).pk,
        edition_slug=edition.slug,
        report_run=run.pk,
        round=round_.pk,
        item=ReturnItem.objects.get(reference="P1").pk,
        submitted_item=ReturnItem.objects.get(reference="F1").pk,
        cluster=cluster.pk,
        matching_run=matching.pk,
        site_map=None,
    )


# Requests ------------------------------------------------------------------------------------------------------


def client_as(role: str, world) -> Client:
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(world.users[role], backend="django.contrib.auth.backends.ModelBackend")
    return client


def fetch(client: Client, url: str, data=None):
    """GET, reading a file answer to the end: the test client then closes it without firing request_finished,
    which would close the database connection (inside a test's transaction, on PostgreSQL)."""
    response = client.get(url, data)
    if response.streaming:
        response.getvalue()
    return response


def isolated(request):
    """Make one request in a savepoint rolled back afterwards, so no request changes the world for the next."""
    with transaction.atomic():
        try:
            return request()
        finally:
            transaction.set_rollback(True)


def server_error(response) -> str | None:
    """None for an answer below 500; for a 5xx, the status, the exception and the line that raised it."""
    if response.status_code < 500:
        return None
    where = ""
    if getattr(response, "exc_info", None):
        kind, exc, tb = response.exc_info
        frames = traceback.extract_tb(tb)
        ours = [f for f in frames if "/bluelight/" in f.filename and "/tests/" not in f.filename]
        where = f" {kind.__name__}: {str(exc)[:150]} at {_place(frames[-1])}"
        if ours and ours[-1] is not frames[-1]:
            where += f", from {_place(ours[-1])}"
    return f"{response.status_code}{where}"


def _place(frame) -> str:
    path = frame.filename.split("/site-packages/")[-1].split("/work/main/")[-1]
    return f"{path}:{frame.lineno} ({frame.name})"


# Forms ---------------------------------------------------------------------------------------------------------


@dataclass
class Field:
    kind: str  # text, hidden, select, checkbox, radio, file, submit, textarea, date, number, ...
    options: list[str] = field(default_factory=list)
    defaults: list[str] = field(default_factory=list)
    multiple: bool = False


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, Field] = field(default_factory=dict)

    def signature(self) -> tuple:
        """Forms alike in what they send: the same fields, and the same hidden values (like action=merge)."""
        hidden = tuple(
            sorted(
                (n, tuple(f.defaults))
                for n, f in self.fields.items()
                if f.kind == "hidden" and n != "csrfmiddlewaretoken"  # masked anew on every page
            )
        )
        return self.method, route_of(self.action), tuple(sorted(self.fields)), hidden


class FormParser(HTMLParser):
    """The forms of a page: their method, address, and named fields with their options and current values."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: Field | None = None
        self.option: list | None = None  # [value attribute, selected, text]
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            action = urljoin(self.page_url, a["action"]) if a.get("action") else self.page_url
            self.form = Form((a.get("method") or "get").lower(), action)
            self.forms.append(self.form)
        elif self.form is None:
            return
        elif tag == "option" and self.select is not None:
            self.option = [a.get("value") if "value" in a else None, "selected" in a, ""]
        elif not a.get("name"):
            return
        elif tag in ("input", "button"):
            kind = (a.get("type") or ("submit" if tag == "button" else "text")).lower()
            f = self.form.fields.setdefault(a["name"], Field(kind))
            if kind in ("checkbox", "radio", "submit", "image"):
                f.options.append(a.get("value", "on"))
                if "checked" in a:
                    f.defaults.append(a.get("value", "on"))
            elif kind != "file":
                f.defaults.append(a.get("value", ""))
        elif tag == "select":
            self.select = self.form.fields.setdefault(a["name"], Field("select", multiple="multiple" in a))
        elif tag == "textarea":
            self.textarea = a["name"]
            self.form.fields.setdefault(a["name"], Field("textarea")).defaults.append("")

    def handle_data(self, data):
        if self.textarea and self.form is not None:
            self.form.fields[self.textarea].defaults[-1] += data
        elif self.option is not None:
            self.option[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "option" and self.select is not None and self.option is not None:
            value = self.option[0] if self.option[0] is not None else self.option[2].strip()
            self.select.options.append(value)
            if self.option[1]:
                self.select.defaults.append(value)
            self.option = None
        elif tag == "select":
            self.select = None


def forms_in(response, url: str) -> list[Form]:
    if response.status_code != 200 or response.streaming or "html" not in response.get("Content-Type", ""):
        return []
    parser = FormParser(url)
    parser.feed(response.content.decode("utf-8", "replace"))
    return parser.forms


# Malformed input -----------------------------------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for name, content in members.items():
            book.writestr(name, content)
    return out.getvalue()


BAD_FILES = {
    "random bytes as .xlsx": ("x.xlsx", bytes(range(256)) * 8),
    "empty .xlsx": ("empty.xlsx", b""),
    "empty .csv": ("empty.csv", b""),
    # 20 MB of zeros in a 20 kB zip dressed as a workbook
    "zip bomb-ish": (
        "bomb.xlsx",
        _zip({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b"\0" * 20_000_000}),
    ),
    "20,000 columns": ("wide.csv", (",".join(f"c{i}" for i in range(20_000)) + "\n" + "1," * 19_999 + "1\n").encode()),
    "NUL bytes in a csv": ("nul.csv", b"reference,title\nA\x001,\x00\x00\n"),
    "no extension": ("return", b"reference,title\nA1,x\n"),
    "odd name": ("../r\u00e9turn\u202e.xlsx", b"PK\x03\x04"),
}

BAD_TEXT = [
    "",
    " ",
    "a\x00b",
    "x" * 100_000,
    "-1",
    "0",
    HUGE,
    "1e309",
    "NaN",
    "0.1234567",
    "2026-02-30",
    "0000-00-00",
    "31/12/2026",
    "not-a-choice",
    "abc",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "\u202e\U0001f600\u00e9\u4e2d",
    "Robert'); DROP TABLE x;--",
    "%s%n{0}",
]
# How each field is filled: mostly as the page offers it, so the bad values reach the deeper checks.
MODES = ["keep"] * 5 + ["omit", "bad", "bad", "text", "list", "other id"]
EXTRA_NAMES = [
    "action",
    "confirm",
    "token",
    "expected",
    "change",
    "pk",
    "_save",
    "_continue",
    "_selected_action",
    "select_across",
    "decision",
    "threshold",
    "item",
    "other",
    "compare_with",
]


def _value(f: Field, mode: str, draw):
    """One field's value(s) in a mode, or None to leave the field out."""
    if f.kind == "file":
        if mode in ("keep", "omit"):
            return None
        name, content = BAD_FILES[draw(st.sampled_from(sorted(BAD_FILES)), label="file")]
        return SimpleUploadedFile(name, content)
    if mode == "omit":
        return None
    if mode == "keep":
        if f.kind == "checkbox" or (f.kind == "select" and f.multiple):
            return draw(st.lists(st.sampled_from(f.options), unique=True, max_size=3)) if f.options else []
        if f.kind in ("radio", "submit", "image", "select") and f.options:
            return draw(st.sampled_from(f.options))
        return f.defaults[0] if f.defaults else ""
    if mode == "bad":
        return draw(st.sampled_from(BAD_TEXT))
    if mode == "text":
        return draw(st.text(max_size=40))
    if mode == "list":
        return draw(st.lists(st.sampled_from(BAD_TEXT + f.options), min_size=2, max_size=4))
    # an identifier or choice the page did not offer, like another record's id
    return draw(st.sampled_from(["1", "2", HUGE, "-5", "surrey_police", "yes", "no", "on", "all"]))


def form_data(form: Form, draw) -> dict:
    data = {}
    for name, f in form.fields.items():
        value = _value(f, draw(st.sampled_from(MODES), label=name), draw)
        if value is not None:
            data[name] = value
    for name in draw(st.lists(st.sampled_from(EXTRA_NAMES), unique=True, max_size=2), label="extra fields"):
        data.setdefault(name, draw(st.sampled_from(BAD_TEXT), label=name))
    return data


def form_submit(client: Client, form: Form, data: dict):
    if form.method == "post":
        return client.post(form.action, data)
    data = {k: v for k, v in data.items() if not isinstance(v, SimpleUploadedFile)}
    return fetch(client, urlsplit(form.action).path, data)
