"""`styrkort demo --synthetic --no-serve`: the benchmarks' region with the demo's logins."""

from io import StringIO

from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import Client, RequestFactory

from styrkort.followup.models import Assessment, FollowUpPeriod
from styrkort.organisation.models import Membership, Organisation


def _run(*args: str) -> str:
    out = StringIO()
    call_command("demo", "--synthetic", "--no-serve", *args, stdout=out)
    return out.getvalue()


def test_synthetic_demo_loads_the_sizes_asked_for_with_logins_of_password_demo(db):
    out = _run("--items", "4", "--bodies", "2", "--periods", "2", "--organisations", "2")
    assert "2 organisation(er) × 4 punkter × 2 nämnder × 2 perioder (32 bedömningar)" in out
    assert Organisation.objects.count() == 2
    assert Assessment.objects.count() == 2 * 4 * 2 * 2
    first = Organisation.objects.get(name="Syntetisk region")
    roles = dict(
        Membership.objects.filter(organisation=first).values_list("user__username", "role")
    )
    assert roles["controller"] == "controller" and roles["n02_approver"] == "approver"
    assert authenticate(RequestFactory().post("/"), username="n01", password="demo") is not None
    # The controller sees every body's cells in the matrix.
    client = Client()
    client.force_login(Membership.objects.get(organisation=first, role="controller").user)
    period = FollowUpPeriod.objects.filter(organisation=first).order_by("ends_on").last()
    page = client.get(f"/o/{first.slug}/perioder/{period.pk}/")
    assert page.status_code == 200
    assert "N01" in page.content.decode() and "N02" in page.content.decode()
    # A second load adds nothing.
    assert "fanns redan" in _run("--items", "4", "--bodies", "2")
    assert Assessment.objects.count() == 32
