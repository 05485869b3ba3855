"""The admin, through the real client: who may open what, and the collaboration rules holding there."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest

from bluelight.accounts.models import Role
from bluelight.collaborations import rules
from bluelight.collaborations.models import Benefit, Collaboration, Partner, Provenance, Publication
from bluelight.collaborations.tests.factories import make_collaboration
from bluelight.organisations.models import Organisation

COLLABORATIONS = "/admin/collaborations/collaboration/"
ADD = COLLABORATIONS + "add/"


def message(code: str) -> str:
    """A rule's message as the page shows it (HTML-escaped)."""
    from django.utils.html import escape

    return escape(next(r.message for r in rules.RULES if r.code == code))


class _FormReader(HTMLParser):
    """Reads the values a browser would submit from the page's main form."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, {}
        self._select = self._textarea = None

    def _add(self, name, value):
        if name and "__prefix__" not in name:
            self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self._add(a.get("name"), a.get("value") or ("on" if a.get("type") == "checkbox" else ""))
        elif tag == "select":
            self._select = {"name": a.get("name"), "multiple": "multiple" in a, "first": None, "chosen": []}
        elif tag == "option" and self._select:
            if self._select["first"] is None:
                self._select["first"] = a.get("value", "")
            if "selected" in a:
                self._select["chosen"].append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self._add(self._textarea, "")

    def handle_data(self, data):
        if self._textarea and self._textarea in self.data:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            select, self._select = self._select, None
            chosen = select["chosen"]
            if not chosen and not select["multiple"] and select["first"] is not None:
                chosen = [select["first"]]  # a browser submits the first option
            for value in chosen:
                self._add(select["name"], value)
        elif tag == "textarea" and self._textarea:
            # Browsers drop the newline Django writes after <textarea>.
            values = self.data.get(self._textarea)
            if values and values[-1].startswith("\n"):
                values[-1] = values[-1][1:]
            self._textarea = None
        elif tag == "form":
            self.inside = False


def form_data(response, form_id: str = "collaboration_form") -> dict:
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    return {name: values if len(values) > 1 else (values[0] if values else "") for name, values in reader.data.items()}


def drop_rows(data: dict, prefix: str) -> None:
    for name in [n for n in data if n.startswith(f"{prefix}-") and n.split("-")[1].isdigit()]:
        del data[name]


def add_payload(client, partners, benefits=(), **fields) -> dict:
    """The add page's own form, filled in: partners as (organisation, is_lead) pairs."""
    data = form_data(client.get(ADD))
    data.update(title="Joint station at Epsom", status="operational", scope="local", publication="draft")
    for prefix in ("partners", "benefits"):
        drop_rows(data, prefix)
    data["partners-TOTAL_FORMS"] = str(len(partners))
    for i, (organisation, is_lead) in enumerate(partners):
        data[f"partners-{i}-organisation"] = str(organisation.pk)
        if is_lead:
            data[f"partners-{i}-is_lead"] = "on"
    data["benefits-TOTAL_FORMS"] = str(len(benefits))
    for i, benefit in enumerate(benefits):
        for key, value in benefit.items():
            data[f"benefits-{i}-{key}"] = value
    data.update(fields)
    return data


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Collaboration, Partner, Benefit, Provenance))


@pytest.fixture
def surrey(cast):
    """A draft between Surrey Police (editor A's) and Surrey Fire and Rescue Service."""
    return make_collaboration("surrey_police", "surrey_frs", title="Surrey joint estates", publication="draft")


@pytest.fixture
def kent(cast):
    """A draft between Kent Fire and Rescue Service (editor B's) and Kent Police."""
    return make_collaboration("kent_frs", "kent_police", title="Kent shared control room", publication="draft")


# Getting in ---------------------------------------------------------------------------------


def test_anonymous_is_redirected_to_login(client):
    response = client.get(COLLABORATIONS)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_site_header_names_the_observatory(client, cast):
    client.force_login(cast.analyst)
    assert "Blue Light Collaboration Observatory — records" in client.get("/admin/").content.decode()


