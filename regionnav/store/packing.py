"""Posts are stored compressed: zstd with a dictionary made for Navet posts.

A post is about 1.7 KB of XML whose tags repeat in every post. zstd alone
shrinks one post 2.4 times; with a dictionary trained on posts, about 7 times,
in a few microseconds either way. The mirror writes a seventh of the bytes on
import (and SQLite's checkpoint copies a seventh), and a lookup reads a
seventh from disk.

The dictionary ships with Regionnav (``data/posts.zdict``, trained on
generated posts that hold only Skatteverket's test personnummer; see
:func:`train`). An import stores it in ``post_dictionaries`` the first time it
is used, and every version row names the dictionary its post was compressed
with, so that the rows stay readable whatever dictionary a later release
ships. A row without a dictionary holds its post uncompressed. Keeping the
dictionaries is :mod:`regionnav.store.dictionaries`'s part; this module is the
codec alone, light enough for the importer's reading processes to load.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import zstandard

from regionnav.errors import StoreError

SHIPPED = Path(__file__).parent / "data" / "posts.zdict"
LEVEL = 3
DICTIONARY_BYTES = 16 * 1024
# Far beyond any post; a larger size is a corrupted frame.
MAX_UNPACKED_BYTES = 16 * 1024 * 1024


def shipped_dictionary() -> bytes:
    return SHIPPED.read_bytes()


class Packer:
    """Compresses posts with one dictionary; one per thread or process."""

    def __init__(self, dictionary: bytes) -> None:
        self._compressor = zstandard.ZstdCompressor(
            level=LEVEL, dict_data=zstandard.ZstdCompressionDict(dictionary)
        )

    def pack(self, post: bytes) -> bytes:
        return self._compressor.compress(post)


class Unpacker:
    """Decompresses stored posts; shared by the threads of a server.

    ``load`` fetches a dictionary's content by its id the first time a row
    names it. zstd decompression contexts are not shared between threads.
    """

    def __init__(self, load: Callable[[int], bytes]) -> None:
        self._load = load
        self._dictionaries: dict[int, zstandard.ZstdCompressionDict] = {}
        self._lock = threading.Lock()
        self._local = threading.local()

    def unpack(self, dictionary_id: int | None, stored: bytes) -> bytes:
        """The post as it was stored; :class:`StoreError` if it cannot be."""
        if not isinstance(stored, bytes):
            raise StoreError("a stored post is not bytes")
        if dictionary_id is None:
            return stored
        try:
            return self._unpack(dictionary_id, stored)
        except zstandard.ZstdError as exc:
            raise StoreError("a stored post cannot be unpacked") from exc

    def _unpack(self, dictionary_id: int, stored: bytes) -> bytes:
        contexts: dict[int, zstandard.ZstdDecompressor] | None = getattr(
            self._local, "contexts", None
        )
        if contexts is None:
            contexts = self._local.contexts = {}
        context = contexts.get(dictionary_id)
        if context is None:
            context = contexts[dictionary_id] = zstandard.ZstdDecompressor(
                dict_data=self._dictionary(dictionary_id)
            )
        # A corrupted frame could claim any size: no post is this long.
        if zstandard.frame_content_size(stored) > MAX_UNPACKED_BYTES:
            raise StoreError("a stored post claims an impossible size")
        return context.decompress(stored)

    def _dictionary(self, dictionary_id: int) -> zstandard.ZstdCompressionDict:
        with self._lock:
            found = self._dictionaries.get(dictionary_id)
            if found is None:
                found = zstandard.ZstdCompressionDict(self._load(dictionary_id))
                self._dictionaries[dictionary_id] = found
            return found


def train(posts: Sequence[bytes]) -> bytes:
    """A dictionary for posts like ``posts`` (use generated posts only)."""
    return zstandard.train_dictionary(DICTIONARY_BYTES, list(posts)).as_bytes()


def main(argv: Sequence[str]) -> None:
    """``python -m regionnav.store.packing DELIVERY``: train the shipped dictionary.

    DELIVERY must be one made by ``regionnav navet generate``.
    """
    from adapters.navet.reader import read_delivery

    with read_delivery(Path(argv[0])) as navet:
        posts = [post.xml for post in navet.posts()]
    SHIPPED.write_bytes(train(posts))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
