"""Load the demo world into the database: demo collaborations, evidence and users, and scale data."""

import datetime
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import islice
from random import Random

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import connection, reset_queries, transaction
from django.utils import timezone

from bluelight.accounts.models import Role, User
from bluelight.collaborations import rules
from bluelight.collaborations.models import (
    Benefit,
    Collaboration,
    EvidenceItem,
    Outcome,
    Partner,
    Provenance,
    SourceKind,
    Theme,
)
from bluelight.collaborations.search import search_index_rebuild
from bluelight.collaborations.services import collaboration_create, services_of, taxonomy_load
from bluelight.demo.duty import demo_duty_load
from bluelight.demo.priorities import demo_priorities_load
from bluelight.demo.research import demo_research_load
from bluelight.demo.world import (
    DEMO_COUNT,
    DEMO_SEED,
    DemoCollaboration,
    collaborations_generate,
    world_build,
)
from bluelight.organisations.models import Organisation
from bluelight.organisations.services import register_load

# Demo only: printed by `bluelight demo` so people can try each role. Never reuse it for real users.
DEMO_PASSWORD = "demo-password-1"  # noqa: S105
# A fixed salt for the demo users only: their password is public anyway, and one hash then tells
# whether any demo user still has it (a slow hasher runs once, not once per user). Long enough
# that Django's salt-entropy check does not re-hash it with a random salt at the first login.
DEMO_SALT = "bluelightdemousersonlypublicpassword"
DEMO_LABEL = "Demo world"
SCALE_LABEL = "Synthetic scale data"


