"""Full-text search over collaborations: one small interface, SQLite FTS5 or PostgreSQL underneath.

The index holds one row per collaboration that has not been merged into another, drafts and
withdrawn records included: it answers "which records hold these words", and callers decide which
records a reader may see by the queryset they pass to `collaboration_search` (the explorer passes
published ones only). Each row is the record's text in six parts, weighted when ranking:

    title 10, description (with the reason for its status) 4, outcomes 2, lessons 2, evidence 2
    (titles and summaries of the evidence items linked to it), benefits 1

On PostgreSQL the parts become one `tsvector` with weights A (title), B (description), C (outcomes,
lessons, evidence) and D (benefits), ranked by `ts_rank`; on SQLite an FTS5 table ranked by `bm25`.
The services that write records keep the index current by calling `search_index_update` with the
ids they touched; bulk loaders call `search_index_rebuild` (also `bluelight search rebuild`).

What a reader types is never handed to the engine: it is read as words (AND-ed), "quoted phrases"
and OR between them, each word reduced to letters and digits, and the last unquoted word also
matches as a prefix ("stat" finds "station"), so no input can be a syntax error.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Case, F, FloatField, Lookup, Q, QuerySet, Value, When
from django.db.models.expressions import Expression
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from bluelight.collaborations.models import (
    Benefit,
    Collaboration,
    EvidenceItem,
    Outcome,
    SearchEntry,
)
from bluelight.organisations.models import Organisation
from bluelight.organisations.resolution import resolve

# bm25 weights in the FTS5 table's column order: title, description, outcomes, lessons, benefits, evidence.
SQLITE_WEIGHTS = (10.0, 4.0, 2.0, 2.0, 1.0, 2.0)
MAX_QUERY_CHARS = 500  # longer input is cut here before it is read
MAX_TERMS = 20  # words and phrases a query may hold; the rest are ignored
_CHUNK = 500  # ids per statement when re-indexing

_TABLE = SearchEntry._meta.db_table
_WORD = re.compile(r"[^\W_]+")  # letters and digits: what both engines' tokenizers keep
_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')


# Reading a query ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One word or quoted phrase of a query, as lower-case words; `prefix`: the last word may be longer."""

    words: tuple[str, ...]
    prefix: bool = False


def query_parse(query: str) -> list[list[Term]]:
    """Read `query` as alternatives separated by OR, each a list of terms that must all match.

    Empty when it holds no letters or digits (only punctuation, say): such a query matches nothing.
    """
    groups: list[list[Term]] = [[]]
    count = 0
    last_bare = None  # (group, position) of the last unquoted term: it becomes a prefix
    for quoted, bare in _TOKEN.findall(str(query)[:MAX_QUERY_CHARS]):
        if bare == "OR":
            if groups[-1]:
                groups.append([])
            continue
        words = tuple(w.casefold() for w in _WORD.findall(quoted or bare))
        if not words or count >= MAX_TERMS:
            continue
        count += 1
        groups[-1].append(Term(words))
        last_bare = (len(groups) - 1, len(groups[-1]) - 1) if bare else None
    if last_bare:
        group, position = last_bare
        groups[group][position] = Term(groups[group][position].words, prefix=True)
    return [group for group in groups if group]


def fts5_query(groups: list[list[Term]]) -> str:
    """The FTS5 MATCH string: each term a quoted string (only letters and digits inside), so never syntax."""

    def term(t: Term) -> str:
        return '"' + " ".join(t.words) + '"' + ("*" if t.prefix else "")

    return " OR ".join("(" + " AND ".join(map(term, group)) + ")" for group in groups)


def tsquery(groups: list[list[Term]]) -> str:
    """The `to_tsquery('english', ...)` string: words in quotes, phrases with <->, the prefix with :*."""

    def term(t: Term) -> str:
        phrase = " <-> ".join(f"'{w}'" for w in t.words)
        if t.prefix:
            phrase += ":*"
        return f"({phrase})"

    return " | ".join("(" + " & ".join(map(term, group)) + ")" for group in groups)


# Querying ---------------------------------------------------------------------------------------


