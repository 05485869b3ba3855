"""The words of the demo world: per-theme titles, descriptions and outcomes, lessons, reasons and names.

Placeholders: {place} (a town, or a region or "England and Wales" for wider schemes), {area}
(the police force area), {police}, {fire}, {ambulance} (the partners' names) and {codename}.
"""

from dataclasses import dataclass

# Which kinds of partner a theme brings together: P police force, F fire and rescue,
# A ambulance trust, C police (fire) and crime commissioner. The first letter usually leads.


@dataclass(frozen=True)
class OutcomeText:
    measure: str
    text: str
    low: float
    high: float
    decimals: int = 0


@dataclass(frozen=True)
class ThemeText:
    weight: float
    partners: str
    titles: tuple[str, ...]
    descriptions: tuple[str, ...]
    outcomes: tuple[OutcomeText, ...] = ()
    # Relative weights of local, regional and national scope.
    scopes: tuple[float, float, float] = (1.0, 0.0, 0.0)
    # Multiplier on typical sums of money (a shared headquarters costs more than a falls team).
    money: float = 1.0
    regional_titles: tuple[str, ...] = ()
    national_titles: tuple[str, ...] = ()


def _response(text: str = "Average response time to these calls cut by {v} minutes") -> OutcomeText:
    return OutcomeText("response_minutes", text, 1.5, 9, 1)


def _hours(text: str = "Officer and staff hours released: {v} a year") -> OutcomeText:
    return OutcomeText("hours_released", text, 400, 12000)


def _incidents(text: str, low: float = 50, high: float = 2500) -> OutcomeText:
    return OutcomeText("incidents", text, low, high)


def _lives(text: str, low: float = 2, high: float = 40) -> OutcomeText:
    return OutcomeText("lives_saved", text, low, high)


