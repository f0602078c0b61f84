"""Reading Navetavisering files post by post, in constant memory.

A delivery (grunduttag or avisering) can hold millions of posts, so the file is
streamed: libxml2 itself picks out the few elements the reader needs (the root,
``Aviseringsinformation``, ``Folkbokforingsposter`` and each
``Folkbokforingspost``), each post is turned into a :class:`Post` (its facts and
its UTF-8 bytes) and then dropped from the tree before it is handed out.

The parser is the hardened one of :mod:`regionnav.xmlsafe`: no DTD, no entity
expansion, no network. The encoding the file declares is honoured; Skatteverket
delivers ISO-8859-1, UTF-8 is accepted as well.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from io import BufferedReader
from pathlib import Path
from types import TracebackType
from typing import NamedTuple

from lxml import etree

from adapters.navet.facts import MAX_POST_BYTES, PostFacts, facts_of
from regionnav import xmlsafe
from regionnav.errors import DeliveryError, PostContentError, PostError, UnsafeXmlError

logger = logging.getLogger(__name__)

ROOT = "Navetavisering"
HEADER = "Aviseringsinformation"
POSTS = "Folkbokforingsposter"
POST = "Folkbokforingspost"
WATCHED = (ROOT, HEADER, POSTS, POST)

DEFAULT_MAX_BYTES = 4 * 1024**3
_POSITION = re.compile(r",? line \d+, column \d+$")
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)""")


class Post(NamedTuple):
    """One ``Folkbokforingspost``: its 1-based place in the file, facts and bytes.

    ``xml`` is the element serialised as UTF-8 without XML declaration or tail;
    every element, attribute and ``xsi:nil`` is kept as delivered. ``digest``
    is its SHA-256, which tells an unchanged post from a changed one.
    """

    number: int
    facts: PostFacts
    xml: bytes
    digest: bytes


@dataclass(frozen=True, slots=True)
class DeliveryHeader:
    """What ``Aviseringsinformation`` says about the file (each value optional)."""

    order_id: str | None
    file_type: str | None
    kind: str | None
    product: str | None
    file_name: str | None
    effective_date: str | None
    post_count: int | None
    total_post_count: int | None
    file_count: int | None
    file_number: int | None


