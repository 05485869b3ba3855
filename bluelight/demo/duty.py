"""Demo duty to collaborate record: three opportunities Surrey Police considered, written through the duty services.

One went ahead (linked to a demo collaboration of Surrey Police and Surrey Fire and Rescue Service, when the demo
world has one), one was declined because public safety would have been harmed, one is under consideration.
Idempotent: an opportunity already in Surrey Police's record under the same title is left as it is.
"""

import datetime

from bluelight.accounts.models import User
from bluelight.collaborations.models import Collaboration, Theme
from bluelight.insights.duty import DutyNotificationData, DutyOpportunityData, duty_opportunity_create
from bluelight.insights.models import DutyOpportunity
from bluelight.organisations.models import Organisation

D = datetime.date
KEEPER = "surrey_police"


def _surrey_collaboration() -> Collaboration | None:
    """The first demo collaboration (by id) with both Surrey Police and Surrey Fire and Rescue Service as partners."""
    return (
        Collaboration.objects.filter(is_demo=True, merged_into__isnull=True, partners__organisation__slug=KEEPER)
        .filter(partners__organisation__slug="surrey_frs")
        .order_by("pk")
        .first()
    )


def _opportunities() -> list[tuple[DutyOpportunityData, list[tuple[str, datetime.date, str]]]]:
    station = _surrey_collaboration()
    theme = station.primary_theme if station is not None and station.primary_theme else None
    return [
        (
            DutyOpportunityData(
                title="Police and fire sharing stations in Surrey",
                proposal=(
                    "Move neighbourhood policing teams into fire stations where both services cover the same "
                    "area, sharing buildings, maintenance and community rooms."
                ),
                theme=theme or Theme.objects.filter(code="es_joint_facilities").first(),
                source="own",
                identified_on=D(2022, 9, 5),
                considered_jointly_on=D(2022, 11, 14),
                joint_consideration=(
                    "Joint estates board of Surrey Police and Surrey Fire and Rescue Service, with the county "
                    "council's property team; reviewed a site-by-site business case."
                ),
                decision="proceed",
                decided_on=D(2023, 1, 10),
                efficiency="yes",
                effectiveness="yes",
                public_safety_harm="no",
                reasons=(
                    "Efficiency: running costs fall by an estimated £180,000 a year once two police buildings close. "
                    "Effectiveness: officers are based nearer the areas they patrol. Public safety: no change to "
                    "fire cover or response times, as the fire station's crewing is unchanged."
                ),
                collaboration=station,
            ),
            [("surrey_frs", D(2022, 9, 12), "Supports the proposal; offered three stations for a first phase.")],
        ),
        (
            DutyOpportunityData(
                title="One control room for police and fire calls",
                proposal="Answer and dispatch police and fire emergency calls from a single control room in Guildford.",
                theme=Theme.objects.filter(code="cr_colocated").first(),
                source="proposal",
                identified_on=D(2023, 2, 6),
                considered_jointly_on=D(2023, 5, 22),
                joint_consideration=(
                    "Joint control room review by both services and South East Coast Ambulance Service, "
                    "including a mobilising system options appraisal."
                ),
                decision="decline",
                decided_on=D(2023, 7, 3),
                efficiency="yes",
                effectiveness="no",
                public_safety_harm="yes",
                reasons=(
                    "Efficiency: a shared building would save about £90,000 a year. Effectiveness: no gain, as the "
                    "two mobilising systems cannot be merged before 2027. Public safety: moving fire control while "
                    "its system is replaced would leave it without a fallback site for about nine months, a risk "
                    "to call answering times the partners would not accept."
                ),
            ),
            [
                ("surrey_frs", D(2023, 2, 6), "Proposed it."),
                ("south_east_coast_as", D(2023, 2, 20), "Not able to join before its own system is replaced."),
            ],
        ),
        (
            DutyOpportunityData(
                title="Joint drone team for missing person searches",
                proposal=(
                    "Share police drone pilots with fire crews for searches of open water and countryside, with "
                    "one rota and one training course."
                ),
                theme=Theme.objects.filter(code="dm_missing_people").first(),
                source="finder",
                identified_on=D(2024, 4, 15),
            ),
            [("surrey_frs", D(2024, 4, 29), "Interested; asked for the cost of joint training.")],
        ),
    ]


def demo_duty_load() -> int:
    """Surrey Police's demo duty record; returns how many opportunities it created (0 when already there)."""
    keeper = Organisation.objects.get(slug=KEEPER)
    author = User.objects.filter(username="editor.surrey").first()
    existing = set(DutyOpportunity.objects.filter(organisation=keeper).values_list("title", flat=True))
    created = 0
    for data, notified in _opportunities():
        if data.title in existing:
            continue
        data.notifications = [
            DutyNotificationData(Organisation.objects.get(slug=slug), day, response) for slug, day, response in notified
        ]
        duty_opportunity_create(organisation=keeper, data=data, user=author)
        created += 1
    return created
