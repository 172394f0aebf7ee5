"""The token pages: a user creates, lists and revokes their own API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from styrkort.api import selectors, services
from styrkort.api.forms import TokenForm


@login_required
def token_index(request: HttpRequest) -> HttpResponse:
    """List the user's tokens; POST creates one and shows its secret once, on this response."""
    form = TokenForm(request.POST or None)
    secret = None
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created, secret = services.token_create(
                    actor=request.user, name=form.cleaned_data["name"]
                )
            except ValidationError as exc:
                for field, errors in getattr(
                    exc, "message_dict", {"__all__": exc.messages}
                ).items():
                    form.add_error(field if field in form.fields else None, errors)
        if secret is None:
            status = 422
    response = render(
        request,
        "api/tokens.html",
        {
            "form": TokenForm() if secret else form,
            "tokens": list(selectors.token_list(user=request.user)),
            "secret": secret,
            "created": created,
            "nav": "api-tokens",
        },
        status=status,
    )
    # The secret is in this page only: no cache may keep it.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.token_list(user=request.user).filter(pk=pk).first()
    if token is None:
        raise Http404
    try:
        services.token_revoke(actor=request.user, token=token)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Nyckeln {token.name} är återkallad och fungerar inte längre.")
    return redirect("api-tokens")