def test_editor_signs_in_by_role_without_the_staff_flag(client, cast, django_user_model, org):
    editor = django_user_model.objects.create_user("editor_c", password="pw", role=Role.EDITOR, is_staff=False)
    editor.organisations.add(org("surrey_police"))
    response = client.post("/admin/login/?next=/admin/", {"username": "editor_c", "password": "pw"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_inactive_user_cannot_sign_in(client, cast):
    cast.analyst.is_active = False
    cast.analyst.save()
    response = client.post("/admin/login/", {"username": "analyst", "password": "pw"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


# What an analyst may open --------------------------------------------------------------------


def test_analyst_opens_collaboration_pages_without_any_permission_rows(client, cast, surrey):
    assert not cast.analyst.user_permissions.exists() and not cast.analyst.is_superuser
    client.force_login(cast.analyst)
    for url in (COLLABORATIONS, ADD, f"{COLLABORATIONS}{surrey.pk}/change/"):
        assert client.get(url).status_code == 200, url


def test_analyst_opens_organisation_pages(client, cast, org):
    client.force_login(cast.analyst)
    surrey_police = org("surrey_police")
    for url in (
        "/admin/organisations/organisation/",
        "/admin/organisations/organisation/add/",
        f"/admin/organisations/organisation/{surrey_police.pk}/change/",
        "/admin/organisations/organisation/?q=Surrey&has_successor=no",
        "/admin/organisations/policeforcearea/",
    ):
        assert client.get(url).status_code == 200, url


def test_analyst_opens_theme_pages(client, cast, theme):
    client.force_login(cast.analyst)
    for url in (
        "/admin/collaborations/theme/",
        "/admin/collaborations/theme/add/",
        f"/admin/collaborations/theme/{theme('es_joint_facilities').pk}/change/",
        "/admin/collaborations/evidenceitem/add/",
    ):
        assert client.get(url).status_code == 200, url


def test_changelist_filters_and_search_answer(client, cast, surrey, kent):
    client.force_login(cast.analyst)
    for query in (
        "?q=Kent+Police",
        "?service=fire",
        "?region=South+East",
        "?theme=estates",
        "?status=operational&publication=draft&scope=local&is_demo__exact=0",
    ):
        assert client.get(COLLABORATIONS + query).status_code == 200, query
    page = client.get(COLLABORATIONS + "?q=Kent+Police").content.decode()
    assert "Kent shared control room" in page and "Surrey joint estates" not in page
    page = client.get(COLLABORATIONS).content.decode()
    assert "Kent Fire and Rescue Service" in page  # the lead
    assert "Fire and rescue, Police" in page  # the services


# What an editor may open -------------------------------------------------------------------


def test_editor_sees_only_their_organisations_records_in_the_changelist(client, cast, surrey, kent):
    make_collaboration("kent_frs", "kent_police", title="Kent published record")
    client.force_login(cast.editor_a)
    page = client.get(COLLABORATIONS).content.decode()
    assert "Surrey joint estates" in page
    assert "Kent shared control room" not in page
    assert "Kent published record" not in page


def test_editor_gets_not_found_for_another_organisations_record(client, cast, kent):
    client.force_login(cast.editor_a)
    for url in ("change/", "delete/", "history/"):
        assert client.get(f"{COLLABORATIONS}{kent.pk}/{url}").status_code in (403, 404), url
    response = client.post(f"{COLLABORATIONS}{kent.pk}/change/", {"title": "Taken over"})
    assert response.status_code in (403, 404)
    kent.refresh_from_db()
    assert kent.title == "Kent shared control room"


def test_editor_can_view_the_register_but_not_change_it(client, cast, org):
    client.force_login(cast.editor_a)
    surrey_police = org("surrey_police")
    url = f"/admin/organisations/organisation/{surrey_police.pk}/change/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "Renamed"}).status_code == 403
    assert client.get("/admin/organisations/organisation/add/").status_code == 403
    assert client.get("/admin/collaborations/theme/add/").status_code == 403
    assert client.get("/admin/collaborations/evidenceitem/add/").status_code == 403
    assert client.get("/admin/collaborations/evidenceitem/").status_code == 200
    surrey_police.refresh_from_db()
    assert surrey_police.name == "Surrey Police"


def test_analyst_sees_the_history_page_and_an_editor_does_not(client, cast, surrey):
    url = f"{COLLABORATIONS}{surrey.pk}/history/"
    client.force_login(cast.analyst)
    assert client.get(url).status_code == 200
    client.force_login(cast.editor_a)
    assert client.get(url).status_code == 403


def test_history_cannot_be_reverted_through_the_admin(client, cast, surrey):
    version = surrey.history.latest().history_id
    client.force_login(cast.analyst)
    url = f"{COLLABORATIONS}{surrey.pk}/history/{version}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"title": "Reverted"}).status_code == 403


def test_only_admins_manage_users(client, cast, org):
    for user in (cast.analyst, cast.editor_a):
        client.force_login(user)
        assert client.get("/admin/accounts/user/").status_code == 403
        assert client.get(f"/admin/accounts/user/{cast.editor_b.pk}/change/").status_code == 403
        assert "/admin/accounts/user/" not in client.get("/admin/").content.decode()
    client.force_login(cast.admin)
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get(f"/admin/accounts/user/{cast.editor_b.pk}/change/").status_code == 200
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "editor_d",
            "usable_password": "true",
            "password1": "a-long-Passphrase-9",
            "password2": "a-long-Passphrase-9",
            "role": Role.EDITOR,
            "organisations": [org("kent_police").pk],
        },
    )
    assert response.status_code == 302
    created = cast.admin.__class__.objects.get(username="editor_d")
    assert created.role == Role.EDITOR
    assert list(created.organisations.values_list("slug", flat=True)) == ["kent_police"]


# The rules hold in the admin -------------------------------------------------------------


def test_one_partner_is_refused_with_col001_and_nothing_is_written(client, cast, org):
    client.force_login(cast.analyst)
    before = counts()
    response = client.post(ADD, add_payload(client, [(org("surrey_police"), True)]))
    assert response.status_code == 200
    assert message("COL001") in response.content.decode()
    assert counts() == before


def test_two_leads_are_refused_with_col002(client, cast, org):
    client.force_login(cast.analyst)
    before = counts()
    response = client.post(ADD, add_payload(client, [(org("surrey_police"), True), (org("surrey_frs"), True)]))
    assert message("COL002") in response.content.decode()
    assert counts() == before


def test_a_partner_listed_twice_is_refused_with_col003(client, cast, org):
    client.force_login(cast.analyst)
    before = counts()
    police = org("surrey_police")
    response = client.post(ADD, add_payload(client, [(police, True), (police, False), (org("surrey_frs"), False)]))
    assert message("COL003") in response.content.decode()
    assert counts() == before


def benefit(amount: str, accrues_to=None) -> dict:
    return {
        "kind": "annual_saving",
        "amount_gbp": amount,
        "basis": "estimated",
        "price_year": "2016",
        "accrues_to": str(accrues_to.pk) if accrues_to else "",
    }


def test_a_negative_amount_is_refused(client, cast, org):
    client.force_login(cast.analyst)
    before = counts()
    payload = add_payload(
        client, [(org("surrey_police"), True), (org("surrey_frs"), False)], benefits=[benefit("-100")]
    )
    response = client.post(ADD, payload)
    assert response.status_code == 200
    assert "greater than or equal to 0" in response.content.decode()
    assert counts() == before


def test_a_benefit_accruing_to_a_non_partner_is_refused_with_col006(client, cast, org):
    client.force_login(cast.analyst)
    before = counts()
    payload = add_payload(
        client,
        [(org("surrey_police"), True), (org("surrey_frs"), False)],
        benefits=[benefit("5000", accrues_to=org("kent_police"))],
    )
    response = client.post(ADD, payload)
    assert message("COL006") in response.content.decode()
    assert counts() == before


def test_publishing_without_a_theme_is_refused_with_col007(client, cast, org):
    client.force_login(cast.analyst)
    before = counts()
    payload = add_payload(client, [(org("surrey_police"), True), (org("surrey_frs"), False)], publication="published")
    response = client.post(ADD, payload)
    assert message("COL007") in response.content.decode()
    assert counts() == before


def test_a_valid_post_creates_the_record_with_its_services_derived(client, cast, org, theme):
    client.force_login(cast.analyst)
    payload = add_payload(
        client,
        [(org("surrey_police"), True), (org("surrey_frs"), False)],
        benefits=[benefit("25000", accrues_to=org("surrey_frs"))],
        primary_theme=str(theme("es_joint_facilities").pk),
        start_date="2016-04-01",
    )
    response = client.post(ADD, payload)
    assert response.status_code == 302, form_errors(response)
    created = Collaboration.objects.get(title="Joint station at Epsom")
    assert created.services == "fire,police"
    assert created.lead == org("surrey_police")
    assert created.benefits.get().amount_gbp == Decimal("25000")
    assert created.provenance.get().label == "Entered in the admin by an analyst"  # no username (issue 18)


def form_errors(response) -> str:
    """The page's error list, to explain a failed assertion."""
    content = response.content.decode()
    start = content.find("errornote")
    return content[start : start + 3000] if start >= 0 else content[:500]


def test_analyst_can_move_the_lead_to_another_partner(client, cast, surrey, org):
    client.force_login(cast.analyst)
    url = f"{COLLABORATIONS}{surrey.pk}/change/"
    data = form_data(client.get(url))
    # Rows come lead first: Surrey Police, then Surrey Fire and Rescue Service.
    del data["partners-0-is_lead"]
    data["partners-1-is_lead"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    surrey.refresh_from_db()
    assert surrey.lead == org("surrey_frs")


def test_changing_the_partners_updates_the_services(client, cast, surrey, org):
    client.force_login(cast.analyst)
    url = f"{COLLABORATIONS}{surrey.pk}/change/"
    data = form_data(client.get(url))
    index = int(data["partners-TOTAL_FORMS"]) - 1  # the blank extra row
    data[f"partners-{index}-organisation"] = str(org("south_east_coast_as").pk)
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    surrey.refresh_from_db()
    assert surrey.services == "ambulance,fire,police"


# Editors' limits -----------------------------------------------------------------------------


def test_editor_edits_their_own_record(client, cast, surrey):
    client.force_login(cast.editor_a)
    url = f"{COLLABORATIONS}{surrey.pk}/change/"
    data = form_data(client.get(url))
    data["title"] = "Surrey joint estates, phase 2"
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    surrey.refresh_from_db()
    assert surrey.title == "Surrey joint estates, phase 2"


def test_editor_cannot_publish(client, cast, surrey, theme):
    client.force_login(cast.editor_a)
    url = f"{COLLABORATIONS}{surrey.pk}/change/"
    data = form_data(client.get(url))
    assert "publication" not in data  # shown read-only
    data["publication"] = "published"
    assert client.post(url, data).status_code == 302
    response = client.post(COLLABORATIONS, {"action": "publish_selected", "_selected_action": [surrey.pk]}, follow=True)
    assert response.status_code == 200
    surrey.refresh_from_db()
    assert surrey.publication == Publication.DRAFT


def test_editor_cannot_remove_all_their_organisations_from_the_partners(client, cast, surrey, org):
    client.force_login(cast.editor_a)
    url = f"{COLLABORATIONS}{surrey.pk}/change/"
    data = form_data(client.get(url))
    # Swap Surrey Police (row 0, the lead) for Kent Police.
    data["partners-0-organisation"] = str(org("kent_police").pk)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Keep one of your organisations (Surrey Police) as a partner" in response.content.decode()
    assert set(surrey.partners.values_list("organisation__slug", flat=True)) == {"surrey_police", "surrey_frs"}


def test_editor_adds_a_record_only_with_their_organisation_in_it(client, cast, org):
    client.force_login(cast.editor_a)
    before = counts()
    response = client.post(ADD, add_payload(client, [(org("kent_police"), True), (org("kent_frs"), False)]))
    assert "Keep one of your organisations (Surrey Police) as a partner" in response.content.decode()
    assert counts() == before
    response = client.post(ADD, add_payload(client, [(org("surrey_police"), True), (org("surrey_frs"), False)]))
    assert response.status_code == 302, form_errors(response)
    assert Collaboration.objects.get().publication == Publication.DRAFT


def test_the_provenance_of_an_editors_record_names_their_organisation_not_them(client, cast, org):
    client.force_login(cast.editor_a)
    response = client.post(ADD, add_payload(client, [(org("surrey_police"), True), (org("surrey_frs"), False)]))
    assert response.status_code == 302, form_errors(response)
    created = Collaboration.objects.get()
    assert created.provenance.get().label == "Entered in the admin by Surrey Police"
    assert created.history.get().history_user == cast.editor_a  # analysts still see who, in the history


def test_editor_finds_organisations_to_add_as_partners(client, cast):
    client.force_login(cast.editor_a)
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "collaborations", "model_name": "partner", "field_name": "organisation", "term": "Kent"},
    )
    assert response.status_code == 200
    assert "Kent Police" in {result["text"] for result in response.json()["results"]}


def test_editor_deletes_their_own_draft_but_not_a_published_record(client, cast, surrey):
    published = make_collaboration("surrey_police", "surrey_frs", title="Surrey published")
    client.force_login(cast.editor_a)
    assert client.post(f"{COLLABORATIONS}{published.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"{COLLABORATIONS}{surrey.pk}/delete/", {"post": "yes"}).status_code == 302
    assert list(Collaboration.objects.values_list("title", flat=True)) == ["Surrey published"]


# Publishing and withdrawing ----------------------------------------------------------------


def test_analyst_publishes_selected_and_is_told_which_fail_the_rules(client, cast, surrey, org):
    no_theme = make_collaboration("kent_frs", "kent_police", title="Kent untitled theme", publication="draft")
    Collaboration.objects.filter(pk=no_theme.pk).update(primary_theme=None)
    client.force_login(cast.analyst)
    response = client.post(
        COLLABORATIONS, {"action": "publish_selected", "_selected_action": [surrey.pk, no_theme.pk]}, follow=True
    )
    page = response.content.decode()
    assert "Published 1 collaboration." in page
    assert "Kent untitled theme" in page and message("COL007") in page
    surrey.refresh_from_db()
    no_theme.refresh_from_db()
    assert surrey.publication == Publication.PUBLISHED
    assert no_theme.publication == Publication.DRAFT


def test_analyst_withdraws_selected(client, cast):
    published = make_collaboration("surrey_police", "surrey_frs", title="Out of date")
    client.force_login(cast.analyst)
    response = client.post(
        COLLABORATIONS, {"action": "withdraw_selected", "_selected_action": [published.pk]}, follow=True
    )
    assert "Withdrew 1 collaboration." in response.content.decode()
    published.refresh_from_db()
    assert published.publication == Publication.WITHDRAWN
    assert published.history.latest().publication == Publication.WITHDRAWN


def test_organisation_register_is_untouched_by_collaboration_tests(org):
    # The fixtures above look organisations up by slug; guard against a renamed register entry.
    assert (
        Organisation.objects.filter(
            slug__in=["surrey_police", "surrey_frs", "kent_frs", "kent_police", "south_east_coast_as"]
        ).count()
        == 5
    )
