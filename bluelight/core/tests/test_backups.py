"""`bluelight backup` and `bluelight restore`: the demo goes through an archive into a new installation and comes
out identical, every table row by row and every file byte for byte; bad archives and full installations are refused.

The round trip runs the real command in subprocesses, each pointed at its own installation through DATABASE_URL and
BLUELIGHT_VAR_DIR, as a person would: Django reads its database settings once, at start-up.
"""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bluelight.core import backups
from bluelight.core.backups import BackupError, archive_check

pytestmark = pytest.mark.xdist_group("backups")  # one worker builds the demo installation once for all

FILES = {
    "media/uploads/4f1c2e": bytes(range(256)) * 40,  # a spreadsheet waiting for its confirmation, binary
    "media/uploads/empty": b"",
    "reports/1/overview.html": "<h1>Overview – Gwasanaeth Tân</h1>".encode(),
    "reports/1/overview.pdf": b"%PDF-1.7\n" + os.urandom(5000),
    "reports/2/overview.xlsx": os.urandom(3000),
}
PARTIAL = "reports/3.partial/overview.html"  # a report still being written: not a finished file


def bluelight(home: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the bluelight command against the installation in `home` (its database and var folder)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MEDIA_ROOT", "BLUELIGHT_VAR_DIR")}
    env.update(DATABASE_URL=f"sqlite:///{home / 'db.sqlite3'}", BLUELIGHT_VAR_DIR=str(home))
    return subprocess.run(
        [sys.executable, "-m", "bluelight", *args], capture_output=True, text=True, env=env, timeout=300
    )


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def tables(database: Path) -> dict:
    """Every table's schema and rows in order, read straight from the file (the search index's
    FTS5 tables included; some of those have no rowid, so rows are sorted here)."""
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        found = {}
        for name, sql in db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name"):
            rows = db.execute(f'SELECT * FROM "{name}"').fetchall()  # noqa: S608
            found[name] = (sql, sorted(rows, key=repr))
        return found
    finally:
        db.close()


def files(home: Path) -> dict[str, bytes]:
    return {
        path.relative_to(home).as_posix(): path.read_bytes()
        for folder in ("media", "reports")
        for path in sorted((home / folder).rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """An installation with the demo loaded, some uploads and report files, and its backup archive."""
    home = tmp_path_factory.mktemp("source")
    ok(bluelight(home, "setup", "--skip-checks"))  # checks run in the commands under test
    for name, content in {**FILES, PARTIAL: b"half"}.items():
        (home / name).parent.mkdir(parents=True, exist_ok=True)
        (home / name).write_bytes(content)
    archive = home.parent / "backup.tar.gz"
    summary = json.loads(ok(bluelight(home, "backup", str(archive), "--json")).stdout)
    return SimpleNamespace(home=home, archive=archive, summary=summary)


def test_the_demo_round_trips_through_an_archive_table_by_table_and_file_by_file(source, tmp_path):
    target = tmp_path / "new"
    result = ok(bluelight(target, "restore", str(source.archive)))

    assert result.stdout.startswith("Restored the database (")
    before, after = tables(source.home / "db.sqlite3"), tables(target / "db.sqlite3")
    assert sorted(after) == sorted(before)
    for name in before:
        assert after[name] == before[name], f"table {name} differs after the round trip"
    history = [name for name in before if "historical" in name and before[name][1]]
    assert history, "the demo writes history rows; the comparison must cover them"
    expected = {name: content for name, content in files(source.home).items() if ".partial" not in name}
    assert files(target) == expected == FILES


def test_the_backup_summary_and_manifest_describe_the_archive(source):
    assert source.summary["database_included"] is True
    assert source.summary["files"] == len(FILES)
    assert source.summary["file_bytes"] == sum(len(content) for content in FILES.values())
    assert oct(source.archive.stat().st_mode & 0o777) == "0o600"  # password hashes and contacts inside
    with tarfile.open(source.archive) as archive:
        manifest = json.loads(archive.extractfile("manifest.json").read())
        names = archive.getnames()
    assert manifest["format"] == 1
    assert manifest["database"] == {"engine": "sqlite", "included": True}
    assert manifest["migrations"]["editions"].startswith("0")
    assert manifest["tables"]["collaborations_collaboration"] > 100
    listed = {entry["name"]: entry for entry in manifest["files"]}
    assert set(listed) == set(FILES) | {"db.sqlite3"}
    for name, content in FILES.items():
        assert listed[name] == {"name": name, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
    assert PARTIAL not in names


def test_restore_refuses_an_installation_that_is_not_empty_without_a_traceback(source):
    result = bluelight(source.home, "restore", str(source.archive))

    assert result.returncode == 1
    assert "This installation is not empty: the database" in result.stderr
    assert "--force" in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(source.home.glob(".restore-*"))  # its unpacking folder is gone, nothing else was written


def copy_database(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def test_restore_with_force_replaces_the_installation_and_keeps_what_it_replaced(source, tmp_path):
    target = tmp_path / "full"
    copy_database(source.home / "db.sqlite3", target / "db.sqlite3")
    with sqlite3.connect(target / "db.sqlite3") as db:
        db.execute("UPDATE accounts_user SET username = 'someone' WHERE username = 'admin'")
    (target / "media" / "uploads").mkdir(parents=True)
    (target / "media" / "uploads" / "old").write_bytes(b"was here")

    result = ok(bluelight(target, "restore", str(source.archive), "--force", "--json"))

    summary = json.loads(result.stdout)
    assert summary["replaced"] and "Warning: --force replaced" in result.stderr
    replaced = Path(summary["replaced"])
    assert (replaced / "media" / "uploads" / "old").read_bytes() == b"was here"
    assert ("someone",) in sqlite3.connect(replaced / "db.sqlite3").execute("SELECT username FROM accounts_user")
    assert tables(target / "db.sqlite3") == tables(source.home / "db.sqlite3")
    assert files(target) == FILES


def test_an_archive_from_an_older_version_is_migrated_forward(source, tmp_path, monkeypatch):
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    latest = graph.leaf_nodes("editions")[0]
    (previous,) = [parent.key for parent in graph.node_map[latest].parents if parent.key[0] == "editions"]
    old = tmp_path / "old"
    copy_database(source.home / "db.sqlite3", old / "db.sqlite3")
    ok(bluelight(old, "migrate", "editions", previous[1], "--verbosity", "0", "--skip-checks"))
    # The backup of that older installation is made here, pointed at it; the restore is the real command.
    monkeypatch.setattr(backups, "_sqlite_path", lambda: old / "db.sqlite3")
    monkeypatch.setattr(backups, "_vendor", lambda: "sqlite")  # the suite itself may run on PostgreSQL
    monkeypatch.setattr(backups, "_folders", lambda: {"media": old / "media", "reports": old / "reports"})
    backups.backup_create(path=tmp_path / "old.tar.gz")

    result = ok(bluelight(tmp_path / "new", "restore", str(tmp_path / "old.tar.gz"), "--json"))

    assert json.loads(result.stdout)["migrations_applied"] >= 1
    applied = sqlite3.connect(tmp_path / "new" / "db.sqlite3").execute("SELECT app, name FROM django_migrations")
    assert latest in set(applied)


# Refusals that never reach an installation: checked in this process ------------------------------


def rebuild(source: Path, target: Path, *, change=None, extra=(), fix_manifest=False) -> Path:
    """A copy of an archive with some members' bytes changed, members added, and the manifest optionally
    brought up to date with the changes (a forgery rather than damage)."""
    members = {}
    with tarfile.open(source) as archive:
        for member in archive.getmembers():
            content = archive.extractfile(member).read()
            members[member.name] = change(member.name, content) if change else content
    if fix_manifest:
        manifest = json.loads(members["manifest.json"])
        for entry in manifest["files"]:
            content = members[entry["name"]]
            entry.update(size=len(content), sha256=hashlib.sha256(content).hexdigest())
        members["manifest.json"] = json.dumps(manifest).encode()
    with tarfile.open(target, "w:gz") as archive:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
        for info, content in extra:
            archive.addfile(info, io.BytesIO(content) if content is not None else None)
    return target


def restore_problems(path: Path) -> str:
    with pytest.raises(CommandError) as raised:
        call_command("restore", str(path))
    return str(raised.value)


def test_restore_refuses_a_file_that_does_not_exist(tmp_path):
    assert "no such file" in restore_problems(tmp_path / "nope.tar.gz")


def test_restore_refuses_a_file_that_is_not_an_archive(tmp_path):
    (tmp_path / "notes.txt").write_text("not a backup")
    assert "is not a bluelight backup archive" in restore_problems(tmp_path / "notes.txt")


def test_restore_refuses_an_archive_changed_after_it_was_made(source, tmp_path):
    def tamper(name, content):
        return content.replace(b"Overview", b"Overv1ew") if name == "reports/1/overview.html" else content

    tampered = rebuild(source.archive, tmp_path / "tampered.tar.gz", change=tamper)
    problems = restore_problems(tampered)
    assert "'reports/1/overview.html' does not match its checksum in the manifest" in problems
    assert not (tmp_path / "reports").exists()  # this installation's reports folder (VAR_DIR is tmp_path)


@pytest.mark.parametrize(
    ("name", "kind", "problem"),
    [
        ("../escaped.txt", tarfile.REGTYPE, "points outside the archive's folders"),
        ("media/../../escaped.txt", tarfile.REGTYPE, "points outside the archive's folders"),
        ("/srv/escaped.txt", tarfile.REGTYPE, "has an absolute path"),
        ("media/uploads/link", tarfile.SYMTYPE, "is a link or special file"),
        ("media/uploads/hard", tarfile.LNKTYPE, "is a link or special file"),
        ("escaped.txt", tarfile.REGTYPE, "is not a file a bluelight backup contains"),
    ],
)
def test_restore_refuses_an_archive_with_a_member_outside_its_folders(source, tmp_path, name, kind, problem):
    info = tarfile.TarInfo(name)
    info.type = kind
    content = b"gotcha" if kind == tarfile.REGTYPE else None
    if content:
        info.size = len(content)
    else:
        info.linkname = "/etc/passwd"
    evil = rebuild(source.archive, tmp_path / "evil.tar.gz", extra=[(info, content)])

    assert f"{name!r} {problem}" in restore_problems(evil)
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_restore_refuses_an_archive_from_a_newer_version_and_says_to_upgrade(source, tmp_path):
    def newer(name, content):
        if name != "db.sqlite3":
            return content
        path = tmp_path / "newer.sqlite3"
        path.write_bytes(content)
        db = sqlite3.connect(path)
        db.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES ('editions', '9999_future', '2030-01-01')"
        )
        db.commit()
        db.close()
        return path.read_bytes()

    forged = rebuild(source.archive, tmp_path / "newer.tar.gz", change=newer, fix_manifest=True)
    with tarfile.open(forged) as archive:  # the manifest's row counts were not updated: fix them too
        manifest = json.loads(archive.extractfile("manifest.json").read())
    manifest["tables"]["django_migrations"] += 1

    def counts(name, content):
        return json.dumps(manifest).encode() if name == "manifest.json" else content

    forged = rebuild(forged, tmp_path / "newer2.tar.gz", change=counts)
    problems = restore_problems(forged)
    assert "made by a newer version of bluelight" in problems
    assert "editions.9999_future" in problems
    assert "Upgrade bluelight, then restore." in problems


def test_archive_check_unpacks_only_into_its_staging_folder(source, tmp_path):
    manifest = archive_check(path=source.archive, staging=tmp_path / "staging")
    assert manifest["format"] == 1
    assert (tmp_path / "staging" / "reports" / "1" / "overview.pdf").read_bytes() == FILES["reports/1/overview.pdf"]


def test_backup_refuses_to_overwrite_an_archive_without_force(tmp_path):
    (tmp_path / "there.tar.gz").write_bytes(b"precious")
    with pytest.raises(CommandError, match="already exists: choose another name, or add --force"):
        call_command("backup", str(tmp_path / "there.tar.gz"))
    assert (tmp_path / "there.tar.gz").read_bytes() == b"precious"


# PostgreSQL: the archive holds the files; the database goes through pg_dump --------------------------


@pytest.fixture
def on_postgresql(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(backups, "_vendor", lambda: "postgresql")
    monkeypatch.setattr(
        backups, "_live_counts_and_migrations", lambda: ({"accounts_user": 4}, [("editions", "0001_initial")])
    )


def test_on_postgresql_backup_archives_the_files_and_prints_the_pg_dump_command(on_postgresql, settings, tmp_path):
    upload = Path(settings.MEDIA_ROOT) / "uploads" / "abc"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"spreadsheet")
    out = io.StringIO()

    call_command("backup", str(tmp_path / "files.tar.gz"), stdout=out)

    assert f'pg_dump --format=custom --file={tmp_path / "files.dump"} "$DATABASE_URL"' in out.getvalue()
    with tarfile.open(tmp_path / "files.tar.gz") as archive:
        assert sorted(archive.getnames()) == ["manifest.json", "media/uploads/abc"]


def test_on_postgresql_restore_puts_the_files_back_and_prints_the_pg_restore_command(on_postgresql, settings, tmp_path):
    upload = Path(settings.MEDIA_ROOT) / "uploads" / "abc"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"spreadsheet")
    call_command("backup", str(tmp_path / "files.tar.gz"), stdout=io.StringIO())
    upload.unlink()
    out = io.StringIO()

    call_command("restore", str(tmp_path / "files.tar.gz"), stdout=out)

    assert upload.read_bytes() == b"spreadsheet"
    assert f'--no-owner --single-transaction --dbname="$DATABASE_URL" {tmp_path / "files.dump"}' in out.getvalue()


def test_a_postgresql_archive_is_refused_by_a_sqlite_installation(on_postgresql, monkeypatch, tmp_path):
    call_command("backup", str(tmp_path / "files.tar.gz"), stdout=io.StringIO())
    monkeypatch.setattr(backups, "_vendor", lambda: "sqlite")
    with pytest.raises(BackupError, match="was made on PostgreSQL and holds no database"):
        backups.backup_restore(path=tmp_path / "files.tar.gz")
