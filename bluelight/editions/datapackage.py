"""An edition as a Frictionless data package: `datapackage.json` describing five tables, and each table as CSV.

Everything comes from what the edition froze (its entries and its context, ADR 0004), so the package of an
edition never changes, except sub-themes' names, which editions do not freeze: they are today's.
Tables: collaborations (one an entry), partners, themes, organisations and benefits; keys join them.
CSV cells pass through `cell_safe` like every file the site writes, and start with a byte order mark so
Excel reads UTF-8 (Frictionless readers skip it).
"""

import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from bluelight.collaborations.models import Basis, BenefitKind, Scope, Status, Theme
from bluelight.core.spreadsheets import csv_writer
from bluelight.editions.models import Edition
from bluelight.editions.selectors import edition_context
from bluelight.organisations.models import OrganisationType

BOM = "\ufeff"
VERSION = 1  # of the package's layout: part of its ETag, so a change to the tables reaches every client
ENTRY_BATCH = 1000


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str
    required: bool = False
    format: str = ""

    def descriptor(self) -> dict:
        found = {"name": self.name, "type": self.type, "description": self.description}
        if self.format:
            found["format"] = self.format
        if self.required:
            found["constraints"] = {"required": True}
        return found


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    fields: list[Field]
    primary_key: list[str]
    foreign_keys: list[tuple[str, str, str]]  # (field, resource, field there)

    @property
    def path(self) -> str:
        return f"data/{self.name}.csv"

    @property
    def header(self) -> list[str]:
        return [f.name for f in self.fields]

    def descriptor(self) -> dict:
        return {
            "name": self.name,
            "path": self.path,
            "profile": "tabular-data-resource",
            "title": self.title,
            "description": self.description,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {
                "fields": [f.descriptor() for f in self.fields],
                "primaryKey": self.primary_key,
                "foreignKeys": [
                    {"fields": field, "reference": {"resource": resource, "fields": there}}
                    for field, resource, there in self.foreign_keys
                ],
                "missingValues": [""],
            },
        }


UID = "The collaboration's stable identifier, the same in every edition"
TABLES = [
    Table(
        "collaborations",
        "Collaborations",
        "One row a collaboration, as it stood when the edition was published.",
        [
            Field("uid", "string", UID, required=True, format="uuid"),
            Field("record_id", "integer", "Its record number on the site when the edition was published"),
            Field("title", "string", "Title", required=True),
            Field("description", "string", "What it is"),
            Field("status", "string", "Status code: " + ", ".join(Status.values)),
            Field("status_label", "string", "Status in words"),
            Field("scope", "string", "Scope code: " + ", ".join(Scope.values)),
            Field("scope_label", "string", "Scope in words"),
            Field("start", "string", "When it started, as precisely as reported (a year, month or day)"),
            Field("end", "string", "When it ended, as precisely as reported"),
            Field("primary_theme", "string", "Code of its main theme (see themes)"),
            Field("top_theme", "string", "Code of the top-level theme its main theme belongs to"),
            Field("secondary_themes", "string", "Codes of its other themes, separated by '; '"),
            Field("services", "string", "Services involved, separated by commas (police, fire, ambulance, wider)"),
            Field("regions", "string", "Regions of its partners, separated by '; '"),
            Field("countries", "string", "Countries of its partners, separated by '; '"),
            Field("evidence_items", "integer", "How many evidence items were linked to it"),
            Field("best_evidence_strength", "integer", "Highest Maryland Scientific Methods Scale rating (0-5)"),
            Field("reports", "integer", "How many returns reported it"),
        ],
        ["uid"],
        [("primary_theme", "themes", "code"), ("top_theme", "themes", "code")],
    ),
    Table(
        "partners",
        "Partners",
        "One row an organisation taking part in a collaboration; exactly one partner a collaboration leads.",
        [
            Field("collaboration_uid", "string", UID, required=True, format="uuid"),
            Field("organisation", "string", "The organisation's identifier (see organisations)", required=True),
            Field("is_lead", "boolean", "Whether it is the lead partner"),
        ],
        ["collaboration_uid", "organisation"],
        [("collaboration_uid", "collaborations", "uid"), ("organisation", "organisations", "id")],
    ),
    Table(
        "themes",
        "Themes",
        "The theme taxonomy: top-level themes as the edition froze them, and the sub-themes its records use.",
        [
            Field("code", "string", "Theme code", required=True),
            Field("name", "string", "Theme name (a sub-theme's as the taxonomy names it today)"),
            Field("parent", "string", "Code of the top-level theme a sub-theme belongs to; empty for a top-level one"),
            Field("description", "string", "What the theme covers"),
        ],
        ["code"],
        [],
    ),
    Table(
        "organisations",
        "Organisations",
        "The organisation register when the edition was published, and every partner it names.",
        [
            Field("id", "string", "Identifier", required=True),
            Field("name", "string", "Name"),
            Field("type", "string", "Type code: " + ", ".join(OrganisationType.values)),
            Field("type_label", "string", "Type in words"),
            Field("body", "string", "Identifier of the body that did its work on the edition's date (after mergers)"),
            Field("region", "string", "Region, where a collaboration names it as a partner"),
            Field("country", "string", "Country, where a collaboration names it as a partner"),
        ],
        ["id"],
        [],
    ),
    Table(
        "benefits",
        "Financial benefits",
        "Sums of money linked to a collaboration; kinds are kept apart (a saving is never external funding).",
        [
            Field("collaboration_uid", "string", UID, required=True, format="uuid"),
            Field("number", "integer", "Its place among the collaboration's benefits, from 1", required=True),
            Field("kind", "string", "Kind code: " + ", ".join(BenefitKind.values)),
            Field("kind_label", "string", "Kind in words"),
            Field("amount_gbp", "number", "Amount in pounds, in the prices of price_year"),
            Field("basis", "string", "Basis code: " + ", ".join(Basis.values)),
            Field("basis_label", "string", "Basis in words"),
            Field("price_year", "integer", "The year whose prices the amount is in"),
            Field("accrues_to", "string", "Identifier of the organisation it accrues to (see organisations)"),
        ],
        ["collaboration_uid", "number"],
        [("collaboration_uid", "collaborations", "uid"), ("accrues_to", "organisations", "id")],
    ),
]
TABLES_BY_NAME = {t.name: t for t in TABLES}


