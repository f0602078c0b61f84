"""One measured step in a process of its own; prints a JSON line of figures.

``python -m regionnav.bench.child parse FILE`` times a bare lxml parse;
``python -m regionnav.bench.child import DATABASE_URL FILE`` times an import.
Both report ``seconds``, ``posts`` and ``peak_rss_mb`` (the largest maximum
resident set size of this process and the reading process it started).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def bare_parse(path: Path) -> int:
    """Stream the file with lxml alone, freeing each post: the floor of parsing."""
    from lxml import etree

    posts = 0
    for _event, element in etree.iterparse(
        str(path), tag="Folkbokforingspost", resolve_entities=False, no_network=True
    ):
        posts += 1
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]
    return posts


def timed_import(url: str, path: Path) -> int:
    from regionnav.mirror import import_delivery
    from regionnav.store.engine import open_engine
    from regionnav.store.migrate import upgrade

    engine = open_engine(url)
    upgrade(engine)
    started = time.perf_counter()
    summary = import_delivery(engine, path)
    _report(summary.posts, time.perf_counter() - started)
    return summary.posts


def _report(posts: int, seconds: float) -> None:
    # The importer reads large files in a child process: count the larger.
    peak_kb = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    print(
        json.dumps({"posts": posts, "seconds": seconds, "peak_rss_mb": peak_kb / 1024})
    )


def main(argv: list[str]) -> None:
    if argv[:1] == ["parse"]:
        started = time.perf_counter()
        posts = bare_parse(Path(argv[1]))
        _report(posts, time.perf_counter() - started)
    elif argv[:1] == ["import"]:
        timed_import(argv[1], Path(argv[2]))
    else:
        sys.exit("usage: child parse FILE | child import DATABASE_URL FILE")


if __name__ == "__main__":
    main(sys.argv[1:])
