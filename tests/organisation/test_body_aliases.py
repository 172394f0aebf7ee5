"""Other names for a body, which importers accept for its headings (issue 12)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from styrkort.core.actors import SYSTEM
from styrkort.core.audit import history
from styrkort.core.status import default_scale
from styrkort.organisation.models import Body
from styrkort.organisation.services import body_set_aliases, status_set_synonyms


def test_aliases_are_stored_cleaned_and_audited(region):
    hsn = region.bodies["HSN"]
    changes = body_set_aliases(
        actor=SYSTEM,
        body=hsn,
        aliases=" Hälso- och sjukvårdsstyrelsen ,HSN, hälso- och sjukvårdsstyrelsen,Vårdnämnden",
    )
    hsn.refresh_from_db()
    assert hsn.aliases == "Hälso- och sjukvårdsstyrelsen, Vårdnämnden"
    assert hsn.names() == [
        "Hälso- och sjukvårdsnämnden", "HSN", "Hälso- och sjukvårdsstyrelsen", "Vårdnämnden"
    ]  # fmt: skip
    assert changes["aliases"] == ["", "Hälso- och sjukvårdsstyrelsen, Vårdnämnden"]
    assert "aliases" in history(hsn).last().changes


def test_an_alias_that_names_another_body_is_refused(region):
    with pytest.raises(ValidationError, match="'RS' är redan ett namn på Regionstyrelsen"):
        body_set_aliases(actor=SYSTEM, body=region.bodies["HSN"], aliases="RS")
    assert Body.objects.get(abbreviation="HSN", organisation=region.org).aliases == ""


def test_only_the_admin_sets_aliases(region):
    with pytest.raises(PermissionDenied):
        body_set_aliases(actor=region.controller, body=region.bodies["HSN"], aliases="Vård")
    body_set_aliases(actor=region.admin_user, body=region.bodies["HSN"], aliases="Vård")


def test_status_synonyms_are_set_and_may_not_name_another_status(region):
    statuses = {s.label: s for s in default_scale(region.org).statuses.all()}
    assert status_set_synonyms(actor=SYSTEM, status=statuses["Grön"], synonyms=["Ja", "AVSLUTAT"])
    assert statuses["Grön"].words() == ["Grön", "Ja", "AVSLUTAT"]
    with pytest.raises(ValidationError, match="'Ja' är redan ett ord för statusen Grön"):
        status_set_synonyms(actor=SYSTEM, status=statuses["Röd"], synonyms="Nej,ja")
