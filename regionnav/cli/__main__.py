"""``python -m regionnav.cli`` runs the command line (used by the benchmarks)."""

from regionnav.cli import main

main()
