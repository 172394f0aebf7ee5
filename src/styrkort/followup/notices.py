"""Who is told when an assessment moves on, recorded in the workflow's own transaction
(styrkort.notifications; the mail face delivers it from the worker).

- submitted: the body's approvers (not the one who submitted it, nor under four eyes its
  writer, who may not approve it);
- sent back: its writer, with the reason;
- approved: its writer.
Never the person who acted. A secret item is named only as secret, and so is the reason a
text on it was sent back (it could quote the item): e-mail leaves the system.
"""

from __future__ import annotations

from django.urls import reverse

from styrkort.core.actors import Actor, person
from styrkort.core.secrecy import effectively_secret
from styrkort.followup.models import Assessment
from styrkort.notifications.models import Kind
from styrkort.notifications.services import notices_record
from styrkort.organisation.models import Membership


def assessment_notify(*, actor: Actor, assessment: Assessment) -> None:
    period, body, item = assessment.period, assessment.body, assessment.item
    organisation = period.organisation
    acting = person(actor)
    secret = effectively_secret(item)
    text = " ".join(item.text.split())
    named = (
        "en sekretessbelagd punkt"
        if secret
        else f"”{text[:119] + '…' if len(text) > 120 else text}”"
    )
    if assessment.state == Assessment.State.SUBMITTED:
        kind = Kind.SUBMITTED
        approvers = Membership.objects.filter(
            organisation=organisation, role="approver", body=body, user__is_active=True
        ).select_related("user")
        recipients = [
            m.user
            for m in approvers
            if not (organisation.four_eyes and m.user_id == assessment.author_id)
        ]
        writer = getattr(acting, "get_full_name", lambda: "")() or str(acting or "styrkort")
        subject = f"Att godkänna: {body.abbreviation}:s bedömning i {period}"
        message = (
            f"{writer} har klarmarkerat {body.name}s bedömning av {named} i {period}. "
            "Den väntar på godkännande."
        )
    elif assessment.state == Assessment.State.RETURNED:
        kind = Kind.RETURNED
        recipients = [assessment.author] if assessment.author else []
        subject = f"Tillbakaskickad: {body.abbreviation}:s bedömning i {period}"
        message = f"{body.name}s bedömning av {named} i {period} har skickats tillbaka till dig."
        if assessment.return_reason and not secret:
            message += f"\n\nSkäl: {assessment.return_reason}"
    elif assessment.state == Assessment.State.APPROVED:
        kind = Kind.APPROVED
        recipients = [assessment.author] if assessment.author else []
        subject = f"Godkänd: {body.abbreviation}:s bedömning i {period}"
        message = f"{body.name}s bedömning av {named} i {period} är godkänd."
    else:
        return
    notices_record(
        organisation=organisation,
        recipients=[r for r in recipients if r.is_active],
        actor=actor,
        kind=kind,
        key=f"{kind}:assessment={assessment.pk}:v={assessment.version}",
        subject=subject,
        text=message,
        link=reverse("followup:item", args=[organisation.slug, period.pk, item.pk]),
    )
