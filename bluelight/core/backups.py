"""Backups that restore: one archive holding the database copy, the report files and the uploads (ADR 0006).

Archive layout (a .tar.gz, format 1):

    db.sqlite3       a copy of the SQLite database made with SQLite's online backup API (absent on PostgreSQL)
    media/...        every file under MEDIA_ROOT (uploads waiting for confirmation)
    reports/...      every finished overview report under VAR_DIR/reports
    manifest.json    format, when, app version, latest migration per app, rows per table, files with sha256

The manifest comes last because it records checksums of what was written before it.
"""

import datetime
import hashlib
import io
import json
import os
import shlex
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connections

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = "db.sqlite3"
FOLDERS = ("media", "reports")  # archive prefix -> installation folder, see _folders()
# Rows Django writes on `migrate` alone: a database holding rows only here holds no one's data.
BOOKKEEPING_TABLES = {"django_migrations", "django_content_type", "auth_permission", "sqlite_sequence"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or a restore cannot go ahead; `problems` lists every reason, each a full sentence."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def dump_name(archive: Path) -> str:
    """The pg_dump file that goes with an archive: backup-2026-12-01.tar.gz -> backup-2026-12-01.dump."""
    name = archive.name
    for suffix in (".tar.gz", ".tgz", ".tar"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return shlex.quote(str(archive.with_name(name + ".dump")))


def pg_dump_command(file: str = "bluelight.dump") -> str:
    # "$DATABASE_URL" is left for the shell to expand, so no password is ever printed.
    return f'pg_dump --format=custom --file={file} "$DATABASE_URL"'


def pg_restore_command(file: str = "bluelight.dump") -> str:
    # --if-exists keeps --clean from failing on a new, empty database (404 errors without it);
    # one transaction: the database is restored whole or not at all.
    return f'pg_restore --clean --if-exists --no-owner --single-transaction --dbname="$DATABASE_URL" {file}'


@dataclass
class BackupSummary:
    path: str
    bytes: int
    database: str  # "sqlite" (copied into the archive) or "postgresql" (not copied: use pg_dump)
    database_included: bool
    tables: int
    rows: int
    files: int
    file_bytes: int
    skipped: list[str] = field(default_factory=list)
    instructions: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        what = (
            f"the database ({self.tables} tables, {self.rows:,} rows)"
            if self.database_included
            else "no database (PostgreSQL: back it up with pg_dump, below)"
        )
        return f"Wrote {self.path} ({self.bytes:,} bytes): {what} and {self.files} files ({self.file_bytes:,} bytes)."


@dataclass
class RestoreSummary:
    path: str
    database: str
    database_restored: bool
    tables: int
    rows: int
    files: int
    file_bytes: int
    migrations_applied: int
    created_at: str
    replaced: str = ""  # where --force put what the restore replaced
    instructions: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        what = (
            f"the database ({self.tables} tables, {self.rows:,} rows)"
            if self.database_restored
            else "no database (PostgreSQL: restore it with pg_restore, below)"
        )
        text = f"Restored {what} and {self.files} files ({self.file_bytes:,} bytes)"
        text += f" from {self.path}, made {self.created_at}"
        if self.migrations_applied:
            text += f"; then applied {self.migrations_applied} newer migrations"
        if self.replaced:
            text += f"; what was there before is in {self.replaced}"
        return text + "."


# Where things are --------------------------------------------------------------------------------


def _vendor() -> str:
    return connections["default"].vendor  # "sqlite" or "postgresql"; does not connect


def _sqlite_path() -> Path:
    return Path(settings.DATABASES["default"]["NAME"])


def _folders() -> dict[str, Path]:
    return {"media": Path(settings.MEDIA_ROOT), "reports": Path(settings.VAR_DIR) / "reports"}


def _app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("bluelight")
    except PackageNotFoundError:
        return "unknown"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# Reading a SQLite file directly (never through Django's connection, which may point elsewhere) -----


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()
    return [name for (name,) in rows if not name.startswith("sqlite_") or name == "sqlite_sequence"]


def _sqlite_counts(db: sqlite3.Connection) -> dict[str, int]:
    # Table names come from sqlite_master, not from a user.
    return {table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in _sqlite_tables(db)}  # noqa: S608


def _sqlite_migrations(db: sqlite3.Connection) -> list[tuple[str, str]]:
    if "django_migrations" not in _sqlite_tables(db):
        return []
    return [tuple(row) for row in db.execute("SELECT app, name FROM django_migrations ORDER BY app, name")]


def _latest_per_app(applied: list[tuple[str, str]]) -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in applied:  # names start with a zero-padded number, so the greatest is the latest
        latest[app] = max(latest.get(app, ""), name)
    return latest


def _unknown_migrations(applied) -> list[str]:
    """Applied migrations this code does not have: the archive comes from a newer version."""
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return sorted(f"{app}.{name}" for app, name in applied if (app, name) not in known)


# Backup ------------------------------------------------------------------------------------------


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of a database that may be in use: SQLite's online backup API.

    The copy is made in one step under a read transaction, so it is one moment's state even while the
    site writes (WAL lets writers carry on). The copy is switched out of WAL so it is a single file.
    """
    if not source.is_file():
        raise BackupError([f"There is no database at {source}: nothing to back up (run `bluelight setup` first)."])
    src = sqlite3.connect(f"file:{source}?mode=rw", uri=True)  # rw: never creates a missing file
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as exc:
        raise BackupError([f"Could not copy the database {source}: {exc}."]) from exc
    finally:
        dst.close()
        src.close()


def _live_counts_and_migrations() -> tuple[dict[str, int], list[tuple[str, str]]]:
    """Row counts and applied migrations read through Django's connection (PostgreSQL)."""
    connection = connections["default"]
    tables = sorted(connection.introspection.table_names())
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 (names from the catalogue)
            counts[table] = cursor.fetchone()[0]
        applied = []
        if "django_migrations" in tables:
            cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
            applied = [tuple(row) for row in cursor.fetchall()]
    return counts, applied


def _files_to_archive(skipped: list[str]) -> list[tuple[str, Path]]:
    """(archive name, path) of every regular file under the media and reports folders."""
    found = []
    for prefix, root in _folders().items():
        if not root.is_dir():
            continue
        for folder, dirs, names in os.walk(root):
            here = Path(folder)
            # A report being written lives in "<id>.partial" until it is complete: not a finished file.
            dirs[:] = sorted(d for d in dirs if not (prefix == "reports" and d.endswith(".partial")))
            for d in dirs:
                if (here / d).is_symlink():
                    skipped.append(f"{here / d} (a link to a folder; not followed)")
            for name in sorted(names):
                path = here / name
                if path.is_symlink() or not path.is_file():
                    skipped.append(f"{path} (not a regular file)")
                    continue
                found.append((str(PurePosixPath(prefix, *path.relative_to(root).parts)), path))
    return found


def _add_file(archive: tarfile.TarFile, name: str, path: Path) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = path.stat().st_size, int(path.stat().st_mtime), 0o600
    with path.open("rb") as handle:
        archive.addfile(info, handle)


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes, mtime: float, mode: int = 0o644) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(content), int(mtime), mode
    archive.addfile(info, io.BytesIO(content))


def backup_create(*, path: Path, force: bool = False) -> BackupSummary:
    """Write one archive of the database (SQLite), the report files and the uploads, atomically at `path`."""
    path = Path(path).absolute()
    problems = []
    if path.exists() and not force:
        problems.append(f"{path} already exists: choose another name, or add --force to replace it.")
    if path.is_dir():
        problems.append(f"{path} is a folder: give the archive's file name, e.g. {path / 'bluelight-backup.tar.gz'}.")
    if not path.parent.is_dir():
        problems.append(f"The folder {path.parent} does not exist.")
    for prefix, root in _folders().items():
        if root.absolute() in path.parents:
            problems.append(f"{path} is inside the {prefix} folder {root}: the archive would contain itself.")
    vendor = _vendor()
    if vendor not in ("sqlite", "postgresql"):
        problems.append(f"Backups know SQLite and PostgreSQL, not {vendor}.")
    if problems:
        raise BackupError(problems)

    skipped: list[str] = []
    instructions: list[str] = []
    # Everything is written next to the target and renamed at the end: the archive is complete or absent.
    # mkstemp makes it readable by its owner only: the archive holds password hashes and contacts.
    handle, partial_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.close(handle)
    partial = Path(partial_name)
    workdir = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        database_included = vendor == "sqlite"
        entries = []
        if database_included:
            copy = workdir / DATABASE
            # The database first, then the files: a report finished in between is an extra file the
            # copy does not list, which is harmless; the other order could lose a listed report's files.
            _sqlite_copy(_sqlite_path(), copy)
            db = sqlite3.connect(copy)
            try:
                counts, applied = _sqlite_counts(db), _sqlite_migrations(db)
            finally:
                db.close()
        else:
            counts, applied = _live_counts_and_migrations()
            instructions = [
                "The database is PostgreSQL: this archive holds the files only. Back up the database with",
                f"  {pg_dump_command(dump_name(path))}",
                "(best just before `bluelight backup`: database first, then files) and keep the two together.",
            ]
        with tarfile.open(partial, "w:gz") as archive:
            if database_included:
                size = copy.stat().st_size
                _add_file(archive, DATABASE, copy)
                entries.append({"name": DATABASE, "size": size, "sha256": _sha256(copy)})
            for name, file in _files_to_archive(skipped):
                try:
                    content, stat = file.read_bytes(), file.stat()
                except OSError as exc:  # removed while we walked (an upload confirmed): note it and go on
                    skipped.append(f"{file} ({exc.strerror})")
                    continue
                _add_bytes(archive, name, content, stat.st_mtime, stat.st_mode & 0o777)
                entries.append({"name": name, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()})
            manifest = {
                "format": FORMAT,
                "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "app_version": _app_version(),
                "database": {"engine": vendor, "included": database_included},
                "migrations": _latest_per_app(applied),
                "tables": counts,
                "files": entries,
            }
            now = datetime.datetime.now().timestamp()
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode(), now)
        with partial.open("rb") as done:
            os.fsync(done.fileno())
        os.replace(partial, path)
        _fsync_folder(path.parent)
    finally:
        partial.unlink(missing_ok=True)
        shutil.rmtree(workdir, ignore_errors=True)
    files = [entry for entry in entries if entry["name"] != DATABASE]
    return BackupSummary(
        path=str(path),
        bytes=path.stat().st_size,
        database=vendor,
        database_included=database_included,
        tables=len(counts),
        rows=sum(counts.values()),
        files=len(files),
        file_bytes=sum(entry["size"] for entry in files),
        skipped=skipped,
        instructions=instructions,
    )


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# Restore -----------------------------------------------------------------------------------------


