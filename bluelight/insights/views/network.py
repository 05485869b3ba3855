"""The network page (who collaborates with whom) and the same network as data: `/network.json`, `/network.csv`.

Public and the same for everyone: it counts published records (or an edition's frozen entries) only.
Reads are in insights/network.py.
"""

import io

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render

from bluelight.core.spreadsheets import csv_writer
from bluelight.explorer.formats import BOM, FORMATS, etag, offers_data
from bluelight.insights import network


def _csv(filename: str, header: list[str], rows: list[dict]) -> HttpResponse:
    """At most some 11,000 rows (every pair of a few hundred organisations): written whole, not streamed."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv_writer(buffer)
    writer.writerow(header)
    writer.writerows([row[name] for name in header] for row in rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@etag
def network_data(request, fmt: str):
    """JSON: counts, nodes, links and isolated bodies; CSV: one table, `?table=links` (the default),
    `organisations` or `isolated`. The page's filters, read the same way, notices included in JSON."""
    if fmt not in FORMATS:
        raise Http404
    query = network.network_query(request.GET)
    data = network.network_data(query)
    if fmt == "csv":
        table = request.GET.get("table") or "links"
        if table not in network.CSV_TABLES:
            raise Http404
        rows = network.network_csv_rows(data, table, absolute=request.build_absolute_uri)
        return _csv(f"network-{table}.csv", network.CSV_TABLES[table], rows)
    body = network.network_json(data, query, absolute=request.build_absolute_uri)
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


@offers_data(network_data)
def network_page(request):
    query = network.network_query(request.GET)
    data = network.network_page_data(query=query, params=request.GET, page_number=request.GET.get("page"))
    return render(request, "insights/network_page.html", {"data": data})