class NavetFile:
    """A Navet delivery file, read lazily with :meth:`posts`.

    Use it as a context manager so that the file is closed even when reading
    stops half-way. :attr:`header` is ``None`` until the reader has passed
    ``Aviseringsinformation`` (which precedes the first post), and stays
    ``None`` for a file without one.
    """

    def __init__(self, path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.header: DeliveryHeader | None = None
        self._stream: BufferedReader | None = None
        self._posts_parent: etree._Element | None = None

    def __enter__(self) -> NavetFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the file if a reading is still open."""
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def held_posts(self) -> int:
        """How many post elements the reader still holds in memory.

        That is the current post (emptied) plus the few that libxml2 has
        already built from the buffer it last read; it does not grow with the
        file. Exists so that tests can check exactly that.
        """
        return 0 if self._posts_parent is None else len(self._posts_parent)

    def posts(self) -> Generator[Post, None, None]:
        """Stream the posts of the file in order.

        Raises :class:`~regionnav.errors.PostError` (file, post number,
        element) for a post whose facts are wrong, and
        :class:`~regionnav.errors.DeliveryError` when the file is too large,
        is not a Navetavisering, is broken or truncated (naming the last good
        post), declares an encoding its bytes do not follow, uses a DTD, or
        holds another number of posts than its ``AntalPoster`` says.
        """
        name = self.path.name
        self.close()
        self.header = None
        try:
            size = self.path.stat().st_size
            if size > self.max_bytes:
                raise DeliveryError(
                    name, f"{size} bytes exceed the cap of {self.max_bytes}"
                )
            self._stream = stream = self.path.open("rb")
        except OSError as exc:
            raise DeliveryError(name, f"cannot be read: {exc.strerror}") from exc
        declared = _declared_encoding(stream)
        count = 0
        try:
            for post in self._walk(stream, name):
                count = post.number
                yield post
        except UnsafeXmlError as exc:
            raise DeliveryError(name, _broken(exc, count, declared)) from exc
        finally:
            self.close()

        logger.debug("read %s posts from a Navet delivery", count)

    def _walk(self, stream: BufferedReader, name: str) -> Iterator[Post]:
        events = xmlsafe.iterparse_tags(stream, WATCHED, ("start", "end"))
        root_seen = posts_seen = False
        count = 0
        for event, element in events:
            if not root_seen:
                # The root's start is the first event whenever the root is ours.
                if element.tag != ROOT or element.getparent() is not None:
                    raise DeliveryError(name, f"the root element is not {ROOT}")
                root_seen = True
            elif event == "end" and element.tag == POST:
                count += 1
                yield self._take(element, count, name)
            elif event == "end" and element.tag == HEADER:
                self.header = read_header(element, name)
            elif event == "end" and element.tag == POSTS:
                posts_seen = True

        if not root_seen:
            raise DeliveryError(name, f"the root element is not {ROOT}")
        if not posts_seen:
            raise DeliveryError(name, f"there is no {POSTS} element")
        expected = self.header.post_count if self.header else None
        if expected is not None and expected != count:
            raise DeliveryError(
                name, f"AntalPoster says {expected} posts, the file holds {count}"
            )

    def _take(self, element: etree._Element, number: int, name: str) -> Post:
        parent = element.getparent()
        if parent is None or parent.tag != POSTS:
            raise PostError(name, number, POST, f"is not inside {POSTS}")
        try:
            facts = facts_of(element)
        except PostContentError as exc:
            raise PostError(name, number, exc.element, exc.reason) from exc
        xml = etree.tostring(
            element, encoding="UTF-8", xml_declaration=False, with_tail=False
        )
        if len(xml) > MAX_POST_BYTES:
            raise PostError(
                name, number, POST, f"is larger than {MAX_POST_BYTES} bytes"
            )

        # Drop the post and everything before it, so memory stays flat.
        element.clear()
        while element.getprevious() is not None:
            del parent[0]
        self._posts_parent = parent
        return Post(number, facts, xml, hashlib.sha256(xml).digest())


def read_delivery(path: Path) -> NavetFile:
    """Open a Navet delivery for reading; see :class:`NavetFile`."""
    return NavetFile(Path(path))


def read_header(element: etree._Element, name: str) -> DeliveryHeader:
    """The header of file ``name``; raises DeliveryError for a broken count."""

    def text(path: str) -> str | None:
        value = element.findtext(path)
        return (value.strip() or None) if value is not None else None

    def number(path: str) -> int | None:
        value = text(path)
        if value is None:
            return None
        if not (value.isascii() and value.isdigit()):
            element_name = path.rsplit("/", 1)[-1]
            raise DeliveryError(name, f"{HEADER}: {element_name} is not a number")
        return int(value)

    utfil = "Filinformation/Utfil/"
    return DeliveryHeader(
        order_id=text("Filinformation/BestallningsId"),
        file_type=text("Filinformation/Filtyp"),
        kind=text("Filinformation/Bestallningstyp") or text("Filinformation/Filtyp"),
        product=text("Filinformation/Produkt"),
        file_name=text(utfil + "Filnamn"),
        effective_date=text(utfil + "Effektueringsdatum"),
        post_count=number(utfil + "AntalPoster"),
        total_post_count=number(utfil + "AntalPosterTotalt"),
        file_count=number(utfil + "AntalFiler"),
        file_number=number(utfil + "FilNr"),
    )


def _declared_encoding(stream: BufferedReader) -> str:
    # Only for error messages: libxml2 itself reads and honours the declaration.
    match = _DECLARED_ENCODING.match(stream.peek(200)[:200])
    return match.group(1)[:40].decode("ascii", "replace") if match else "UTF-8"


def _broken(exc: UnsafeXmlError, count: int, declared: str) -> str:
    cause = exc.__cause__
    if not isinstance(cause, etree.XMLSyntaxError):
        return str(exc)
    # libxml2 quotes the offending bytes after "Bytes:"; they may be personal.
    message = (cause.msg or "").split("Bytes:")[0].strip().rstrip(",")
    message = _POSITION.sub("", message)
    where = f"after post {count} (the last good post), at line {cause.lineno}"
    if "nsupported encoding" in message:
        return f"declares an encoding ({declared}) that cannot be read"
    if "not proper UTF-8" in message or "encoding" in message.lower():
        return f"bytes that are not valid {declared}, the declared encoding, {where}"
    return f"broken or truncated XML {where}: {message}"