def _member_problem(member: tarfile.TarInfo) -> str | None:
    name = member.name
    parts = PurePosixPath(name).parts
    if name.startswith("/") or name.startswith("\\") or (len(name) > 1 and name[1] == ":"):
        return f"{name!r} has an absolute path"
    if ".." in parts or "\\" in name:
        return f"{name!r} points outside the archive's folders"
    if not (member.isfile() or member.isdir()):
        return f"{name!r} is a link or special file, which backups never contain"
    if member.isfile() and name not in (MANIFEST, DATABASE) and (len(parts) < 2 or parts[0] not in FOLDERS):
        return f"{name!r} is not a file a bluelight backup contains"
    return None


def _manifest_read(archive: tarfile.TarFile, path: Path) -> dict:
    try:
        member = archive.getmember(MANIFEST)
        manifest = json.loads(archive.extractfile(member).read())
    except KeyError:
        raise BackupError([f"{path} has no {MANIFEST}: it is not a bluelight backup."]) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError([f"{path}: {MANIFEST} is not valid JSON ({exc})."]) from None
    problems = []
    if not isinstance(manifest, dict):
        raise BackupError([f"{path}: {MANIFEST} is not a JSON object."])
    if manifest.get("format") != FORMAT:
        problems.append(
            f"{path} is in backup format {manifest.get('format')!r}; this version reads format {FORMAT}: "
            "upgrade bluelight."
        )
    for key, kind in (("files", list), ("tables", dict), ("migrations", dict), ("database", dict)):
        if not isinstance(manifest.get(key), kind):
            problems.append(f"{path}: {MANIFEST} has no valid {key!r}.")
    if problems:
        raise BackupError(problems)
    for entry in manifest["files"]:
        if not (isinstance(entry, dict) and {"name", "size", "sha256"} <= entry.keys()):
            raise BackupError([f"{path}: {MANIFEST} lists a file without name, size and sha256."])
    return manifest


