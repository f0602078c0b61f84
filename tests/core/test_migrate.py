"""Migrations carry a store that holds data.

SQLite rebuilds a table to alter it; with foreign keys on, dropping the old
table fails once rows refer to it, which an empty store never shows.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree
from sqlalchemy import text

from regionnav.records import Records
from regionnav.store.engine import open_engine
from regionnav.store.migrate import upgrade
from tests.mirror.deliveries import ADULT, PostSpec, post

ROWS = (
    "INSERT INTO deliveries (id, filename, checksum, kind, posts, new, changed, "
    "unchanged, started_at, finished_at, seconds, result) VALUES (1, 'f.xml', 'c', "
    "'GRUNDUTTAG', 1, 1, 0, 0, :at, :at, 0.1, 'imported')",
    "INSERT INTO person_versions (id, person_id, changed_at, valid_from, delivery_id, "
    "imported_at, digest, post_xml) VALUES (1, :person, 20250101120000, "
    "20250101120000, 1, :at, :digest, :post)",
    "INSERT INTO persons (person_id, id_kind, version_id, valid_from, digest, "
    "sekretessmarkering, skyddad_folkbokforing, lan_kod, kommun_kod) VALUES "
    "(:person, 'PNR', 1, 20250101120000, :digest, false, false, '25', '2580')",
)


def test_a_sqlite_store_written_at_0002_migrates_to_head_and_reads_its_posts(
    tmp_path: Path,
) -> None:
    bare_engine = open_engine(f"sqlite:///{tmp_path}/old.db")
    # Rows as the code of migration 0002 wrote them: posts stored plain.
    upgrade(bare_engine, "0002")
    stored = etree.tostring(post(PostSpec(ADULT)))
    values = {"person": ADULT, "at": "2025-01-01 12:00:00", "digest": b"d" * 32,
              "post": stored}  # fmt: skip
    with bare_engine.begin() as connection:
        for statement in ROWS:
            connection.execute(text(statement), values)

    upgrade(bare_engine)

    person = Records(bare_engine).current([ADULT])[ADULT]
    assert person.post_xml == stored
    assert person.kommun_kod == "2580"
    bare_engine.dispose()
