"""A person's save or state change names the version they read; a post without it (not from
the page: a script, a stale form of an older release) never overwrites a colleague's text."""

from django.urls import reverse

from styrkort.followup.forms import NO_VERSION
from styrkort.followup.models import Assessment
from tests.followup.test_views import _as, _edit_url, _hsn, ctx  # noqa: F401 (the fixture)


def test_a_save_without_the_version_read_is_refused_and_changes_nothing(client, ctx):  # noqa: F811
    before = _hsn(ctx)
    response = _as(client, "hsn").post(_edit_url(ctx), {"comment": "Utan version."})
    assert response.status_code == 200
    assert NO_VERSION in response.content.decode()
    after = _hsn(ctx)
    assert (after.comment, after.version) == (before.comment, before.version)


def test_the_page_form_carries_the_version_so_a_save_from_it_goes_through(client, ctx):  # noqa: F811
    before = _hsn(ctx)
    editor = _as(client, "hsn")
    assert f'name="version" value="{before.version}"' in editor.get(_edit_url(ctx)).content.decode()
    response = editor.post(_edit_url(ctx), {"comment": "Med version.", "version": before.version})
    assert response.status_code == 302
    assert _hsn(ctx).comment == "Med version."


def test_a_state_change_without_the_version_read_is_refused(client, ctx):  # noqa: F811
    org, period, item = ctx
    a = _hsn(ctx)
    Assessment.objects.filter(pk=a.pk).update(state="submitted")
    url = reverse("followup:approve", args=[org.slug, period.pk, item.pk, "HSN"])
    response = _as(client, "hsn_approver").post(url, follow=True)
    assert NO_VERSION in response.content.decode()
    assert _hsn(ctx).state == "submitted"
    # An approver of another body is still refused for the permission, first.
    assert _as(client, "run_approver").post(url).status_code == 403