def _label(choices, code) -> str:
    return str(choices(code).label) if code in choices.values else (code or "")


def _entries(edition: Edition) -> Iterator[tuple[str, int, dict]]:
    rows = edition.entries.order_by("pk").values_list("uid", "collaboration_id", "data")
    for uid, record_id, data in rows.iterator(chunk_size=ENTRY_BATCH):
        yield str(uid), record_id, data


def collaboration_rows(edition: Edition) -> Iterator[dict]:
    for uid, record_id, data in _entries(edition):
        strengths = [e.get("strength") for e in data.get("evidence", []) if e.get("strength") is not None]
        yield {
            "uid": uid,
            "record_id": record_id,
            "title": data.get("title", ""),
            "description": data.get("description", ""),
            "status": data.get("status", ""),
            "status_label": _label(Status, data.get("status")),
            "scope": data.get("scope", ""),
            "scope_label": _label(Scope, data.get("scope")),
            "start": data.get("start", ""),
            "end": data.get("end", ""),
            "primary_theme": data.get("primary_theme") or "",
            "top_theme": data.get("top_theme") or "",
            "secondary_themes": "; ".join(data.get("secondary_themes", [])),
            "services": data.get("services", ""),
            "regions": "; ".join(data.get("regions", [])),
            "countries": "; ".join(data.get("countries", [])),
            "evidence_items": len(data.get("evidence", [])),
            "best_evidence_strength": max(strengths) if strengths else None,
            "reports": data.get("reports", 0),
        }


def partner_rows(edition: Edition) -> Iterator[dict]:
    for uid, _record_id, data in _entries(edition):
        for partner in data.get("partners", []):
            yield {"collaboration_uid": uid, "organisation": partner["id"], "is_lead": bool(partner.get("lead"))}


def benefit_rows(edition: Edition) -> Iterator[dict]:
    for uid, _record_id, data in _entries(edition):
        for number, benefit in enumerate(data.get("benefits", []), start=1):
            yield {
                "collaboration_uid": uid,
                "number": number,
                "kind": benefit.get("kind", ""),
                "kind_label": _label(BenefitKind, benefit.get("kind")),
                "amount_gbp": Decimal(benefit["amount_gbp"]) if benefit.get("amount_gbp") is not None else None,
                "basis": benefit.get("basis", ""),
                "basis_label": _label(Basis, benefit.get("basis")),
                "price_year": benefit.get("price_year"),
                "accrues_to": benefit.get("accrues_to") or "",
            }


