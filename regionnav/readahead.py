"""Reading a Navet delivery for the importer, in other processes when it is large.

lxml holds the interpreter lock while it parses, so reading threads and the
writing thread of one process take turns instead of working together. A large
delivery is therefore read by child processes while the importer writes: the
fast reader's segments (:mod:`adapters.navet.frames`) are dealt out to
:data:`READERS` children in turn and taken back in file order, the general
reader's posts come from one child. Each child sends a batch at a time
through a pipe whose small buffer keeps it at most about one batch ahead, so
memory stays flat. Small files, where starting a process costs more than it
saves, are read in the importer's own thread.

The readers also compress each post for the store
(:mod:`regionnav.store.packing`), so that this work is done beside the
importer's too. Batches hold :class:`PackedPost` values.

Unless asked to read carefully, the fast reader is used; when it gives up,
:class:`~adapters.navet.frames.FramingError` comes out of the iteration and the
importer starts over carefully. A refusal by the general reader in a child
comes back as the same :class:`~regionnav.errors.PostError` or
:class:`~regionnav.errors.DeliveryError`, and the importer's transaction rolls
back as it would have done in one process.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from contextlib import closing
from itertools import islice
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, NamedTuple

from adapters.navet import frames
from adapters.navet.facts import PostFacts
from adapters.navet.frames import FramingError, Plan
from adapters.navet.reader import DeliveryHeader, Post, read_delivery
from regionnav.errors import DeliveryError, PostError, RegionnavError
from regionnav.store.packing import Packer, shipped_dictionary

# Below this size a delivery is read in the importer's thread (a child
# process takes about half a second to start).
READ_AHEAD_BYTES = 32 * 1024 * 1024
READERS = 2


class PackedPost(NamedTuple):
    """A post as the importer needs it: facts, digest of its bytes, compressed bytes."""

    facts: PostFacts
    digest: bytes
    packed: bytes


class Batches:
    """The posts of one delivery in batches, then its header."""

    header: DeliveryHeader | None = None

    def __iter__(self) -> Iterator[list[PackedPost]]:
        raise NotImplementedError


def batches_of(path: Path, size: int, careful: bool = False) -> Batches:
    """Batches of ``path``'s posts, read by child processes if it is large.

    ``careful`` reads with the general reader instead of the fast one; the
    fast one's batches are its segments, the general one's ``size`` posts.
    Raises :class:`FramingError` at once when the fast reader cannot read the
    file at all.
    """
    large = path.stat().st_size >= READ_AHEAD_BYTES
    if careful:
        return ChildBatches(path, size) if large else LocalBatches(path, size)
    layout = frames.plan(path)
    if large:
        return SegmentBatches(path, layout, READERS)
    return LocalSegmentBatches(path, layout)


class LocalBatches(Batches):
    """The general reader, in the calling thread."""

    def __init__(self, path: Path, size: int) -> None:
        self.path = path
        self.size = size

    def __iter__(self) -> Iterator[list[PackedPost]]:
        packer = Packer(shipped_dictionary())
        navet = read_delivery(self.path)
        # closing(): a reading stopped half-way closes the file at once.
        with closing(navet.posts()) as posts:
            while batch := list(islice(posts, self.size)):
                self.header = navet.header
                yield _packed(batch, packer)
        self.header = navet.header


class LocalSegmentBatches(Batches):
    """The fast reader, in the calling thread, a segment at a time."""

    def __init__(self, path: Path, layout: Plan) -> None:
        self.path = path
        self.layout = layout
        self.header = layout.header

    def __iter__(self) -> Iterator[list[PackedPost]]:
        packer = Packer(shipped_dictionary())
        count = 0
        for segment in self.layout.segments:
            posts = frames.read_segment(self.path, segment, self.layout, count + 1)
            count += len(posts)
            yield _packed(posts, packer)
        self.layout.check_count(count)


class _Children:
    """Reading child processes, each sending through a pipe of its own."""

    def __init__(self, target: Callable[..., None], jobs: list[tuple[Any, ...]]):
        context = multiprocessing.get_context("spawn")
        self.pipes: list[Connection] = []
        self.processes: list[BaseProcess] = []
        for job in jobs:
            receiving, sending = context.Pipe(duplex=False)
            child = context.Process(target=target, args=(*job, sending), daemon=True)
            child.start()
            sending.close()
            self.pipes.append(receiving)
            self.processes.append(child)

    def receive(self, index: int, name: str) -> tuple[str, Any, DeliveryHeader | None]:
        try:
            message: tuple[str, Any, DeliveryHeader | None] = self.pipes[index].recv()
        except EOFError as exc:
            raise DeliveryError(name, "the reading process ended unexpectedly") from exc
        kind, payload, _header = message
        if kind == "not-framed":
            raise FramingError(payload)
        if kind == "post-error":
            raise PostError(*payload)
        if kind == "delivery-error":
            raise DeliveryError(*payload)
        return message

    def stop(self) -> None:
        for pipe in self.pipes:
            pipe.close()
        for child in self.processes:
            child.join(timeout=5)
            if child.is_alive():
                child.kill()


class SegmentBatches(Batches):
    """The fast reader's segments, read by several children, taken in order."""

    def __init__(self, path: Path, layout: Plan, readers: int) -> None:
        self.path = path
        self.layout = layout
        self.readers = max(1, min(readers, len(layout.segments)))
        self.header = layout.header

    def __iter__(self) -> Iterator[list[PackedPost]]:
        jobs = [(self.path, self.layout, k, self.readers) for k in range(self.readers)]
        children = _Children(_read_segments, jobs)
        try:
            count = 0
            for index in range(len(self.layout.segments)):
                _kind, packed, _header = children.receive(
                    index % self.readers, self.path.name
                )
                count += len(packed[0])
                yield _unpack(packed)
            for reader in range(self.readers):
                children.receive(reader, self.path.name)
            self.layout.check_count(count)
        finally:
            children.stop()


