"""Viewers of every kind and a PDF's text, for the committee pack's tests."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader

from dashboards.security import access

ADMIN = access.Viewer("admin@test.scn", "admin")
MANAGER = access.Viewer("manager@test.scn", "programme_manager")
STEERING = access.Viewer("steering@test.scn", "steering_committee")
HUB = access.Viewer("hub@test.scn", "hub_lead", regions=("MENA",))
HUB_EUROPE = access.Viewer("hub-europe@test.scn", "hub_lead", regions=("Europe",))
DONOR = access.Viewer("donor@test.scn", "donor", donor_id="DON-01")
PUBLIC = access.PUBLIC_VIEWER


def pdf_text(data: bytes) -> str:
    """Every page's text of a PDF, as pypdf reads it, whitespace made single."""
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(BytesIO(data)).pages)