THEMES: dict[str, ThemeText] = {
    "fr_cardiac_arrest": ThemeText(
        4,
        "FA",
        (
            "Fire co-response to cardiac arrests in {place}",
            "{place} cardiac arrest co-responding pilot",
            "Firefighters sent to suspected cardiac arrests around {place}",
        ),
        (
            "{ambulance} mobilises {fire} crews in and around {place} to suspected cardiac arrests at the "
            "same time as an ambulance. Crews carry defibrillators and start CPR until paramedics arrive.",
            "A trial in which on-call firefighters near {place} respond to cardiac arrest calls, giving "
            "early CPR and defibrillation while the nearest ambulance is on its way.",
        ),
        (
            _response("Average time to first responder at cardiac arrests cut by {v} minutes"),
            _lives("Patients with a return of circulation after fire crews began CPR: {v}"),
            _incidents("Cardiac arrests attended by fire crews: {v}", 60, 900),
        ),
    ),
    "fr_efr": ThemeText(
        3,
        "FA",
        (
            "Emergency First Response by fire crews in {place}",
            "{place} Emergency First Response scheme",
            "Wider medical response by firefighters around {place}",
        ),
        (
            "Firefighters trained to the ambulance-defined Emergency First Response standard attend a "
            "wider range of life-threatening calls (breathing difficulties, unconsciousness, choking) "
            "around {place}.",
            "{fire} and {ambulance} agreed a list of medical calls that fire crews attend when they can "
            "arrive first, with clinical governance and training provided by {ambulance}.",
        ),
        (_response(), _incidents("Medical calls attended by fire crews: {v}", 100, 3000)),
    ),
    "fr_community_safety_responder": ThemeText(
        2,
        "FPA",
        (
            "Tri-service safety officers in {place}",
            "Community safety responder covering rural {place}",
            "{area} tri-service officer pilot",
        ),
        (
            "A single officer, funded jointly by {police}, {fire} and {ambulance}, combines prevention work, "
            "on-call fire cover and first response to medical calls around {place}.",
            "Tri-service officers based at {place} carry out home safety visits, respond to low-level crime "
            "reports and attend medical emergencies until an ambulance arrives.",
        ),
        (_hours(), _response(), _incidents("Incidents attended by tri-service officers: {v}", 100, 1500)),
    ),
    "fr_telecare": ThemeText(
        2,
        "FA",
        (
            "Falls response by fire crews in {place}",
            "Telecare alarm response partnership, {place}",
            "Non-injury falls team for {place}",
        ),
        (
            "A {fire} team answers telecare alarms and lifts people who have fallen without injury, so that "
            "{ambulance} does not send an emergency ambulance to these calls around {place}.",
            "Falls response vehicles crewed by fire staff, dispatched from {ambulance}'s control room to "
            "non-injury falls in {place}.",
        ),
        (
            _hours("Ambulance hours released: {v} a year"),
            _incidents("Falls attended: {v}", 200, 4000),
        ),
    ),
    "fr_coresponding": ThemeText(
        4,
        "FA",
        (
            "On-call co-responding from {place} fire station",
            "{place} co-responder scheme",
            "Co-responding with the ambulance service in {place}",
        ),
        (
            "On-call firefighters at {place} are dispatched by {ambulance} to medical emergencies in their "
            "community and give care until an ambulance crew arrives.",
            "A long-standing co-responder scheme: {fire} crews volunteer to respond to medical calls from "
            "their station at {place}, using equipment provided by {ambulance}.",
        ),
        (_response(), _incidents("Co-responder calls attended: {v}", 100, 2000)),
    ),
    "fr_ambulance_support": ThemeText(
        2,
        "FA",
        (
            "Firefighters driving ambulances during winter pressures, {place}",
            "Fire support to ambulance crews during surge demand in {place}",
            "Fire crews assisting with bariatric patients in {place}",
        ),
        (
            "During periods of very high demand, {fire} staff drive ambulances for {ambulance} paramedics "
            "around {place}, keeping more ambulances on the road.",
            "Fire crews with specialist lifting equipment help {ambulance} move patients safely from their "
            "homes around {place}.",
        ),
        (_hours("Ambulance shifts covered with fire support: {v} hours"),),
    ),
    "dm_forced_entry": ThemeText(
        4,
        "FAP",
        (
            "Fire service gaining entry for the ambulance service in {place}",
            "{area} forced entry protocol",
            "Concern for welfare calls: fire service entry on behalf of {ambulance}",
        ),
        (
            "When {ambulance} cannot reach a patient behind a locked door, {fire} now gains entry instead of "
            "{police}, freeing police officers in {area} for policing work.",
            "A protocol under which fire crews force entry to premises around {place} for the ambulance "
            "service, usually arriving sooner and causing less damage than police officers did.",
        ),
        (
            _hours("Police hours released from gaining entry: {v} a year"),
            _incidents("Entries made by fire crews: {v}", 100, 3000),
        ),
    ),
    "dm_missing_people": ThemeText(
        3,
        "PF",
        (
            "Fire service search teams for high-risk missing people, {area}",
            "{place} missing person search support",
            "Drone and search teams from {fire} for {police}",
        ),
        (
            "{fire} search teams, drones and water rescue crews support {police} in searches for high-risk "
            "missing people across {area}.",
            "Police search advisers can call on fire service search capability around {place}, saving "
            "officer hours and finding vulnerable people sooner.",
        ),
        (
            _hours(),
            _lives("Missing people found alive by fire search teams: {v}", 3, 60),
            _incidents("Searches supported: {v}", 20, 400),
        ),
    ),
    "dm_sudden_deaths": ThemeText(
        1,
        "PA",
        ("Revised attendance at expected deaths in {area}", "Sudden death attendance protocol, {place}"),
        (
            "{police} and {ambulance} agreed when police need to attend an expected death at home in {area}, "
            "cutting attendance that added nothing and distressed families.",
        ),
        (_hours(),),
    ),
    "dm_clinical_desk": ThemeText(
        3,
        "PA",
        (
            "Mental health nurses in the {police} control room",
            "Clinical triage of police calls in {place}",
            "Paramedic in the force control room, {area}",
        ),
        (
            "Clinicians sit in the {police} control room, advising call handlers and speaking to callers in "
            "mental health crisis so that fewer calls need an officer or an ambulance.",
            "A paramedic from {ambulance} works in the police control room serving {place}, triaging calls "
            "with a health element and dispatching the right service.",
        ),
        (_hours(), _incidents("Calls resolved without a deployment: {v}", 300, 8000)),
    ),
    "dm_jru": ThemeText(
        3,
        "PA",
        (
            "Joint response unit in {place}",
            "{place} police and paramedic car",
            "Night-time economy joint response vehicle, {place}",
        ),
        (
            "A paramedic from {ambulance} and a police officer from {police} crew one vehicle in {place}, "
            "attending calls that need both services, such as assaults and people in crisis.",
            "At weekends a joint police and paramedic car covers {place} town centre, treating people at "
            "the scene and keeping them out of the emergency department.",
        ),
        (_hours(), _incidents("Patients treated without conveyance to hospital: {v}", 100, 2500)),
    ),
    "dm_pcso_oncall": ThemeText(
        2,
        "PF",
        (
            "PCSOs as on-call firefighters in {place}",
            "{place} police community support officers on the fire rota",
            "Joint PCSO and on-call firefighter roles around {place}",
        ),
        (
            "{police} community support officers are also contracted as on-call firefighters at {place}, "
            "keeping a fire appliance available during the working day.",
        ),
        (OutcomeText("hours_released", "On-call fire cover hours added: {v} a year", 1000, 9000),),
    ),
    "dm_rural_vehicle": ThemeText(
        2,
        "PF",
        ("Rural intervention vehicle covering {place}", "Joint police and fire rural response car, {place}"),
        (
            "A vehicle crewed by a police officer and a firefighter covers the rural area around {place}, "
            "dealing with minor fires, road traffic collisions and calls for police help.",
        ),
        (_response(), _incidents("Incidents attended: {v}", 100, 1500)),
    ),
    "es_shared_hq": ThemeText(
        3,
        "PF",
        (
            "Shared police and fire headquarters at {place}",
            "{police} moves into {fire} headquarters",
            "Joint headquarters for {area}",
        ),
        (
            "{police} and {fire} moved their headquarters into one building at {place}, sharing reception, "
            "meeting rooms, catering and security.",
            "A single headquarters for the emergency services of {area}, replacing two ageing buildings and "
            "bringing chief officer teams together.",
        ),
        (OutcomeText("other", "Floor space released: {v} square metres", 800, 9000),),
        money=4,
    ),
    "es_vehicle_workshop": ThemeText(
        3,
        "FP",
        (
            "Joint vehicle workshop at {place}",
            "{area} shared fleet maintenance",
            "Combined transport services for {police} and {fire}",
        ),
        (
            "Police and fire vehicles in {area} are serviced and repaired at one workshop at {place}, with "
            "one fleet management system and shared technicians.",
            "{fire} and {police} merged their transport departments, sharing workshops, fuel contracts and "
            "fleet management.",
        ),
        (OutcomeText("other", "Vehicle days off the road saved: {v} a year", 200, 3000),),
        scopes=(0.8, 0.2, 0.0),
        money=2,
        regional_titles=("Regional blue light fleet workshop for {place}",),
    ),
    "es_training_centre": ThemeText(
        2,
        "FP",
        ("Shared training centre at {place}", "Joint driver training school, {area}"),
        (
            "{fire} and {police} built a joint training centre at {place} with shared classrooms, a driving "
            "track and realistic incident scenarios.",
        ),
        (_hours("Trainer hours shared: {v} a year"),),
        scopes=(0.7, 0.3, 0.0),
        money=3,
        regional_titles=("Joint emergency services training centre for {place}",),
    ),
    "es_tri_service_hub": ThemeText(
        3,
        "FPA",
        (
            "Tri-service station at {place}",
            "{place} blue light hub",
            "Police, fire and ambulance community station, {place}",
        ),
        (
            "Police, fire and ambulance crews share one station at {place}, with common facilities and an "
            "ambulance standby point.",
            "A new station at {place} brings {police}, {fire} and {ambulance} under one roof, replacing "
            "three separate buildings.",
        ),
        (_response("Ambulance response times from the hub improved by {v} minutes"),),
        money=3,
    ),
    "es_joint_facilities": ThemeText(
        5,
        "PF",
        (
            "Police team moves into {place} fire station",
            "Shared station at {place}",
            "{place} joint police and fire station",
        ),
        (
            "The {police} neighbourhood team moved into {place} fire station, sharing the building and its "
            "running costs with {fire}.",
            "Fire and police staff share a refurbished station at {place}; the vacated police building was sold.",
        ),
        (OutcomeText("other", "Buildings vacated: {v}", 1, 3),),
        money=2,
    ),
    "es_daps": ThemeText(
        3,
        "AF",
        (
            "Ambulance standby points at {place} fire station",
            "Dynamic activation posts in {area}",
            "Ambulance crews on standby at police and fire stations around {place}",
        ),
        (
            "{ambulance} crews wait between calls at fire and police stations around {place}, with access to "
            "rest facilities and closer to where calls arise.",
        ),
        (_response("Ambulance response times in the area improved by {v} minutes"),),
    ),
    "es_fleet_procurement": ThemeText(
        1,
        "FP",
        ("Joint vehicle specification for {area}", "Shared fleet purchasing, {place}"),
        (
            "Blue light services agreed common vehicle specifications and bought vehicles together, "
            "getting better prices and interchangeable parts.",
        ),
        (),
        scopes=(0.4, 0.6, 0.0),
        money=2,
        regional_titles=(
            "Joint fleet procurement across {place}",
            "Common blue light vehicle framework for {place}",
        ),
    ),
    "cr_colocated": ThemeText(
        3,
        "PF",
        ("Joint control room at {place}", "{area} co-located emergency control centre"),
        (
            "{police} and {fire} call handlers work side by side in one control room at {place}, seeing each "
            "other's incidents and coordinating their response.",
            "Fire control moved into the police force control room at {place}; the services keep their own "
            "systems but share the building, resilience and supervision.",
        ),
        (_response("Call handling time cut by {v} minutes"), _incidents("Joint incidents coordinated: {v}")),
        money=3,
    ),
    "cr_shared_system": ThemeText(
        2,
        "FP",
        ("Shared mobilising system for {area}", "Common command and control platform, {area}"),
        (
            "Services replaced separate mobilising systems with one shared command and control platform, "
            "with shared maintenance and a common fallback site.",
        ),
        (_response("Time to mobilise cut by {v} minutes"),),
        scopes=(0.5, 0.5, 0.0),
        money=3,
        regional_titles=("Shared fire mobilising system across {place}",),
    ),
    "al_programme": ThemeText(
        3,
        "PFC",
        (
            "{area} blue light collaboration programme",
            "{area} emergency services collaboration board",
            "Blue light and public estate programme for {place}",
        ),
        (
            "A formal programme between {police}, {fire} and their governing bodies covering estates, back "
            "office, prevention and operational response across {area}.",
            "Chief officers in {area} signed a statement of intent to collaborate, with a joint programme "
            "board and a shared list of projects.",
        ),
        (),
        money=2,
    ),
    "al_integrated_team": ThemeText(
        2,
        "FP",
        (
            "Joint operations planning team, {area}",
            "Integrated community safety team in {place}",
            "Joint arson reduction team, {place}",
        ),
        (
            "Police and fire staff in {area} work in one team under one manager, planning for events and "
            "major incidents together.",
            "A joint team in {place} tackles deliberate fires and anti-social behaviour, combining fire "
            "investigation with police intelligence.",
        ),
        (_hours(), _incidents("Deliberate fires reduced by {v}", 20, 400)),
    ),
    "al_governance": ThemeText(
        2,
        "CFP",
        (
            "Fire governance moves to the police, fire and crime commissioner in {area}",
            "Business case for a fire governance transfer, {area}",
        ),
        (
            "The commissioner for {area} took on responsibility for {fire}, under the Policing and Crime Act "
            "2017, to drive collaboration between police and fire.",
        ),
        (),
    ),
    "is_community_safety": ThemeText(
        2,
        "PF",
        (
            "Operation {codename}: shared data on vulnerable people in {place}",
            "Joint tasking on arson and anti-social behaviour, {place}",
        ),
        (
            "{police} and {fire} share data on vulnerable people and high-risk addresses around {place}, so "
            "that either service can arrange safety visits and support.",
        ),
        (_incidents("Vulnerable people referred for support: {v}", 50, 1500),),
    ),
    "is_protocol_learning": ThemeText(
        2,
        "PFA",
        (
            "{area} information sharing agreement for blue light services",
            "Joint debriefs and shared learning after major incidents, {area}",
        ),
        (
            "A single information sharing agreement and a joint debrief process let the services of {area} "
            "learn from incidents together and act on what they find.",
        ),
        (),
    ),
    "is_embedded_officer": ThemeText(
        1,
        "FP",
        (
            "Fire officer embedded in the {area} counter-terrorism unit",
            "Police liaison officer seconded to {fire}",
        ),
        (
            "An officer from one service works inside the other's specialist unit, sharing intelligence and "
            "planning joint responses to terrorist incidents.",
        ),
        (),
    ),
    "wc_community_engagement": ThemeText(
        2,
        "FP",
        ("Community hub at {place} fire station", "Police desk and library in {place} fire station"),
        (
            "{place} fire station opened its doors as a community hub, with a police front desk, meeting "
            "rooms for local groups and a library service.",
        ),
        (_incidents("Visitors a month: {v}", 100, 2000),),
    ),
    "wc_housing": ThemeText(
        1,
        "FP",
        (
            "Safety visits with housing providers in {place}",
            "High-rise residential safety partnership, {place}",
        ),
        (
            "Fire and police work with housing providers in {place} to visit tenants at risk, check fire "
            "safety in high-rise blocks and tackle anti-social behaviour.",
        ),
        (_incidents("Homes visited: {v}", 200, 5000),),
    ),
    "wc_lrf": ThemeText(
        2,
        "PFA",
        ("{area} local resilience forum flood exercise", "Joint emergency planning team for {area}"),
        (
            "The services of {area} plan and exercise together through the local resilience forum, with a "
            "joint emergency planning team and shared on-call arrangements.",
        ),
        (),
    ),
    "wc_health": ThemeText(
        2,
        "FA",
        (
            "Safe and well partnership with the NHS in {place}",
            "Hospital discharge support by fire crews, {place}",
        ),
        (
            "{fire} staff support people leaving hospital in {place}, checking their homes are safe and "
            "referring them to health and social care services.",
        ),
        (_incidents("People supported after hospital discharge: {v}", 100, 3000),),
    ),
    "pv_safe_and_well": ThemeText(
        4,
        "FPA",
        ("Joint safe and well visits in {place}", "{area} home visits covering falls, crime and fire risk"),
        (
            "Home safety visits in {place} cover fire risk, crime prevention, falls and health, with "
            "referrals between {fire}, {police} and {ambulance}.",
            "A single home visit by {fire} now covers the safety concerns of all three services across "
            "{area}, targeting people referred by partners.",
        ),
        (_incidents("Safe and well visits completed: {v}", 500, 12000),),
    ),
    "pv_crit": ThemeText(
        2,
        "FPA",
        ("Community risk intervention team, {place}", "{place} prevention and low-priority response team"),
        (
            "A community risk intervention team in {place} combines prevention visits with response to "
            "low-priority calls for {police} and {ambulance}, such as falls and welfare checks.",
        ),
        (_hours(), _incidents("Low-priority calls attended: {v}", 200, 4000)),
    ),
    "bo_shared_services": ThemeText(
        3,
        "PF",
        (
            "Shared HR and payroll for {police} and {fire}",
            "Joint finance and ICT services, {area}",
            "Combined estates and facilities management, {area}",
        ),
        (
            "{police} and {fire} merged support functions into a shared service, with one team, one system "
            "and one set of processes.",
        ),
        (),
        scopes=(0.8, 0.2, 0.0),
        money=3,
        regional_titles=("Shared back office services across {place}",),
    ),
    "bo_procurement": ThemeText(
        2,
        "FP",
        ("Joint procurement team for {area}", "Pooled insurance for blue light services in {area}"),
        (
            "Blue light services buy goods and services through one procurement team and common frameworks, "
            "and pool their insurance.",
        ),
        (),
        scopes=(0.4, 0.6, 0.0),
        money=2,
        regional_titles=(
            "Regional procurement hub for {place}",
            "Pooled insurance arrangement across {place}",
        ),
    ),
    "nat_interop": ThemeText(
        1,
        "PFA",
        ("Joint commander training in {area}", "Interoperability exercises for {area} commanders"),
        (
            "Commanders from all three services train and exercise together using the joint doctrine for "
            "major incidents, so that they share situational awareness and decisions.",
        ),
        (),
        scopes=(0.6, 0.2, 0.2),
        regional_titles=("Interoperability training programme across {place}",),
        national_titles=("Joint doctrine for major incidents: training for commanders in {place}",),
    ),
    "nat_police_fire_overview": ThemeText(
        0.5,
        "PF",
        ("Stock-take of police and fire collaboration in {area}",),
        (
            "The services of {area} reviewed every police and fire collaboration in the area and agreed "
            "which to extend, using the national overview as a guide.",
        ),
        (),
        scopes=(0.5, 0.0, 0.5),
        national_titles=("Stock-take of police and fire collaboration across {place}",),
    ),
    "nat_consensus": ThemeText(
        0.5,
        "FA",
        ("Consensus statement on health and wellbeing: {area} delivery plan",),
        (
            "Local delivery of the national consensus statement on improving health and wellbeing, with "
            "fire and ambulance services agreeing shared priorities in {area}.",
        ),
        (),
        scopes=(0.6, 0.0, 0.4),
        national_titles=("Health and wellbeing consensus statement: delivery across {place}",),
    ),
    "nat_demand_guide": ThemeText(
        0.5,
        "AP",
        ("Managing shared demand: adopting the national guide in {area}",),
        (
            "{police} and {ambulance} adopted the national best practice guide on managing shared demand, "
            "agreeing who attends which calls in {area}.",
        ),
        (_hours(),),
        scopes=(0.7, 0.0, 0.3),
        national_titles=("Managing shared demand: a guide for services across {place}",),
    ),
}

