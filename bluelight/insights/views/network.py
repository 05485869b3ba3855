"""The network page (who collaborates with whom) and the same network as data: `/network.json`, `/network.csv`.

Public and the same for everyone: it counts published records (or an edition's frozen entries) only.
Reads are in insights/network.py.
"""


from django.http import Http404
from django.shortcuts import render

from bluelight.core.data_responses import FORMATS, csv_response, etag, json_response, offers_data
from bluelight.insights import network


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
        return csv_response(f"network-{table}.csv", network.CSV_TABLES[table], rows)
    body = network.network_json(data, query, absolute=request.build_absolute_uri)
    return json_response(body)


@offers_data(network_data)
def network_page(request):
    query = network.network_query(request.GET)
    data = network.network_page_data(query=query, params=request.GET, page_number=request.GET.get("page"))
    return render(request, "insights/network_page.html", {"data": data})
