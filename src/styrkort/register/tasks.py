"""The register's periodic jobs (run by `styrkort worker`)."""

from datetime import timedelta

from styrkort.core.periodic import periodic
from styrkort.register.search_index import rebuild_search_index

# The search index is kept up to date on every write; this rebuilds it from the tables, so
# nothing can leave it wrong for long.
periodic("register.search_index", every=timedelta(hours=1))(rebuild_search_index)
