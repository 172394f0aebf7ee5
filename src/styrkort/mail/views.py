"""The person's choice of notices, the one-click unsubscribe, and the admin's list of e-mails."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from styrkort.core.errors import NotFound
from styrkort.mail.delivery import KIND_TEXTS
from styrkort.notifications import selectors, services
from styrkort.notifications.models import Delivery, Kind, Mode
from styrkort.organisation.shortcuts import organisation_or_404

MODE_LABELS = {
    Mode.IMMEDIATE: "Direkt, ett e-brev för varje",
    Mode.DIGEST: "En gång om dagen, i en sammanfattning",
    Mode.OFF: "Av",
}
STATE_TEXTS = {
    Delivery.State.SENDING: "Skickas (okänt utfall om den blir kvar)",
    Delivery.State.SENT: "Skickat",
    Delivery.State.REFUSED: "Avvisat av mottagarens server",
    Delivery.State.FAILED: "Misslyckades, försöks igen",
    Delivery.State.NO_ADDRESS: "Ingen e-postadress",
}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """Aviseringar: per kind, immediately, a daily digest, or off."""
    if request.method == "POST":
        for kind in Kind.values:
            mode = request.POST.get(kind)
            if mode in Mode.values:
                services.preference_set(actor=request.user, user=request.user, kind=kind, mode=mode)
        messages.success(request, "Dina val för aviseringar är sparade.")
        return redirect("mail:preferences")
    rows = [
        {
            "kind": row.kind,
            "title": KIND_TEXTS[Kind(row.kind)][0],
            "help": KIND_TEXTS[Kind(row.kind)][1],
            "mode": row.mode,
        }
        for row in selectors.preferences_of(user=request.user)
    ]
    return render(
        request,
        "mail/preferences.html",
        {
            "rows": rows,
            "modes": list(MODE_LABELS.items()),
            "email": request.user.email,  # type: ignore[union-attr]
            "nav": "notices",
        },
    )


@csrf_exempt  # a mail client's one-click POST (RFC 8058) has no session; the signature is the proof
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One-click unsubscribe, without logging in. GET shows what the link turns off and a
    button (a link scanner opening it changes nothing); POST, from the button or from the mail
    client's own unsubscribe, turns it off. A link that is not ours is a plain 404."""
    try:
        _user_id, kinds = services.unsubscribe_target(token)
    except ValidationError:
        raise Http404 from None
    titles = [KIND_TEXTS[Kind(k)][0] for k in kinds]
    if request.method == "POST":
        try:
            services.unsubscribe(token=token)
        except ValidationError:
            raise Http404 from None
        return render(request, "mail/unsubscribed.html", {"titles": titles})
    return render(request, "mail/unsubscribe.html", {"titles": titles, "token": token})


@login_required
def deliveries(request: HttpRequest, org: str) -> HttpResponse:
    """Utskick: the organisation's e-mails and those that did not arrive (its admins only)."""
    organisation = organisation_or_404(request, org)
    try:
        problems = selectors.delivery_problems(viewer=request.user, organisation=organisation)
        latest = selectors.delivery_list(viewer=request.user, organisation=organisation)
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "mail/deliveries.html",
        {
            "organisation": organisation,
            "problems": problems,
            "latest": latest,
            "states": STATE_TEXTS,
            "nav": "settings",
        },
    )
