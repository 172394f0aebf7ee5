"""styrkort jobs [UUID] [-o FILE]: the background jobs, or one of them, from the command line."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from styrkort.core.jobs import STATE_LABELS, job_file
from styrkort.core.models import Job


class Command(BaseCommand):
    help = "Visa bakgrundsjobben (de senaste 20), eller ett jobb och dess resultat."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("job", nargs="?", help="jobbets id")
        parser.add_argument("-o", "--output", help="spara jobbets fil här")

    def handle(self, *args: Any, job: str | None, output: str | None, **options: Any) -> None:
        if job is None:
            for j in Job.objects.select_related("owner")[:20]:
                self.stdout.write(
                    f"{j.pk}  {j.created_at:%Y-%m-%d %H:%M}  {STATE_LABELS[Job.State(j.state)]:12}"
                    f" {j.progress:3} %  {j.title}"
                )
            return
        try:
            found = Job.objects.filter(pk=uuid.UUID(job)).first()
        except ValueError:
            found = None
        if found is None:
            raise CommandError(f"Jobbet {job} finns inte.")
        self.stdout.write(
            f"{found.title}\nLäge: {STATE_LABELS[Job.State(found.state)]}, {found.progress} %"
            + (f": {found.progress_text}" if found.progress_text else "")
        )
        if found.error:
            self.stdout.write(found.error)
        content = job_file(found) if found.state == Job.State.DONE else None
        if content is None:
            return
        if output:
            Path(output).write_bytes(content)
            self.stdout.write(f"{found.file_name} sparad som {output} ({len(content)} byte).")
        elif found.content_type.startswith("text/plain"):
            self.stdout.write(content.decode("utf-8"))
        else:
            self.stdout.write(f"Filen {found.file_name}: hämta den med -o FIL.")
