"""The zstd dictionaries that stored posts were compressed with, in the store.

See :mod:`regionnav.store.packing` for why posts are compressed with one.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection, insert, select

from regionnav.store.models import PostDictionary


def register(connection: Connection, dictionary: bytes) -> int:
    """The id of ``dictionary`` in the store, which keeps it from now on."""
    digest = hashlib.sha256(dictionary).hexdigest()
    known = connection.execute(
        select(PostDictionary.id).where(PostDictionary.digest == digest)
    ).scalar_one_or_none()
    if known is not None:
        return int(known)
    created = connection.execute(
        insert(PostDictionary)
        .values(digest=digest, content=dictionary)
        .returning(PostDictionary.id)
    )
    return int(created.scalar_one())


def load_dictionary(connection: Connection, dictionary_id: int) -> bytes:
    content = connection.execute(
        select(PostDictionary.content).where(PostDictionary.id == dictionary_id)
    ).scalar_one()
    return bytes(content)