class DemoError(Exception):
    """The demo world cannot be loaded; `problems` lists every reason."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    organisations: tuple[str, ...] = ()


DEMO_USERS = (
    DemoUser("admin", Role.ADMIN),
    DemoUser("analyst", Role.ANALYST),
    DemoUser("editor.surrey", Role.EDITOR, ("surrey_police", "surrey_frs")),
    DemoUser("editor.kent", Role.EDITOR, ("kent_police", "kent_frs")),
)


@dataclass
class ScaleSummary:
    seed: int
    requested: int
    created: int = 0
    existing: int = 0
    history: bool = True
    seconds: float = 0.0

    def __str__(self) -> str:
        return (
            f"Scale data: {self.created} synthetic collaborations created, {self.existing} already there "
            f"(seed {self.seed}, {self.seconds:.1f} s)."
        )


@dataclass
class DemoSummary:
    seed: int
    already_loaded: bool = False
    reference_data_loaded: bool = False
    collaborations: int = 0
    published: int = 0
    draft: int = 0
    evidence: int = 0
    users_created: list[str] = field(default_factory=list)
    editions: list[str] = field(default_factory=list)
    scale: ScaleSummary | None = None

    def __str__(self) -> str:
        if self.already_loaded:
            line = "Demo world already loaded: no demo collaborations created."
        else:
            line = (
                f"Demo world loaded (seed {self.seed}): {self.collaborations} collaborations "
                f"({self.published} published, {self.draft} draft), {self.evidence} evidence items."
            )
        line += f" Demo users created: {len(self.users_created)}."
        if self.editions:
            line += f" Editions published: {', '.join(self.editions)}."
        return f"{line} {self.scale}" if self.scale else line

    def as_dict(self) -> dict:
        data = asdict(self)
        data["logins"] = [
            {"username": u, "role": r, "password": p} for u, r, p in demo_users_credentials() if u in self.users_created
        ]
        return data


def demo_users_credentials() -> list[tuple[str, str, str]]:
    """(username, role, password) of every demo user, for printing after a demo load."""
    return [(u.username, str(u.role), DEMO_PASSWORD) for u in DEMO_USERS]


def demo_login_lines(*, usernames: list[str] | None = None) -> list[str]:
    """How to sign in as the demo users, for printing; no lines if there is nobody to sign in as.

    Without `usernames`, lists the demo users that exist and still have the demo password (so
    `bluelight run` never prints a password an admin has since changed).
    """
    if usernames is None:
        users = User.objects.filter(username__in=[u.username for u in DEMO_USERS], is_active=True)
        demo_hash = make_password(DEMO_PASSWORD, salt=DEMO_SALT)
        usernames = [user.username for user in users if user.password == demo_hash]
    rows = [row for row in demo_users_credentials() if row[0] in usernames]
    if not rows:
        return []
    return ["Demo logins (demo data only; never use these passwords anywhere else):"] + [
        f"  {username:<15} {role:<8} {password}" for username, role, password in rows
    ]


def _reference_data_ensure() -> bool:
    """Load the register and taxonomy into an empty database, so `bluelight demo` works on its own."""
    loaded = False
    if not Organisation.objects.filter(in_register=True).exists():
        register_load()
        loaded = True
    if not Theme.objects.exists():
        taxonomy_load()
        loaded = True
    return loaded


def _references_check(items: Iterable[DemoCollaboration], organisations: dict, themes: dict) -> None:
    problems = set()
    for item in items:
        for slug in [p.organisation for p in item.partners]:
            if slug not in organisations:
                problems.add(f"Organisation {slug!r} is missing from the register: run the register load.")
        for code in [item.primary_theme, *item.secondary_themes]:
            if code not in themes:
                problems.add(f"Theme {code!r} is missing from the taxonomy: run the taxonomy load.")
    if problems:
        raise DemoError(sorted(problems))


def collaboration_data_from_demo(
    *, item: DemoCollaboration, organisations: dict[str, Organisation], themes: dict[str, Theme]
) -> rules.CollaborationData:
    """A generated collaboration as the plain data every rule and `collaboration_create` take."""
    return rules.CollaborationData(
        title=item.title,
        description=item.description,
        status=item.status,
        status_reason=item.status_reason,
        scope=item.scope,
        primary_theme=themes[item.primary_theme],
        secondary_themes=[themes[c] for c in item.secondary_themes],
        start_date=item.start_date,
        start_precision=item.start_precision,
        end_date=item.end_date,
        end_precision=item.end_precision,
        lessons=item.lessons,
        publication=item.publication,
        partners=[rules.PartnerData(organisations[p.organisation], p.is_lead, p.role) for p in item.partners],
        benefits=[
            rules.BenefitData(
                kind=b.kind,
                amount_gbp=b.amount_gbp,
                basis=b.basis,
                price_year=b.price_year,
                accrues_to=organisations[b.accrues_to] if b.accrues_to else None,
                to_date=b.to_date,
                description=b.description,
            )
            for b in item.benefits
        ],
        outcomes=[rules.OutcomeData(o.description, o.measure, o.value) for o in item.outcomes],
        contacts=[rules.ContactData(c.name, c.email, organisations.get(c.organisation), c.role) for c in item.contacts],
    )


def _demo_label(seed: int, key: str) -> str:
    return f"{DEMO_LABEL} (seed {seed}), {key}"


def demo_keys() -> dict[str, int]:
    """Each demo collaboration's generator key -> its record id, to pair records with their timeline."""
    rows = Provenance.objects.filter(kind=SourceKind.DEMO, label__startswith=f"{DEMO_LABEL} (").values_list(
        "label", "collaboration_id"
    )
    return {label.rsplit(", ", 1)[-1]: pk for label, pk in rows}


def _users_ensure() -> list[str]:
    """Create the demo users that do not exist yet; existing accounts are left as they are."""
    created = []
    demo_hash = make_password(DEMO_PASSWORD, salt=DEMO_SALT)
    existing = set(
        User.objects.filter(username__in=[u.username for u in DEMO_USERS]).values_list("username", flat=True)
    )
    for spec in DEMO_USERS:
        if spec.username in existing:
            continue
        user = User(
            username=spec.username,
            email=f"{spec.username}@example.org",
            role=spec.role,
            is_staff=True,
            is_superuser=spec.role == Role.ADMIN,
            first_name="Demo",
            last_name=str(Role(spec.role).label),
        )
        user.password = demo_hash
        user.full_clean()
        user.save()
        user.organisations.set(Organisation.objects.filter(slug__in=spec.organisations))
        created.append(spec.username)
    return created


