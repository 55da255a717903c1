"""Code lists are translated for display only, and every value of the contract's lists has its words."""

from __future__ import annotations

import pytest

from dashboards import i18n
from dashboards.i18n import codes
from dashboards.security import access
from data_pipeline import contract

LISTS = {"region": contract.REGIONS, "event_type": contract.EVENT_TYPES, "modality": contract.MODALITIES,
         "gender": contract.GENDERS, "role": contract.PARTICIPANT_ROLES, "status": contract.GRANT_STATUSES,
         "result_type": contract.RESULT_TYPES, "milestone": contract.MILESTONES,
         "membership": contract.MEMBERSHIP_KINDS}


@pytest.mark.parametrize("kind", sorted(LISTS))
def test_every_contract_value_has_display_words(kind) -> None:
    assert set(codes.LISTS[kind]) == set(LISTS[kind])


def test_every_role_of_the_app_has_display_words_equal_to_its_label() -> None:
    assert {code: role.label for code, role in access.ROLES.items()} == codes.ROLES


def test_names_are_translated_for_display_and_the_code_is_kept_as_the_value() -> None:
    with i18n.using("fr"):
        assert codes.region_name("Western Balkans") == "Balkans occidentaux"
        assert codes.options("event_type", ["city exchange"]) == [{"label": "Échange entre villes",
                                                                   "value": "city exchange"}]
        assert codes.role_name("hub_lead") == "Responsable de pôle régional"
    with i18n.using("ar"):
        assert codes.region_name("Europe") == "أوروبا"
    assert codes.name("result_type", "impact") == "Impact"
    assert codes.name("age_band", "18-24") == "18-24"  # a number needs no words