CODENAMES = ("Ivy", "Hearth", "Beacon", "Lantern", "Kestrel", "Harbour", "Willow", "Keystone")

# (status reason, lesson, top-level themes it fits or () for any): discontinued records keep
# what did not work.
DISCONTINUED = (
    (
        "Stopped when the national agreement on firefighters' wider role lapsed.",
        "The scheme depended on a national agreement for the wider role; when it lapsed crews could no "
        "longer be mobilised. Secure the employment basis before launch.",
        ("first_response",),
    ),
    (
        "Funding ended and no partner would carry the running cost.",
        "The pilot was grant-funded and no partner had budgeted for it afterwards. Agree the long-term "
        "funding split at the start.",
        (),
    ),
    (
        "Call volumes were far lower than forecast.",
        "Demand modelling used county-wide figures; the area served produced a fraction of the calls "
        "expected. Test the demand model against a month of real calls first.",
        ("first_response", "demand", "prevention"),
    ),
    (
        "The two control systems could not be integrated at a reasonable cost.",
        "Incompatible mobilising systems with different contract end dates made integration too expensive. "
        "Align procurement cycles before sharing a control room.",
        ("control",),
    ),
    (
        "The building proved unsuitable and the lease was given up.",
        "Security vetting, custody and evidence storage requirements for police staff were not costed early enough.",
        ("estates",),
    ),
    (
        "Partners withdrew after a change of leadership.",
        "The collaboration rested on two chief officers' personal commitment; no formal agreement survived "
        "their departure.",
        (),
    ),
    (
        "Paused by the ambulance trust over clinical governance concerns.",
        "Training, clinical supervision and incident reporting for fire responders were not agreed before go-live.",
        ("first_response", "demand"),
    ),
    (
        "Representative bodies did not support the change.",
        "Trade unions and staff associations were consulted late; involve them in the design, not only in "
        "the consultation.",
        (),
    ),
)

