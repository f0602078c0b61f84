"""``python -m regionnav.cli`` runs the command line (used by the benchmarks)."""

from regionnav.cli import main

# Guarded: the importer's reading process is started with "spawn", which
# imports the main module again under another name.
if __name__ == "__main__":
    main()