class _Matches(Lookup):
    """The record's index row matches the query (rhs: the parsed groups). Not registered on any field."""

    lookup_name = "search_matches"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        if connection.vendor == "sqlite":
            # FTS5's hidden column named after the table, qualified by the join's alias.
            alias = compiler.quote_name_unless_alias(self.lhs.alias)
            return f"{alias}.{connection.ops.quote_name(_TABLE)} MATCH %s", [fts5_query(self.rhs)]
        lhs_sql, lhs_params = compiler.compile(self.lhs)
        return f"{lhs_sql} @@ to_tsquery('english', %s)", [*lhs_params, tsquery(self.rhs)]


class _Rank(Expression):
    """How well the record matches: higher is better."""

    output_field = FloatField()

    def __init__(self, groups, document: str = "search_entry__document"):
        super().__init__()
        self.groups = groups
        self.document = F(document)

    def get_source_expressions(self):
        return [self.document]

    def set_source_expressions(self, exprs):
        (self.document,) = exprs

    def as_sql(self, compiler, connection):
        if connection.vendor == "sqlite":
            alias = compiler.quote_name_unless_alias(self.document.alias)
            weights = ", ".join(map(str, SQLITE_WEIGHTS))
            return f"-bm25({alias}.{connection.ops.quote_name(_TABLE)}, {weights})", []
        sql, params = compiler.compile(self.document)
        return f"ts_rank({sql}, to_tsquery('english', %s))", [*params, tsquery(self.groups)]


def collaboration_search(queryset: QuerySet, query: str, *, also: Q | None = None) -> QuerySet:
    """`queryset` narrowed to records matching `query`, each annotated with `search_rank` (higher is better).

    Order it yourself: `.order_by("-search_rank")`. A query without letters or digits matches nothing.
    With `also`, the records it picks are found too (a partner named in the query, say); those the
    text does not match have a `search_rank` of None (order with nulls last).
    """
    groups = query_parse(query)
    no_rank = Value(None, output_field=FloatField())
    if not groups:
        found = queryset.filter(also) if also is not None else queryset.none()
        return found.annotate(search_rank=no_rank)
    if connection.vendor not in ("sqlite", "postgresql"):
        return _search_without_index(queryset, groups, also)
    if also is None:
        return (
            queryset.filter(search_entry__isnull=False)  # an inner join: FTS5's MATCH refuses an outer one
            .filter(_Matches(F("search_entry__document"), groups))
            .annotate(search_rank=_Rank(groups))
        )
    # An OR with other conditions: the matches as one uncorrelated subquery, which the database runs
    # once. A rank looked up row by row ran the full-text query once per record (15 s at 100,000 on
    # SQLite), so here every text match ranks alike, ahead of the records only `also` picks.
    matched = SearchEntry.objects.filter(_Matches(F("document"), groups)).values("collaboration_id")
    return queryset.filter(Q(pk__in=matched) | also).annotate(
        search_rank=Case(When(pk__in=matched, then=Value(1.0)), default=no_rank, output_field=FloatField())
    )


def _search_without_index(queryset: QuerySet, groups, also: Q | None) -> QuerySet:
    """Any other database: every word in the title or description, unranked. Slow, but correct enough."""
    match = also if also is not None else Q(pk__in=[])
    for group in groups:
        every = Q()
        for term in group:
            text = " ".join(term.words)
            every &= Q(title__icontains=text) | Q(description__icontains=text)
        match |= every
    return queryset.filter(match).annotate(search_rank=Value(0.0, output_field=FloatField()))


# Keeping the index ------------------------------------------------------------------------------