# (status reason, top-level themes it fits or () for any)
COMPLETED = (
    ("Pilot completed as planned and absorbed into business as usual.", ()),
    ("Building work finished and the project closed.", ("estates",)),
    ("Time-limited project; the evaluation has been published.", ()),
    ("Superseded by a wider regional arrangement.", ()),
    ("Objectives met; the partners agreed to close the project.", ()),
)

LESSONS = (
    "Early agreement on information sharing saved months later on.",
    "Giving staff access to each other's IT systems took longer than the building work.",
    "Different shift patterns had to be aligned before a joint team could work.",
    "Staff visits before the move reduced resistance.",
    "Measure the baseline before starting: savings were hard to prove afterwards.",
    "Staff working across services needed legal advice on their terms of employment.",
    "Vetting standards differ between the services; allow time for them.",
    "A named lead in each organisation kept the project moving.",
    "Public consultation on closing the old station took longer than planned.",
)

PLANNING_NOTES = (
    "Business case to be considered by the partners' boards.",
    "Awaiting a decision on capital funding.",
    "Options appraisal under way.",
    "Consultation with staff and representative bodies planned.",
)

# Grants received for the work: external funding, never a saving. (name, first year, last year)
FUNDS = (
    ("Police Innovation Fund grant", 2014, 2015),
    ("Fire Transformation Fund grant", 2015, 2016),
    ("Police Transformation Fund grant", 2016, 2019),
    ("One Public Estate grant", 2014, 2026),
    ("NHS winter pressures funding", 2015, 2026),
)

