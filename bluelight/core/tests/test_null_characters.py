"""A NUL character in an address is a 400 before any view runs (PostgreSQL refuses it in a query)."""

import pytest


@pytest.mark.parametrize("url", ["/collaborations/?q=a%00b", "/collaborations/?status=%00", "/api/themes/%00/"])
def test_a_nul_in_the_address_is_a_bad_request(client, db, url):
    response = client.get(url)
    assert response.status_code == 400
    assert b"NUL character" in response.content


def test_an_address_without_one_is_served(client, db):
    assert client.get("/collaborations/?q=station").status_code == 200