def archive_check(*, path: Path, staging: Path) -> dict:
    """Check every member's name, type, size and sha256 against the manifest, unpacking into `staging`.

    Nothing of the installation is touched: `staging` is a new, empty folder. Returns the manifest.
    """
    path = Path(path)
    if not path.exists():
        raise BackupError([f"{path}: no such file."])
    if not path.is_file():
        raise BackupError([f"{path} is not a file."])
    try:
        archive = tarfile.open(path, "r:*")  # noqa: SIM115 (closed by the `with` below; opening has its own message)
    except (tarfile.TarError, EOFError, OSError, zlib.error):
        raise BackupError([f"{path} is not a bluelight backup archive (not a readable .tar.gz file)."]) from None
    with archive:
        try:
            members = archive.getmembers()
        except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
            raise BackupError([f"{path} is damaged or cut short ({exc})."]) from None
        problems = [f"{path}: {problem}." for member in members if (problem := _member_problem(member))]
        names = [member.name for member in members if member.isfile()]
        problems += [f"{path}: {name!r} appears twice." for name in sorted({n for n in names if names.count(n) > 1})]
        if problems:
            raise BackupError(problems)
        manifest = _manifest_read(archive, path)
        listed = {entry["name"]: entry for entry in manifest["files"]}
        problems += [
            f"{path}: {name!r} is in the archive but not in the manifest."
            for name in names
            if name not in listed and name != MANIFEST
        ]
        problems += [
            f"{path}: {name!r} is in the manifest but not in the archive." for name in listed if name not in names
        ]
        if manifest["database"].get("included") and DATABASE not in listed:
            problems.append(f"{path}: the manifest says the database is included, but it is not.")
        if problems:
            raise BackupError(problems)
        for member in members:
            if not member.isfile() or member.name == MANIFEST:
                continue
            entry = listed[member.name]
            target = staging.joinpath(*PurePosixPath(member.name).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            digest, size = hashlib.sha256(), 0
            try:
                with archive.extractfile(member) as source, target.open("wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
            except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
                raise BackupError([f"{path} is damaged or cut short at {member.name!r} ({exc})."]) from None
            os.utime(target, (member.mtime, member.mtime))
            if size != entry["size"] or digest.hexdigest() != entry["sha256"]:
                problems.append(
                    f"{path}: {member.name!r} does not match its checksum in the manifest "
                    "(the archive was changed or damaged)."
                )
        if problems:
            raise BackupError(problems)
    return manifest


def _installation_contents(vendor: str) -> list[str]:
    """What this installation holds beyond Django's bookkeeping: empty means nothing to lose."""
    found = []
    if vendor == "sqlite":
        database = _sqlite_path()
        if database.is_file():
            db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
            try:
                counts = _sqlite_counts(db)
            except sqlite3.Error as exc:
                counts = {}
                found.append(f"the database {database} cannot be read ({exc})")
            finally:
                db.close()
            tables = sorted(t for t, n in counts.items() if n and t not in BOOKKEEPING_TABLES)
            if tables:
                rows = sum(counts[t] for t in tables)
                names = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
                found.append(f"the database {database} holds {rows:,} rows in {len(tables)} tables ({names})")
    for prefix, root in _folders().items():
        if root.is_dir():
            count = sum(len(names) for _folder, _dirs, names in os.walk(root))
            if count:
                found.append(f"the {prefix} folder {root} holds {count} file{'s' if count != 1 else ''}")
    return found


def _set_aside(vendor: str) -> Path:
    """--force: move what is about to be replaced into VAR_DIR/replaced-<time>/ rather than deleting it."""
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = Path(settings.VAR_DIR) / f"replaced-{stamp}"
    aside.mkdir(parents=True, exist_ok=False)
    if vendor == "sqlite" and _sqlite_path().is_file():
        _sqlite_copy(_sqlite_path(), aside / DATABASE)
    for prefix, root in _folders().items():
        if root.is_dir():
            shutil.move(root, aside / prefix)
    return aside


def _sqlite_write(source: Path, target: Path) -> None:
    """Write the archived database into `target` through SQLite's backup API.

    SQLite replaces the target's pages inside one write transaction, so the file is the old database
    or the new one, never half of each, and its WAL and shared-memory files stay consistent.
    """
    connections.close_all()
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=WAL")
    finally:
        dst.close()
        src.close()


def backup_restore(*, path: Path, force: bool = False) -> RestoreSummary:
    """Put a backup's database, reports and uploads back into this installation, which must be empty.

    Checks the whole archive first (names, checksums, migration state, engine), then writes. With
    `force`, an installation that is not empty is replaced; what was there is moved to VAR_DIR/replaced-*.
    """
    path = Path(path).absolute()
    vendor = _vendor()
    var_dir = Path(settings.VAR_DIR)
    var_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=var_dir))
    try:
        manifest = archive_check(path=path, staging=staging)
        included = bool(manifest["database"].get("included"))
        problems = []
        if included:
            if vendor != "sqlite":
                problems.append(
                    f"{path} holds a SQLite database, but this installation uses {vendor}: restore it into a "
                    "SQLite installation (leave DATABASE_URL unset), or move the data with dumpdata/loaddata."
                )
            db = sqlite3.connect(f"file:{staging / DATABASE}?mode=ro", uri=True)
            try:
                if (verdict := db.execute("PRAGMA quick_check").fetchone()[0]) != "ok":
                    problems.append(f"{path}: the database in the archive is damaged ({verdict}).")
                applied, counts = _sqlite_migrations(db), _sqlite_counts(db)
            except sqlite3.Error as exc:
                raise BackupError([f"{path}: the database in the archive cannot be read ({exc})."]) from None
            finally:
                db.close()
            if counts != manifest["tables"]:
                problems.append(f"{path}: the database's row counts differ from the manifest's.")
        else:
            if vendor == "sqlite":
                problems.append(
                    f"{path} was made on PostgreSQL and holds no database: this installation uses SQLite. "
                    "Restore it into a PostgreSQL installation, after `pg_restore` of the dump made with it."
                )
            applied, counts = list(manifest["migrations"].items()), manifest["tables"]
        if unknown := _unknown_migrations(applied):
            problems.append(
                f"{path} was made by a newer version of bluelight ({manifest.get('app_version', 'unknown')}): its "
                f"database has migrations this code does not know ({', '.join(unknown[:5])}"
                f"{', ...' if len(unknown) > 5 else ''}). Upgrade bluelight, then restore."
            )
        if problems:
            raise BackupError(problems)
        contents = _installation_contents(vendor)
        if contents and not force:
            raise BackupError(
                [f"This installation is not empty: {item}." for item in contents]
                + [
                    "Restore into a new installation (another DATABASE_URL and BLUELIGHT_VAR_DIR), "
                    "or add --force to replace it (what is there now is moved to VAR_DIR/replaced-*)."
                ]
            )

        # Everything checked: now write.
        replaced = str(_set_aside(vendor)) if contents else ""
        if included:
            _sqlite_write(staging / DATABASE, _sqlite_path())
        files = [entry for entry in manifest["files"] if entry["name"] != DATABASE]
        for prefix, root in _folders().items():
            unpacked = staging / prefix
            if not unpacked.is_dir():
                continue
            root.mkdir(parents=True, exist_ok=True)
            for item in sorted(unpacked.iterdir()):
                destination = root / item.name
                if destination.is_dir() and item.is_dir() and not any(destination.iterdir()):
                    destination.rmdir()  # an empty folder the installation made on its own, e.g. media/uploads
                shutil.move(item, destination)
        migrations_applied = _migrate_forward() if included else 0
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    instructions = []
    if not included:
        instructions = [
            "The database is PostgreSQL and is not in this archive. If you have not yet, restore the dump "
            "made with it into this installation's (empty) database:",
            f"  {pg_restore_command(dump_name(path))}",
            "then run `bluelight migrate`.",
        ]
    return RestoreSummary(
        path=str(path),
        database=vendor,
        database_restored=included,
        tables=len(counts),
        rows=sum(counts.values()),
        files=len(files),
        file_bytes=sum(entry["size"] for entry in files),
        migrations_applied=migrations_applied,
        created_at=manifest.get("created_at", "at an unknown time"),
        replaced=replaced,
        instructions=instructions,
    )


def _migrate_forward() -> int:
    """Apply migrations the restored database is missing (an archive from an older version)."""
    from django.core.management import call_command
    from django.db.migrations.recorder import MigrationRecorder

    connections.close_all()
    before = MigrationRecorder(connections["default"]).applied_migrations().keys()
    call_command("migrate", interactive=False, verbosity=0)
    after = MigrationRecorder(connections["default"]).applied_migrations().keys()
    return len(set(after) - set(before))