ROLES = {
    "police_force": ("Provides officers and premises", "Operational partner", ""),
    "fire_and_rescue": ("Provides crews and premises", "Operational partner", ""),
    "ambulance_trust": ("Clinical governance and dispatch", "Operational partner", ""),
    "police_and_crime_commissioner": ("Sponsor and funder", "Governance", ""),
    "other": ("Operational partner", ""),
}

CONTACT_ROLES = (
    "Collaboration programme manager",
    "Head of collaboration",
    "Project manager",
    "Area manager",
    "Superintendent, partnerships",
    "Station manager",
)

FIRST_NAMES = (
    "Alex",
    "Amira",
    "Ben",
    "Chloe",
    "Dev",
    "Eilidh",
    "Farah",
    "Gareth",
    "Hannah",
    "Idris",
    "Jess",
    "Kiran",
    "Laura",
    "Marcus",
    "Nia",
    "Owen",
    "Priya",
    "Rhys",
    "Sam",
    "Tom",
    "Una",
    "Vikram",
    "Wendy",
    "Yusuf",
    "Zoe",
)
LAST_NAMES = (
    "Ashdown",
    "Barraclough",
    "Carrow",
    "Dunmore",
    "Ellery",
    "Fenwick",
    "Garside",
    "Holloway",
    "Ingram",
    "Jessop",
    "Kettering",
    "Lowther",
    "Marchant",
    "Nettleton",
    "Oakley",
    "Pennick",
    "Quarrie",
    "Rowntree",
    "Sheldrake",
    "Thwaite",
    "Upton",
    "Varley",
    "Whitlock",
    "Yardley",
)

# Fictional publishers of demo evidence, so no real body is credited with a report it never wrote.
EVIDENCE_AUTHORS = (
    "Centre for Emergency Services Research (fictional)",
    "Northfield University Policing Institute (fictional)",
    "Blue Light Evaluation Unit (fictional)",
    "Wessex Public Services Audit (fictional)",
)
