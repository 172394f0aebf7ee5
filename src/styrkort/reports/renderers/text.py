"""Plain text in the published layout: item, status, then each body's name and comment."""

from styrkort.reports.builders import FollowUpReport


def render_followup_text(report: FollowUpReport) -> str:
    blocks: list[str] = [report.title]
    for item in report.items:
        lines = [item.heading, item.status.label]
        blocks.append("\n".join(lines))
        for comment in item.comments:
            blocks.append(comment.body_name)
            blocks.append(comment.text)
    # The header sits directly above the first item, as in the published documents.
    head, *rest = blocks
    if not rest:
        return head + "\n"
    return head + "\n" + "\n\n".join(rest) + "\n"
