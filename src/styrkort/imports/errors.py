"""The one error an importer of published follow-ups raises: what is wrong and where."""

from __future__ import annotations


class FollowUpImportError(Exception):
    """Bad input: says on which line, what was found and what was expected.

    `where` is how the document counts its places: "Rad" for text and web pages (the line of
    the file), "Stycke" for Word documents (the paragraph, counting table rows as paragraphs).
    """

    def __init__(self, line: int | None, message: str, *, where: str = "Rad") -> None:
        self.line = line
        self.message = message
        self.where = where
        super().__init__(f"{where} {line}: {message}" if line else message)


class NotThisLayout(Exception):
    """The document does not have this layout's shape; the reason is shown in the refusal."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)
