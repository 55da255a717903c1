"""The code lists' values as the reader reads them: regions, event types, modalities, participants' roles, sex and
age bands, grant statuses, indicator levels, milestones, the app's roles.

The data keeps its English codes (data_pipeline/contract.py): filters, URLs, queries and exports use them; only
what is shown is translated, here, at display time. Every value of the contract's lists is marked below (N_) so
`make translations` puts it in the catalogs; tests/dashboards/i18n/test_codes.py fails when the contract gains a
value this module does not list. Topics are free text from the sources, not a code list: they stay as written.
"""

from __future__ import annotations

from dashboards.i18n import N_, _

REGIONS = {
    "East & Southern Africa": N_("East & Southern Africa"),
    "West Africa & Sahel": N_("West Africa & Sahel"),
    "MENA": N_("MENA"),
    "South Asia": N_("South Asia"),
    "Central & Southeast Asia and Pacific": N_("Central & Southeast Asia and Pacific"),
    "Western Balkans": N_("Western Balkans"),
    "Europe": N_("Europe"),
    "North America": N_("North America"),
    "Latin America & Caribbean": N_("Latin America & Caribbean"),
}
EVENT_TYPES = {
    "training": N_("Training"), "workshop": N_("Workshop"), "city exchange": N_("City exchange"),
    "regional meeting": N_("Regional meeting"), "global summit": N_("Global summit"), "webinar": N_("Webinar"),
    "online module": N_("Online module"),
}
MODALITIES = {"in person": N_("In person"), "online": N_("Online"), "hybrid": N_("Hybrid")}
GENDERS = {"female": N_("Female"), "male": N_("Male"), "non-binary": N_("Non-binary"),
           "undisclosed": N_("Undisclosed")}
AGE_BANDS = {"under 18": N_("Under 18"), "undisclosed": N_("Undisclosed")}  # the others are numbers: "18-24"
PARTICIPANT_ROLES = {
    "municipal official": N_("Municipal official"), "elected official": N_("Elected official"),
    "police": N_("Police"), "education": N_("Education"), "youth work": N_("Youth work"), "health": N_("Health"),
    "social work": N_("Social work"), "faith leader": N_("Faith leader"), "civil society": N_("Civil society"),
    "other": N_("Other"),
}
GRANT_STATUSES = {"pipeline": N_("Pipeline"), "active": N_("Active"), "completed": N_("Completed"),
                  "suspended": N_("Suspended"), "cancelled": N_("Cancelled")}
RESULT_TYPES = {"output": N_("Output"), "outcome": N_("Outcome"), "impact": N_("Impact (level)")}
MILESTONES = {
    "focal point named": N_("Focal point named"),
    "local prevention network formed": N_("Local prevention network formed"),
    "action plan adopted": N_("Action plan adopted"),
    "action plan funded": N_("Action plan funded"),
    "good practice published": N_("Good practice published"),
}
# an indicator report's status (marts: indicator_achievement), as the grids and charts show it
INDICATOR_STATUSES = {"on track": N_("on track"), "off track": N_("off track"), "awaiting data": N_("awaiting data"),
                      "not due": N_("not due"), "no target": N_("no target")}
MEMBERSHIP_KINDS = {"founding member": N_("Founding member"), "member": N_("Member"), "observer": N_("Observer")}
# the app's roles (security/access.py ROLES), by code
ROLES = {
    "admin": N_("Administrator (ISD data team)"),
    "programme_manager": N_("Programme manager (ISD)"),
    "steering_committee": N_("Steering committee member"),
    "hub_lead": N_("Regional hub lead"),
    "donor": N_("Donor"),
    "public": N_("Public"),
}
LISTS = {"region": REGIONS, "event_type": EVENT_TYPES, "modality": MODALITIES, "gender": GENDERS,
         "age_band": AGE_BANDS, "role": PARTICIPANT_ROLES, "status": GRANT_STATUSES, "result_type": RESULT_TYPES,
         "milestone": MILESTONES, "membership": MEMBERSHIP_KINDS, "indicator_status": INDICATOR_STATUSES}
# the code-list columns of the app's grids (components/grids.grid_rows(codes=...))
INDICATOR_GRID = {"result_type": "result_type", "status": "indicator_status", "region": "region"}
GRANT_GRID = {"status": "status", "region": "region"}


def name(kind: str, value: str) -> str:
    """`value` of the code list `kind` ("region", "event_type", ...) in the reader's language; a value the list
    does not know (an age band "18-24", free text) as it is."""
    english = LISTS[kind].get(value)
    if english is None:
        return value
    # "Impact (level)" tells the level apart from the page in the catalogs; the reader sees the word alone
    shown = _(english)
    return shown.removesuffix(" (level)") if shown == english else shown


def region_name(region: str) -> str:
    return name("region", region)


def event_type_name(event_type: str) -> str:
    return name("event_type", event_type)


def role_name(role: str) -> str:
    """The app's role `role` ("hub_lead") as the reader reads it ("Responsable de pôle régional")."""
    return _(ROLES[role]) if role in ROLES else role


def options(kind: str, values) -> list[dict]:
    """Dropdown options for code-list values: the reader's words as labels, the code as the value."""
    return [{"label": name(kind, v), "value": v} for v in values]
