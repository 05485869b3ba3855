"""Uploaded return files waiting on disk (MEDIA_ROOT/uploads/<token>): for their confirmation after a
preview, or for the worker of a background import. A file waits at most RETURNS_PREVIEW_HOURS.

Files are named by a random token, never by anything the user typed; a token that is not one of ours,
a file already removed and a file past its time all read as None, so the caller says "upload it again".
"""

import datetime
import re
import secrets
import time
from pathlib import Path

from django.conf import settings

_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def preview_lifetime() -> datetime.timedelta:
    """How long an uploaded file waits for its confirmation (RETURNS_PREVIEW_HOURS)."""
    return datetime.timedelta(hours=getattr(settings, "RETURNS_PREVIEW_HOURS", 24))


def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "uploads"


def _path(token: str) -> Path | None:
    """The file of a token, or None for text that is not a token (so no path outside the folder)."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    return upload_dir() / token


def _expired(path: Path, *, now: float | None = None, older_than: datetime.timedelta | None = None) -> bool:
    age = (time.time() if now is None else now) - path.stat().st_mtime
    return age > (older_than or preview_lifetime()).total_seconds()


def upload_save(*, content: bytes) -> str:
    """Keep an uploaded file until it is confirmed or expires; returns its token.

    Saving one is also when expired ones are removed, so no scheduled job is needed for it.
    """
    upload_previews_delete_expired()
    directory = upload_dir()
    directory.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    partial = directory / f".{token}.partial"
    partial.write_bytes(content)
    partial.rename(directory / token)  # a reader sees the whole file or none
    return token


def upload_load(token: str, *, any_age: bool = False) -> bytes | None:
    """The file kept under `token`; None when there is none, or it has expired (then it is removed).

    `any_age`: a worker reading the file of a queued import, which is kept however long it waits.
    """
    path = _path(token)
    try:
        if path is None or (not any_age and _expired(path)):
            upload_delete(token)
            return None
        return path.read_bytes()
    except FileNotFoundError:
        return None


def upload_available(token: str) -> bool:
    """Whether a file is kept under `token` and has not expired (upload_load would give it)."""
    path = _path(token)
    try:
        return path is not None and not _expired(path)
    except FileNotFoundError:
        return False


def upload_delete(token: str) -> bool:
    """Remove the file kept under `token`; whether there was one."""
    path = _path(token)
    try:
        if path is not None:
            path.unlink()
            return True
    except FileNotFoundError:
        pass
    return False


def upload_previews_delete_expired(
    *, older_than: datetime.timedelta | None = None, keep: set[str] | None = None
) -> int:
    """Remove kept files older than `older_than` (default RETURNS_PREVIEW_HOURS); returns how many.

    `keep` names tokens never removed (default: the files of background imports still queued or
    running, which a worker is about to read).
    """
    directory = upload_dir()
    if not directory.is_dir():
        return 0
    if keep is None:
        keep = _tokens_in_use()
    now = time.time()
    removed = 0
    for path in directory.iterdir():
        if path.name in keep or not path.is_file():
            continue
        try:
            if _expired(path, now=now, older_than=older_than):
                path.unlink()
                removed += 1
        except FileNotFoundError:  # removed meanwhile by another request
            continue
    return removed


def _tokens_in_use() -> set[str]:
    from bluelight.returns.models import ImportRun, ImportState

    working = ImportRun.objects.filter(state__in=[ImportState.QUEUED, ImportState.RUNNING])
    return set(working.values_list("token", flat=True))