class ChildBatches(Batches):
    """The general reader, in one child process."""

    def __init__(self, path: Path, size: int) -> None:
        self.path = path
        self.size = size

    def __iter__(self) -> Iterator[list[PackedPost]]:
        children = _Children(_read_posts, [(self.path, self.size)])
        try:
            while True:
                kind, packed, header = children.receive(0, self.path.name)
                self.header = header
                if kind == "end":
                    return
                yield _unpack(packed)
        finally:
            children.stop()


Packed = tuple[list[tuple[Any, ...]], list[bytes], list[bytes]]


def _packed(posts: list[Post], packer: Packer) -> list[PackedPost]:
    return [
        PackedPost(post.facts, post.digest, packer.pack(post.xml)) for post in posts
    ]


def _pack(posts: list[Post], packer: Packer) -> Packed:
    """Posts as plain lists and tuples, which pickle several times faster."""
    facts = [tuple(post.facts) for post in posts]
    digests = [post.digest for post in posts]
    return facts, digests, [packer.pack(post.xml) for post in posts]


def _unpack(packed: Packed) -> list[PackedPost]:
    facts, digests, data = packed
    return [
        PackedPost(PostFacts._make(values), digest, stored)
        for values, digest, stored in zip(facts, digests, data, strict=True)
    ]


def _read_segments(
    path: Path, layout: Plan, first: int, step: int, sending: Connection
) -> None:
    """A child: read every ``step``-th segment from ``first`` and send it on."""
    packer = Packer(shipped_dictionary())

    def segments() -> Iterator[tuple[str, Any, None]]:
        for segment in layout.segments[first::step]:
            posts = frames.read_segment(path, segment, layout)
            yield "posts", _pack(posts, packer), None

    _send_all(path, segments(), sending)


def _read_posts(path: Path, size: int, sending: Connection) -> None:
    """A child: read the delivery with the general reader and send it on."""
    packer = Packer(shipped_dictionary())
    navet = read_delivery(path)

    def batches() -> Iterator[tuple[str, Any, DeliveryHeader | None]]:
        with closing(navet.posts()) as posts:
            while batch := list(islice(posts, size)):
                yield "posts", _pack(batch, packer), navet.header
        yield "end", None, navet.header

    _send_all(path, batches(), sending)


def _send_all(
    path: Path,
    messages: Iterator[tuple[str, Any, DeliveryHeader | None]],
    sending: Connection,
) -> None:
    """Send every message, then how the reading ended; a refusal ends it."""
    last: tuple[str, Any, DeliveryHeader | None] = ("end", None, None)
    try:
        for message in messages:
            if message[0] == "end":
                last = message
            else:
                sending.send(message)
    except FramingError as exc:
        last = ("not-framed", str(exc), None)
    except PostError as exc:
        last = (
            "post-error",
            (exc.filename, exc.post, exc.element, exc.post_reason),
            None,
        )
    except DeliveryError as exc:
        last = ("delivery-error", (exc.filename, exc.reason), None)
    except RegionnavError as exc:
        last = ("delivery-error", (path.name, str(exc)), None)
    except (BrokenPipeError, ConnectionResetError):
        # The importer stopped listening: it gave up on the fast reader
        # because of another child's segment, or it is gone.
        sending.close()
        return
    try:
        sending.send(last)
    except (BrokenPipeError, OSError):
        # The importer is gone (killed or refused the delivery): nothing to do.
        pass
    finally:
        sending.close()