def _document_select(vendor: str, where: str) -> str:
    """INSERT ... SELECT of the index rows of the collaborations `where` picks (never merged ones)."""
    c, o, b = Collaboration._meta.db_table, Outcome._meta.db_table, Benefit._meta.db_table
    e, link = EvidenceItem._meta.db_table, EvidenceItem.collaborations.through._meta.db_table
    agg = "group_concat({}, ' ')" if vendor == "sqlite" else "string_agg({}, ' ')"
    outcomes = f"(SELECT {agg.format('o.description')} FROM {o} o WHERE o.collaboration_id = c.id)"  # noqa: S608 - table names from the models
    benefits = f"(SELECT {agg.format('b.description')} FROM {b} b WHERE b.collaboration_id = c.id)"  # noqa: S608
    evidence_text = "e.title || ' ' || e.summary"
    evidence = (
        f"(SELECT {agg.format(evidence_text)}"  # noqa: S608
        f" FROM {link} l JOIN {e} e ON e.id = l.evidenceitem_id WHERE l.collaboration_id = c.id)"
    )
    description = "c.description || ' ' || c.status_reason"
    if vendor == "sqlite":
        columns = f"c.title, {description}, {outcomes}, c.lessons, {benefits}, {evidence}"
        into = "rowid, title, description, outcomes, lessons, benefits, evidence"
    else:

        def part(sql: str, weight: str) -> str:
            return f"setweight(to_tsvector('english', coalesce({sql}, '')), '{weight}')"

        columns = " || ".join(
            [
                part("c.title", "A"),
                part(description, "B"),
                part(f"coalesce({outcomes}, '') || ' ' || c.lessons || ' ' || coalesce({evidence}, '')", "C"),
                part(benefits, "D"),
            ]
        )
        into = "rowid, document"
    return f"INSERT INTO {_TABLE} ({into}) SELECT c.id, {columns} FROM {c} c WHERE c.merged_into_id IS NULL{where}"  # noqa: S608


def search_index_update(collaboration_ids: Iterable[int]) -> None:
    """Re-index these records: their rows are written again from the database, or removed if gone or merged.

    Services call it with the records they wrote, inside their transaction, so search never
    disagrees with what is stored. One record's rows: cheap.
    """
    vendor = connection.vendor
    ids = sorted({int(pk) for pk in collaboration_ids if pk is not None})
    if vendor not in ("sqlite", "postgresql") or not ids:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {_TABLE} WHERE rowid IN ({marks})", chunk)  # noqa: S608
            cursor.execute(_document_select(vendor, f" AND c.id IN ({marks})"), chunk)


def search_index_rebuild() -> int:
    """Build the whole index again from the records; returns how many records it holds.

    For after a bulk load or a restore, which write rows without the services.
    """
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_TABLE}")  # noqa: S608
        cursor.execute(_document_select(vendor, ""))
        if vendor == "sqlite":
            cursor.execute(f"INSERT INTO {_TABLE}({_TABLE}) VALUES ('optimize')")  # noqa: S608
            # Without statistics SQLite guesses a filter such as publication='published' picks a few
            # rows, loops over them and runs the full-text query once per row: seconds at 100,000
            # records, against 30 ms the other way round. ANALYZE tells it (half a second).
            cursor.execute(f"ANALYZE {Collaboration._meta.db_table}")
        cursor.execute(f"SELECT count(*) FROM {_TABLE}")  # noqa: S608
        return cursor.fetchone()[0]


# Showing results --------------------------------------------------------------------------------


def search_highlight(text: str, query: str, *, length: int = 240) -> SafeString:
    """An escaped snippet of `text` of about `length` characters around the first match, words marked.

    Words of the query are marked with <mark> where a word of the text starts with them ("stat"
    marks "station", as stemming and the prefix search would find it). Without a match the
    snippet is the start of the text.
    """
    text = str(text or "")
    words = {w for group in query_parse(query) for term in group for w in term.words}
    pattern = None
    if words:
        alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        pattern = re.compile(rf"\b(?:{alternatives})\w*", re.IGNORECASE)
    start, end = 0, len(text)
    if len(text) > length:
        first = pattern.search(text) if pattern else None
        if first and first.start() > length // 3:
            start = text.find(" ", first.start() - length // 3) + 1 or first.start()
            start = min(start, first.start())
        end = start + length
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > start else end
    snippet = text[start:end]
    parts = ["…" if start > 0 else ""]
    position = 0
    for match in pattern.finditer(snippet) if pattern else ():
        parts += [escape(snippet[position : match.start()]), "<mark>", escape(match.group()), "</mark>"]
        position = match.end()
    parts += [escape(snippet[position:]), "…" if end < len(text) else ""]
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above


# Organisations ----------------------------------------------------------------------------------


def search_organisations(text: str) -> list[Organisation]:
    """The register organisations a typed name stands for, best first (empty when none is near).

    Uses the register's name resolution (aliases, codes, typos): the one match, or when the
    name is ambiguous or only close, the candidates it offers.
    """
    text = " ".join(str(text).replace("\x00", " ").split())[:200]
    if not text:
        return []
    result = resolve(text)
    if result.match is not None:
        return [result.match]
    return [candidate.organisation for candidate in result.alternatives]
