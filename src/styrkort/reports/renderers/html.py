"""The follow-up as a standalone, accessible HTML document in the published layout."""

from __future__ import annotations

from django.template.loader import render_to_string

from styrkort.reports.builders import FollowUpReport


def render_followup_html(report: FollowUpReport) -> bytes:
    return render_to_string("reports/followup.html", {"report": report}).encode("utf-8")
