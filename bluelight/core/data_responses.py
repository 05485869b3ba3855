"""Pages that are also data: `.json` or `.csv` at the same path, or `?format=json|csv` (Datasette's convention).

One place for the shape of every download, so the explorer's and the insights' pages cannot drift: CSV
starts with a byte order mark (Excel then reads UTF-8) and every cell passes through `cell_safe`, so a
spreadsheet never runs a title such as "=HYPERLINK(...)"; JSON keeps non-ASCII letters as they are.
"""

import io
from functools import wraps

from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.middleware.http import ConditionalGetMiddleware
from django.utils.decorators import decorator_from_middleware

from bluelight.core.spreadsheets import csv_writer

FORMATS = ("json", "csv")
BOM = "\ufeff"
STREAM_CHUNK_CHARS = 64_000
etag = decorator_from_middleware(ConditionalGetMiddleware)


def offers_data(data_view):
    """Give an HTML view `?format=json|csv`: then `data_view(request, fmt, ...)` answers instead."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            fmt = request.GET.get("format")
            if fmt in FORMATS:
                return data_view(request, fmt, *args, **kwargs)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def _csv_chunks(header: list[str], rows):
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    buffer.write(BOM)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name) for name in header])
        if buffer.tell() > STREAM_CHUNK_CHARS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(filename: str, header: list[str], rows, *, stream: bool = False) -> HttpResponse:
    """A CSV download: a header row, then each row (a dict) in the header's order. `stream` for long
    lists, written as they are read instead of held whole."""
    chunks = _csv_chunks(header, rows)
    if stream:
        response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse("".join(chunks), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def json_response(data) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
