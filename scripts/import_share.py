"""Print the share of real published follow-ups' items that `import_followup` reads right.

    python scripts/import_share.py

Runs tests/imports/test_real_documents.py (a throw-away test database) and prints, for the
development and the held-out documents, how many items came in right (text, receiving body,
status, each comment) and which pages without items were refused.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    sys.exit(
        subprocess.call(
            [
                sys.executable,
                "-m",
                "pytest",
                "tests/imports/test_real_documents.py",
                "-q",
                "-s",
                "-k",
                "refused_and_nothing_crashes",
                "-p",
                "no:cacheprovider",
            ],
            cwd=ROOT,
        )
    )