@transaction.atomic
def demo_load(*, seed: int = DEMO_SEED, count: int = DEMO_COUNT) -> DemoSummary:
    """Load the demo world once: collaborations (through every rule), evidence and demo users.

    Running it again creates nothing: if any demo-world collaboration exists it says so and only
    adds demo users that are missing. Loads the register and taxonomy first into an empty database.
    """
    summary = DemoSummary(seed=seed, reference_data_loaded=_reference_data_ensure())
    summary.already_loaded = Provenance.objects.filter(
        kind=SourceKind.DEMO, label__startswith=f"{DEMO_LABEL} ("
    ).exists()
    if not summary.already_loaded:
        world = world_build(seed=seed, count=count)
        organisations = {o.slug: o for o in Organisation.objects.all()}
        themes = {t.code: t for t in Theme.objects.all()}
        _references_check(world.collaborations, organisations, themes)
        records = {}
        for item in world.collaborations:
            records[item.key] = collaboration_create(
                data=collaboration_data_from_demo(item=item, organisations=organisations, themes=themes),
                source_kind=SourceKind.DEMO,
                source_label=_demo_label(seed, item.key),
                reported_by=organisations[item.lead],
                is_demo=True,
            )
            # When the world first heard of it: what a later "state at a date" edition starts from.
            Provenance.objects.filter(collaboration=records[item.key]).update(reported_on=item.first_known)
            summary.collaborations += 1
            summary.published += item.publication == "published"
            summary.draft += item.publication == "draft"
        for spec in world.evidence:
            evidence = EvidenceItem(
                title=spec.title,
                kind=spec.kind,
                url=spec.url,
                author=spec.author,
                year=spec.year,
                summary=spec.summary,
                strength=spec.strength,
                is_demo=True,
            )
            evidence.full_clean()
            evidence.save()
            evidence.collaborations.set([records[key] for key in spec.collaborations])
            evidence.themes.set([themes[code] for code in spec.themes])
            summary.evidence += 1
        search_index_rebuild()  # the evidence items above were saved without a service
    summary.users_created = _users_ensure()
    demo_round_load(seed=seed)  # once: it is looked up by name
    from bluelight.demo.editions import demo_editions_load  # it reads this module's demo keys

    summary.editions = [e.name for e in demo_editions_load(seed=seed)]
    # What the working group and a service record about the data, each loaded once, through the services.
    demo_priorities_load()
    demo_research_load()
    demo_duty_load()
    return summary


DEMO_ROUND = "Autumn 2026 call for examples (demo)"