def theme_rows(edition: Edition) -> Iterator[dict]:
    """The frozen top-level themes, then every other theme code the entries use, named as the taxonomy does now."""
    frozen = edition_context(edition).get("themes", [])
    rows = {
        code: {"code": code, "name": name, "parent": "", "description": description}
        for code, name, description in frozen
    }
    used: dict[str, str] = {}  # code -> its top-level theme, as the entries say
    for _uid, _record_id, data in _entries(edition):
        if data.get("primary_theme"):
            used.setdefault(data["primary_theme"], data.get("top_theme") or "")
        for code in data.get("secondary_themes", []):
            used.setdefault(code, "")
    wanted = set(used) | {top for top in used.values() if top}
    today = {t.code: t for t in Theme.objects.select_related("parent").filter(code__in=wanted)}
    for code, top in sorted(used.items()):
        if code in rows:
            continue
        theme = today.get(code)
        parent = (top if top != code else "") or (theme.parent.code if theme and theme.parent_id else "")
        rows[code] = {
            "code": code,
            "name": theme.name if theme else code,
            "parent": parent,
            "description": theme.description if theme else "",
        }
    for code in sorted({row["parent"] for row in rows.values()} - set(rows) - {""}):
        theme = today.get(code)
        rows[code] = {"code": code, "name": theme.name if theme else code, "parent": "", "description": ""}
    yield from rows.values()


def organisation_rows(edition: Edition) -> Iterator[dict]:
    """The register as frozen, and any partner or beneficiary missing from it, described as the entries do."""
    frozen = edition_context(edition).get("organisations", {})
    rows = {
        slug: {
            "id": slug,
            "name": o.get("name", ""),
            "type": o.get("type", ""),
            "type_label": _label(OrganisationType, o.get("type")),
            "body": o.get("body", slug),
            "region": "",
            "country": "",
        }
        for slug, o in frozen.items()
    }
    for _uid, _record_id, data in _entries(edition):
        for partner in data.get("partners", []):
            row = rows.setdefault(
                partner["id"],
                {
                    "id": partner["id"],
                    "name": partner.get("name", ""),
                    "type": partner.get("type", ""),
                    "type_label": _label(OrganisationType, partner.get("type")),
                    "body": partner["id"],
                    "region": "",
                    "country": "",
                },
            )
            row["region"] = row["region"] or partner.get("region", "")
            row["country"] = row["country"] or partner.get("country", "")
        for benefit in data.get("benefits", []):
            slug = benefit.get("accrues_to")
            if slug and slug not in rows:
                rows[slug] = {"id": slug, "name": slug, "type": "", "type_label": "", "body": slug}
    for slug in sorted(rows):
        yield {"region": "", "country": "", **rows[slug]}


ROWS = {
    "collaborations": collaboration_rows,
    "partners": partner_rows,
    "themes": theme_rows,
    "organisations": organisation_rows,
    "benefits": benefit_rows,
}


def descriptor(edition: Edition, *, homepage: str = "") -> dict:
    """The edition's `datapackage.json` (Data Package v1, tabular), with the licence from settings."""
    package = {
        "profile": "tabular-data-package",
        "name": f"bluelight-{edition.slug}".lower(),
        "title": f"{settings.SITE_NAME}: {edition.name}",
        "description": (
            f"The published collaborations between emergency services and their partners as they stood on "
            f"{edition.as_of.isoformat()}, frozen when the edition '{edition.name}' was published. "
            "No contact details or unpublished records."
        ),
        "created": edition.published_at.isoformat(timespec="seconds"),
        "keywords": ["emergency services", "collaboration", "police", "fire and rescue", "ambulance"],
        "licenses": [dict(settings.OPEN_DATA_LICENCE)],
        "resources": [table.descriptor() for table in TABLES],
    }
    if homepage:
        package["homepage"] = homepage
    return package


def table_csv(edition: Edition, name: str) -> Iterator[str]:
    """A table as CSV text in pieces: byte order mark, header, rows, every cell through `cell_safe`."""
    table = TABLES_BY_NAME[name]
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    buffer.write(BOM)
    writer.writerow(table.header)
    for row in ROWS[name](edition):
        writer.writerow([_cell(row.get(field)) for field in table.header])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _cell(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def write_zip(edition: Edition, stream, *, homepage: str = "") -> None:
    """The whole package into `stream`: datapackage.json and data/<table>.csv."""
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        package = json.dumps(descriptor(edition, homepage=homepage), indent=2, ensure_ascii=False)
        archive.writestr("datapackage.json", package)
        for table in TABLES:
            with archive.open(table.path, "w") as member:
                for piece in table_csv(edition, table.name):
                    member.write(piece.encode("utf-8"))
