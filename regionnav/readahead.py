"""Reading a Navet delivery in a process of its own while the importer writes.

lxml holds the interpreter lock while it parses, so a reading thread and a
writing thread in one process take turns instead of working together. For a
large delivery the posts are therefore read by a child process and handed
over in batches through a pipe; the pipe's small buffer keeps the child at
most about one batch ahead, so memory stays flat. Small files, where starting
a process costs more than it saves, are read in the importer's own thread.

A refusal in the child (a broken post, a truncated file) comes back as the
same :class:`~regionnav.errors.PostError` or
:class:`~regionnav.errors.DeliveryError`, and the importer's transaction rolls
back as it would have done in one process.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from adapters.navet.facts import PostFacts
from adapters.navet.reader import DeliveryHeader, Post, read_delivery
from regionnav.errors import DeliveryError, PostError, RegionnavError

# Below this size a delivery is read in the importer's thread (a child
# process takes about half a second to start).
READ_AHEAD_BYTES = 32 * 1024 * 1024


class Batches:
    """The posts of one delivery in batches, then its header."""

    header: DeliveryHeader | None = None

    def __iter__(self) -> Iterator[list[Post]]:
        raise NotImplementedError


class LocalBatches(Batches):
    """Read in the calling thread."""

    def __init__(self, path: Path, size: int) -> None:
        self.path = path
        self.size = size

    def __iter__(self) -> Iterator[list[Post]]:
        with read_delivery(self.path) as navet:
            posts = navet.posts()
            while batch := list(islice(posts, self.size)):
                self.header = navet.header
                yield batch
            self.header = navet.header


class ChildBatches(Batches):
    """Read by a child process, handed over through a pipe."""

    def __init__(self, path: Path, size: int) -> None:
        self.path = path
        self.size = size

    def __iter__(self) -> Iterator[list[Post]]:
        context = multiprocessing.get_context("spawn")
        receiving, sending = context.Pipe(duplex=False)
        child = context.Process(
            target=_read, args=(self.path, self.size, sending), daemon=True
        )
        child.start()
        sending.close()
        try:
            yield from self._receive(receiving)
        finally:
            receiving.close()
            child.join(timeout=5)
            if child.is_alive():
                child.kill()

    def _receive(self, receiving: Connection) -> Iterator[list[Post]]:
        while True:
            try:
                kind, payload, header = receiving.recv()
            except EOFError as exc:
                raise DeliveryError(
                    self.path.name, "the reading process ended unexpectedly"
                ) from exc
            self.header = header
            if kind == "end":
                return
            if kind == "posts":
                yield _unpack(payload)
            elif kind == "post-error":
                raise PostError(*payload)
            else:
                raise DeliveryError(*payload)


def batches_of(path: Path, size: int) -> Batches:
    """Batches of ``path``'s posts, read ahead by a child process if it is large."""
    if path.stat().st_size >= READ_AHEAD_BYTES:
        return ChildBatches(path, size)
    return LocalBatches(path, size)


_FACTS = PostFacts.__slots__
Packed = tuple[list[int], list[tuple[Any, ...]], list[bytes]]


def _pack(batch: list[Post]) -> Packed:
    """Posts as plain lists and tuples, which pickle several times faster."""
    facts = [tuple(getattr(post.facts, name) for name in _FACTS) for post in batch]
    return [post.number for post in batch], facts, [post.xml for post in batch]


def _unpack(packed: Packed) -> list[Post]:
    numbers, facts, xml = packed
    return [
        Post(number, PostFacts(*values), data)
        for number, values, data in zip(numbers, facts, xml, strict=True)
    ]


def _read(path: Path, size: int, sending: Connection) -> None:
    """The child: read the delivery and send it on, then say how it ended."""
    message: tuple[str, Any, DeliveryHeader | None]
    try:
        with read_delivery(path) as navet:
            posts = navet.posts()
            while batch := list(islice(posts, size)):
                sending.send(("posts", _pack(batch), navet.header))
            message = ("end", None, navet.header)
    except PostError as exc:
        message = (
            "post-error",
            (exc.filename, exc.post, exc.element, exc.post_reason),
            None,
        )
    except DeliveryError as exc:
        message = ("delivery-error", (exc.filename, exc.reason), None)
    except RegionnavError as exc:
        message = ("delivery-error", (path.name, str(exc)), None)
    try:
        sending.send(message)
    except (BrokenPipeError, OSError):
        # The importer is gone (killed or refused the delivery): nothing to do.
        pass
    finally:
        sending.close()