def demo_round_load(*, seed: int = DEMO_SEED, today: datetime.date | None = None) -> None:
    """An open demo round, three weeks in, with returns in every state, so the dashboard has a story.

    Dates follow the day it is loaded (the round is open "now"); who answered is seeded. No e-mail is
    sent for the demo round.
    """
    from bluelight.returns import services as returns_services
    from bluelight.returns.models import Return, ReturnState, Round

    if Round.objects.filter(name=DEMO_ROUND).exists():
        return
    today = today or timezone.localdate()
    round_ = returns_services.round_open(
        name=DEMO_ROUND,
        opens_on=today - datetime.timedelta(days=21),
        closes_on=today + datetime.timedelta(days=14),
        guidance="Tell us about every collaboration with other emergency services, including planned ones.",
        notify=False,
    )
    random = Random(seed)
    organisations = [r.organisation for r in round_.requests.select_related("organisation")]
    random.shuffle(organisations)
    fixed = {
        "surrey_police": ReturnState.SUBMITTED,
        "surrey_frs": ReturnState.RETURNED,
        "kent_frs": ReturnState.DRAFT,
        "kent_police": ReturnState.ACCEPTED,
    }
    answered = [o for o in organisations if o.slug not in fixed][: len(organisations) // 2]
    drafts = [o for o in organisations if o.slug not in fixed and o not in answered][:10]
    plan = {o.slug: random.choice([ReturnState.SUBMITTED, ReturnState.ACCEPTED]) for o in answered}
    plan.update({o.slug: ReturnState.DRAFT for o in drafts})
    plan.update(fixed)
    by_slug = {o.slug: o for o in organisations}
    for slug, state in plan.items():
        return_obj = returns_services.return_start(round_=round_, organisation=by_slug[slug])
        if state == ReturnState.DRAFT:
            continue
        submitted = timezone.make_aware(
            datetime.datetime.combine(today - datetime.timedelta(days=random.randint(1, 20)), datetime.time(10))
        )
        Return.objects.filter(pk=return_obj.pk).update(
            state=state,
            submitted_at=submitted,
            accepted_at=submitted + datetime.timedelta(days=1) if state == ReturnState.ACCEPTED else None,
            analyst_comment="Please add the savings basis and the price year to the shared workshop."
            if state == ReturnState.RETURNED
            else "",
        )


def _batches(items: Iterator, size: int) -> Iterator[list]:
    while batch := list(islice(items, size)):
        yield batch


class _Insert:
    """INSERT many rows of one model at once, skipping the ORM's work on every value.

    `columns` are given per row, already in a form the database driver takes (str, int, bool,
    date, Decimal, None). Every other column gets its default once per batch, or `now` for
    auto_now fields, so a field added later with a default does not break the loader.

    SQLite gets executemany: one prepared statement run in a C loop, the fastest way in. On
    PostgreSQL executemany is a round trip per row and big multi-row VALUES spend their time in
    the driver's query parsing, so rows are streamed with COPY instead.
    """

    def __init__(self, model, columns: list[str], now):
        meta = model._meta
        given = [meta.get_field(name) for name in columns]
        rest = [f for f in meta.concrete_fields if f not in given and not f.primary_key]
        self.fill = tuple(
            f.get_db_prep_save(
                now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default(),
                connection,
            )
            for f in rest
        )
        quote = connection.ops.quote_name
        table = quote(meta.db_table)
        names = ", ".join(quote(f.column) for f in [*given, *rest])
        marks = ", ".join(["%s"] * (len(given) + len(rest)))
        # Identifiers come from model metadata, values are parameters: nothing user-supplied.
        self.insert_sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
        self.copy_sql = f"COPY {table} ({names}) FROM STDIN"

    def run(self, cursor, rows: list[tuple]) -> None:
        if not rows:
            return
        fill = self.fill
        if connection.vendor == "postgresql":
            with cursor.copy(self.copy_sql) as copy:
                for row in rows:
                    copy.write_row(row + fill)
        else:
            cursor.executemany(self.insert_sql, [row + fill for row in rows])


def _history_copy(cursor, model, key: str, ids: list[int], now) -> None:
    """Write the "created" history version of rows just inserted, by copying them inside the database.

    Same rows as simple_history's bulk history would write (history_type "+", no user), without
    building a Python object per row.
    """
    history = model.history.model
    quote = connection.ops.quote_name
    columns, selected, params = [], [], []
    extra = {
        "history_date": connection.ops.adapt_datetimefield_value(now),
        "history_change_reason": "Synthetic scale data",
        "history_type": "+",
        "history_user": None,
    }
    for f in history._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(quote(f.column))
        if f.name in extra:
            selected.append("%s")
            params.append(extra[f.name])
        else:
            selected.append(quote(model._meta.get_field(f.name).column))
    marks = ", ".join(["%s"] * len(ids))
    cursor.execute(
        f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608 (metadata only)
        f"SELECT {', '.join(selected)} FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(model._meta.get_field(key).column)} IN ({marks})",
        [*params, *ids],
    )


def _secondary_history_copy(cursor, ids: list[int]) -> None:
    """The secondary themes of each new collaboration's "created" version (simple_history's m2m history)."""
    if not ids:
        return
    quote = connection.ops.quote_name
    m2m_history = apps.get_model("collaborations", "HistoricalCollaboration_secondary_themes")._meta
    through = Collaboration.secondary_themes.through._meta
    versions = Collaboration.history.model._meta

    def column(meta, name: str) -> str:
        return quote(meta.get_field(name).column)

    targets = ", ".join(column(m2m_history, name) for name in ("id", "collaboration", "theme", "history"))
    link = column(through, "collaboration")
    marks = ", ".join(["%s"] * len(ids))
    cursor.execute(
        f"INSERT INTO {quote(m2m_history.db_table)} ({targets}) "  # noqa: S608 (metadata only)
        f"SELECT t.{column(through, 'id')}, t.{link}, t.{column(through, 'theme')}, "
        f"h.{column(versions, 'history_id')} "
        f"FROM {quote(through.db_table)} t JOIN {quote(versions.db_table)} h "
        f"ON h.{column(versions, 'id')} = t.{link} AND h.{column(versions, 'history_type')} = '+' "
        f"WHERE t.{link} IN ({marks})",
        ids,
    )


def demo_scale_load(*, n: int, seed: int = DEMO_SEED, batch_size: int = 2000, history: bool = True) -> ScaleSummary:
    """Make sure `n` synthetic collaborations of this seed exist, written fast in batches.

    Records stream from the same generator as the demo world (on their own stream), `batch_size`
    at a time, so memory stays flat whatever `n` is. Each batch is one transaction: the
    collaborations, their partners, secondary themes, benefits, outcomes and provenance (no
    contacts: nobody needs 100,000 fictional people). There is no full_clean per row: the
    generator only makes valid data (at least two partners, one lead, end not before start, no
    negative money), the tests check its output against every rule, and the database
    constraints still stand guard. `services` is computed with `services_of`, as on every record.
    Running it again tops up to `n`: records are counted by their provenance label and
    generation resumes at the next index.

    Speed: the ORM's bulk_create spends most of its time preparing each value of each row in
    Python, and 100,000 collaborations are about 850,000 rows (1.7 million with history). So rows
    go in already in driver form: executemany on SQLite, COPY on PostgreSQL (see `_Insert`).

    History: every synthetic row gets its "created" version, as simple_history writes it, so
    history-reading features (audit pages, "changed since") meet realistic volumes and a
    synthetic record looks like any other. The versions are copied inside the database with
    INSERT ... SELECT (`_history_copy`) rather than built as Python objects by
    bulk_create_with_history. Measured on SQLite on the development machine:

        ORM bulk_create + bulk_create_with_history   39 s per 20,000  (about 195 s per 100,000)
        ORM bulk_create, no history                  17 s per 20,000  (about 85 s per 100,000)
        this loader, with history                    59 s per 100,000 (12 s of it the generator)
        this loader, no history                      49 s per 100,000

    Peak memory was 65-75 MiB in every case. With simple_history's bulk helper, history more than
    doubles the time and breaks the 2-minute target; copied in the database it costs about a
    fifth, so it stays on. `history=False` remains for experiments.
    """
    if n < 0:
        raise DemoError([f"The number of synthetic collaborations must be 0 or more, not {n}."])
    if not 1 <= batch_size <= 10_000:
        # Each batch's ids go into IN (...) lists: SQLite allows 32,766 parameters a statement.
        raise DemoError([f"The batch size must be between 1 and 10,000, not {batch_size}."])
    started = time.perf_counter()
    _reference_data_ensure()
    label = f"{SCALE_LABEL} (seed {seed})"
    summary = ScaleSummary(seed=seed, requested=n, history=history)
    summary.existing = Provenance.objects.filter(kind=SourceKind.DEMO, label=label).count()
    wanted = max(0, n - summary.existing)
    if wanted:
        organisations = {o.slug: o for o in Organisation.objects.only("id", "slug", "type")}
        themes = dict(Theme.objects.values_list("code", "id"))
        writer = _ScaleWriter(organisations, themes, label, history)
        items = collaborations_generate(seed=seed, count=wanted, start=summary.existing, stream="scale")
        for batch in _batches(items, batch_size):
            if not summary.created:
                # Every batch draws on the same register and taxonomy: checking the first is enough.
                _references_check(batch, organisations, themes)
            with transaction.atomic():
                writer.write(batch)
            summary.created += len(batch)
            # With DEBUG on, Django keeps every query's SQL; bulk inserts would fill memory.
            reset_queries()
        search_index_rebuild()  # the rows went in without the services that index them
    summary.seconds = round(time.perf_counter() - started, 2)
    return summary


class _ScaleWriter:
    """Writes batches of generated collaborations and everything that hangs off them."""

    def __init__(self, organisations: dict, themes: dict, label: str, history: bool):
        self.org_ids = {slug: o.pk for slug, o in organisations.items()}
        self.services = {}
        self.organisations = organisations
        self.themes = themes
        self.label = label
        self.history = history
        self.native_uuid = connection.features.has_native_uuid_field

    def _services(self, item: DemoCollaboration) -> str:
        key = tuple(p.organisation for p in item.partners)
        if key not in self.services:
            self.services[key] = services_of(self.organisations[slug] for slug in key)
        return self.services[key]

    def write(self, batch: list[DemoCollaboration]) -> None:
        now = timezone.now()
        org, theme = self.org_ids, self.themes
        uids = [uuid.uuid4() for _ in batch]
        # What UUIDField.get_db_prep_value does: SQLite keeps the 32 hex digits, PostgreSQL a uuid.
        uid_values = uids if self.native_uuid else [u.hex for u in uids]
        collaboration = _Insert(
            Collaboration,
            [
                "uid", "title", "description", "status", "status_reason", "scope", "primary_theme",
                "start_date", "start_precision", "end_date", "end_precision", "services", "lessons",
                "publication", "is_demo",
            ],
            now,
        )  # fmt: skip
        fields = Provenance._meta.get_field("fields").get_db_prep_save(["*"], connection)
        with connection.cursor() as cursor:
            collaboration.run(
                cursor,
                [
                    (
                        uid, i.title, i.description, i.status, i.status_reason, i.scope, theme[i.primary_theme],
                        i.start_date, i.start_precision, i.end_date, i.end_precision, self._services(i),
                        i.lessons, i.publication, True,
                    )
                    for uid, i in zip(uid_values, batch, strict=True)
                ],
            )  # fmt: skip
            found = dict(Collaboration.objects.filter(uid__in=uids).values_list("uid", "id"))
            ids = [found[uid] for uid in uids]
            pairs = list(zip(batch, ids, strict=True))

            _Insert(Collaboration.secondary_themes.through, ["collaboration", "theme"], now).run(
                cursor, [(pk, theme[code]) for i, pk in pairs for code in i.secondary_themes]
            )
            _Insert(Partner, ["collaboration", "organisation", "is_lead", "role"], now).run(
                cursor, [(pk, org[p.organisation], p.is_lead, p.role) for i, pk in pairs for p in i.partners]
            )
            _Insert(
                Benefit,
                ["collaboration", "kind", "amount_gbp", "basis", "price_year", "to_date", "accrues_to", "description"],
                now,
            ).run(
                cursor,
                [
                    (pk, b.kind, b.amount_gbp, b.basis, b.price_year, b.to_date,
                     org[b.accrues_to] if b.accrues_to else None, b.description)
                    for i, pk in pairs
                    for b in i.benefits
                ],
            )  # fmt: skip
            _Insert(Outcome, ["collaboration", "description", "measure", "value"], now).run(
                cursor, [(pk, o.description, o.measure, o.value) for i, pk in pairs for o in i.outcomes]
            )
            _Insert(Provenance, ["collaboration", "kind", "label", "reported_by", "reported_on", "fields"], now).run(
                cursor,
                [(pk, SourceKind.DEMO.value, self.label, org[i.lead], i.first_known, fields) for i, pk in pairs],
            )
            if self.history:
                _history_copy(cursor, Collaboration, "id", ids, now)
                _secondary_history_copy(cursor, [pk for i, pk in pairs if i.secondary_themes])
                for model in (Partner, Benefit, Outcome):
                    _history_copy(cursor, model, "collaboration", ids, now)
