"""Online sources: Statistics Denmark's StatBank client and the snapshot store of its downloads.

A facade that only re-exports; see :mod:`.statbank` and :mod:`.snapshots`.
"""

from byibalance.sources.snapshots import (
    Snapshot,
    active_snapshot,
    data_home,
    list_snapshots,
    use,
    write_snapshot,
)
from byibalance.sources.statbank import TABLES, Download, StatBankClient, download_table

__all__ = [
    "TABLES",
    "Download",
    "Snapshot",
    "StatBankClient",
    "active_snapshot",
    "data_home",
    "download_table",
    "list_snapshots",
    "use",
    "write_snapshot",
]
