"""The fast way through a Navet delivery: posts cut out by their tags.

Following a whole delivery through libxml2's stream costs about twice what
parsing its posts one by one costs, and serialising each post again costs as
much once more. Navet writes its files plainly: elements, text and whitespace,
no comments, no CDATA sections, no processing instructions. In such a file a
``<`` can only open a tag, so a byte search finds every ``Folkbokforingspost``
exactly. Each post is then parsed on its own, a small document, and its bytes
are the delivered bytes themselves, re-encoded as UTF-8 when the file is
ISO-8859-1 (for Navet's files, byte for byte what the general reader writes
out). What lies outside the posts (the XML declaration, the root, the header,
the enclosing ``Folkbokforingsposter``) goes through a parser of its own with
the posts left out, so the document as a whole is still checked.

The posts lie in :class:`Plan` segments of a few megabytes, each starting at a
post's start tag, which can be read in any order and by several processes at
once: :func:`plan` reads the head and the tail of the file and places the
segments, :func:`read_segment` reads the posts of one.

Whenever a file is not plain in that sense, or anything at all is wrong with
it, :class:`FramedFile` raises :class:`FramingError`, possibly after posts were
handed out, and the caller starts over with the general reader
(:mod:`adapters.navet.reader`). That reader is the one that says precisely
what is wrong, and the one that reads unusual but valid files; this one only
ever agrees with it, faster.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Generator
from dataclasses import dataclass
from io import BufferedReader
from pathlib import Path

from lxml import etree

from adapters.navet.facts import MAX_POST_BYTES, facts_of
from adapters.navet.reader import (
    DEFAULT_MAX_BYTES,
    HEADER,
    POST,
    POSTS,
    ROOT,
    DeliveryHeader,
    Post,
    read_header,
)
from regionnav import xmlsafe
from regionnav.errors import PostContentError, RegionnavError, UnsafeXmlError

CHUNK = 1024 * 1024
SEGMENT = 4 * 1024 * 1024
BOUNDARY_WINDOW = 64 * 1024
# A head or tail this long is not Navet's.
LONGEST_PIECE = 64 * 1024 * 1024

START = b"<" + POST.encode()
END = b"</" + POST.encode() + b">"
PLACEHOLDER = b"<" + POST.encode() + b"/>"
AFTER_START_TAG_NAME = frozenset(b"> \t\r\n")
XML_WHITESPACE = b" \t\r\n"

_DECLARATION = re.compile(rb"""\s*<\?xml[^>]*\?>""")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([^"']+)["']""")
_DEFAULT_NAMESPACE = re.compile(rb"xmlns\s*=")
# A comment, CDATA section, DTD or instruction. One pattern, not two "in"
# tests: '<' is so common in XML that a search for "<!" crawls.
_NOT_PLAIN = re.compile(rb"<[!?]")
# A post's start tag with its attributes, whose values may hold a ">".
_START_TAG = re.compile(
    rb"""<Folkbokforingspost((?:\s+[^\s=>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*>"""
)
_ATTRIBUTE_NAME = re.compile(rb"""([^\s=]+)\s*=\s*(?:"[^"]*"|'[^']*')""")
PLAIN_ENCODINGS = {b"utf-8": "UTF-8", b"iso-8859-1": "ISO-8859-1"}


class FramingError(RegionnavError):
    """The delivery is not one this reader can vouch for; read it the general way."""


@dataclass(frozen=True)
class Plan:
    """How a plain delivery is laid out; every post lies in one segment."""

    header: DeliveryHeader | None
    encoding: str
    # The prefixed namespace declarations in scope where the posts are (on the
    # root or on Folkbokforingsposter), each as the attribute's name
    # (``xmlns:xsi``) and the whole attribute.
    declarations: tuple[tuple[bytes, bytes], ...]
    # Byte ranges, each starting at a post's start tag, together all posts.
    segments: tuple[tuple[int, int], ...]
    # How many elements enclose the posts (the root and Folkbokforingsposter):
    # parsed as deep, libxml2's depth limit falls where it does for the file.
    depth: int = 2

    @property
    def opening(self) -> bytes:
        """Start tags that declare what the posts see declared, as deep as they lie."""
        declared = b"".join(text for _name, text in self.declarations)
        return b"<w>" * (self.depth - 1) + b"<w" + declared + b">"

    @property
    def closing(self) -> bytes:
        return b"</w>" * self.depth

    def check_count(self, count: int) -> None:
        expected = self.header.post_count if self.header else None
        if count == 0 or (expected is not None and expected != count):
            raise FramingError("AntalPoster differs from the posts found")


def plan(
    path: Path, max_bytes: int = DEFAULT_MAX_BYTES, segment_bytes: int | None = None
) -> Plan:
    """Check everything around the posts and cut the posts into segments.

    ``segment_bytes`` is :data:`SEGMENT` (read at each call) unless given.
    Raises :class:`FramingError` for a file that is not plain or whose
    document around the posts is broken.
    """
    try:
        size = Path(path).stat().st_size
        if size > max_bytes:
            raise FramingError("larger than the cap")
        with Path(path).open("rb") as stream:
            encoding = _plain_encoding(stream.read(200))
            stream.seek(0)
            first = _first_start(stream)
            stream.seek(0)
            head = stream.read(first)
            last = _last_end(stream, first, size)
            stream.seek(last)
            tail = stream.read()
            starts = _segment_starts(
                stream, first, last, SEGMENT if segment_bytes is None else segment_bytes
            )
    except OSError as exc:
        raise FramingError(f"cannot be read: {exc.strerror}") from exc

    _require_plain_head(head)
    skeleton = _Skeleton()
    skeleton.feed(head + PLACEHOLDER)
    skeleton.feed(tail)
    skeleton.close()
    ends = [*starts[1:], last]
    return Plan(
        header=skeleton.header,
        encoding=encoding,
        declarations=tuple(skeleton.declarations),
        depth=skeleton.depth,
        segments=tuple(zip(starts, ends, strict=True)),
    )


def read_segment(
    path: Path, segment: tuple[int, int], layout: Plan, first_number: int = 1
) -> list[Post]:
    """The posts of one segment, numbered from ``first_number``.

    Between the posts there may be whitespace only; comments, CDATA sections
    and instructions anywhere in the segment make it not plain.
    """
    start, end = segment
    try:
        with Path(path).open("rb") as stream:
            stream.seek(start)
            data = stream.read(end - start)
    except OSError as exc:
        raise FramingError(f"cannot be read: {exc.strerror}") from exc
    if len(data) != end - start:
        raise FramingError("the file changed while it was read")
    if _NOT_PLAIN.search(data):
        raise FramingError("comments, CDATA sections or instructions")
    if layout.encoding != "UTF-8":
        # Once for the segment, not per post; tags are ASCII, so they stay
        # where a byte search finds them.
        data = data.decode("latin-1").encode()

    spans = _post_spans(data)
    # Each span's own start and end tag and no other: a post inside a post,
    # an empty one or an end tag spaced before its '>' would part the spans
    # from the elements parsed out of them.
    if _post_tags(data) != 2 * len(spans):
        raise FramingError("a post tag inside a post")
    # One parse for the whole segment, inside the posts' namespace
    # declarations: a document per post would cost half as much again.
    parser = etree.XMLParser(encoding="UTF-8", **xmlsafe.PARSER_OPTIONS)
    try:
        wrapper = etree.fromstring(layout.opening + data + layout.closing, parser)
    except etree.XMLSyntaxError as exc:
        raise FramingError("a post is not well-formed") from exc
    for _ in range(layout.depth - 1):
        wrapper = wrapper[0]
    if len(wrapper) != len(spans):
        raise FramingError("posts inside posts")
    return [
        _post(element, data[start:end], number, layout)
        for number, (element, (start, end)) in enumerate(
            zip(wrapper, spans, strict=True), first_number
        )
    ]


def _post_spans(data: bytes) -> list[tuple[int, int]]:
    """Where each post of a segment starts and ends; only whitespace between."""
    spans: list[tuple[int, int]] = []
    position = 0
    while True:
        found = _next_start(data, position)
        if data[position : len(data) if found is None else found].strip(XML_WHITESPACE):
            raise FramingError("something between two posts")
        if found is None:
            return spans
        close = data.find(END, found)
        if close == -1:
            raise FramingError("a post without its end tag")
        position = close + len(END)
        spans.append((found, position))


def _post_tags(data: bytes) -> int:
    """How many tags of posts, start, empty or end, however spaced, ``data`` has."""
    # Counted apart from the container's, which share the name's beginning.
    posts, container = POST.encode(), POSTS.encode()
    opening = data.count(b"<" + posts) - data.count(b"<" + container)
    return opening + data.count(b"</" + posts) - data.count(b"</" + container)


class FramedFile:
    """A plain Navet delivery read post by post, in this thread.

    :attr:`header` is set before the first post is handed out. :meth:`posts`
    raises :class:`FramingError` for anything it does not read exactly as
    :class:`~adapters.navet.reader.NavetFile` would.
    """

    def __init__(self, path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.header: DeliveryHeader | None = None

    def posts(self) -> Generator[Post, None, None]:
        layout = plan(self.path, self.max_bytes)
        self.header = layout.header
        count = 0
        for segment in layout.segments:
            posts = read_segment(self.path, segment, layout, count + 1)
            count += len(posts)
            yield from posts
        layout.check_count(count)


class _Skeleton:
    """The document with its posts left out but one placeholder, parsed whole."""

    def __init__(self) -> None:
        self._parser = etree.XMLPullParser(
            events=("start", "end"), **xmlsafe.PARSER_OPTIONS
        )
        self.header: DeliveryHeader | None = None
        # The prefixed namespace declarations over the posts, as in Plan.
        self.declarations: list[tuple[bytes, bytes]] = []
        self.depth = 2
        self._root_seen = self._posts_seen = self._placeholder_seen = False

    def feed(self, data: bytes) -> None:
        try:
            self._parser.feed(data)
        except etree.XMLSyntaxError as exc:
            raise FramingError("the document around the posts is broken") from exc
        self._take_events()

    def close(self) -> None:
        try:
            root = self._parser.close()
            xmlsafe.refuse_doctype(root.getroottree())
        except (etree.XMLSyntaxError, UnsafeXmlError) as exc:
            raise FramingError("the document around the posts is broken") from exc
        self._take_events()
        if not (self._posts_seen and self._placeholder_seen):
            raise FramingError(f"the posts are not inside {POSTS}")

    def _take_events(self) -> None:
        for event, element in self._parser.read_events():
            if not isinstance(element, etree._Element):
                continue
            if not self._root_seen:
                if element.tag != ROOT or None in element.nsmap:
                    raise FramingError(f"the root is not a plain {ROOT}")
                self._root_seen = True
            elif event == "end" and element.tag == HEADER:
                self.header = _header_of(element)
            elif event == "end" and element.tag == POST:
                parent = element.getparent()
                if parent is None or parent.tag != POSTS or self._placeholder_seen:
                    raise FramingError(f"the posts are not inside {POSTS}")
                self._placeholder_seen = True
                # What the posts see declared, on the root or on the way down.
                self.declarations = _declarations(parent.nsmap)
                self.depth = sum(1 for _ in element.iterancestors())
            elif event == "end" and element.tag == POSTS:
                self._posts_seen = True


def _post(element: etree._Element, frame: bytes, number: int, layout: Plan) -> Post:
    if element.tag != POST:
        raise FramingError(f"post {number} is not a {POST}")
    try:
        facts = facts_of(element)
    except PostContentError as exc:
        raise FramingError(f"post {number} is refused") from exc

    # The general reader writes each post out with the namespaces declared on
    # the root (xsi, for nil) declared on the post itself. So does this one.
    if layout.declarations:
        own = _attribute_names(frame)
        missing = b"".join(
            text for name, text in layout.declarations if name not in own
        )
        if missing:
            frame = START + missing + frame[len(START) :]
    if len(frame) > MAX_POST_BYTES:
        raise FramingError(f"post {number} is too large")
    return Post(number, facts, frame, hashlib.sha256(frame).digest())


def _attribute_names(frame: bytes) -> frozenset[bytes]:
    """The attribute names on a post's start tag.

    Read by pattern, not up to the first ``>`` alone: a value may hold one,
    and an ``=`` may have whitespace around it.
    """
    names = _names_of_start_tag(frame[: frame.find(b">") + 1])
    if names is not None:
        return names
    # That ">" was inside a value: the start tag goes on.
    tag = _START_TAG.match(frame)
    if tag is None:
        raise FramingError("a post's start tag is not plain")
    return frozenset(_ATTRIBUTE_NAME.findall(tag.group(1)))


# A delivery's posts share a start tag or two: each is read once.
@functools.lru_cache(maxsize=64)
def _names_of_start_tag(candidate: bytes) -> frozenset[bytes] | None:
    tag = _START_TAG.fullmatch(candidate)
    return None if tag is None else frozenset(_ATTRIBUTE_NAME.findall(tag.group(1)))


def _declarations(nsmap: dict[str | None, str]) -> list[tuple[bytes, bytes]]:
    if None in nsmap:
        raise FramingError("a default namespace over the posts")
    try:
        return [_declaration(prefix, uri) for prefix, uri in nsmap.items() if prefix]
    except ValueError as exc:
        # libxml2 lets a URI through that lxml will not declare again.
        raise FramingError("a namespace name that is not a URI") from exc


def _declaration(prefix: str, uri: str) -> tuple[bytes, bytes]:
    # lxml writes the URI escaped and in ASCII, right for either encoding.
    empty = etree.tostring(etree.Element("w", nsmap={prefix: uri}))
    return f"xmlns:{prefix}".encode(), empty[len(b"<w") : -len(b"/>")]


def _header_of(element: etree._Element) -> DeliveryHeader:
    try:
        return read_header(element, "")
    except RegionnavError as exc:
        raise FramingError("the header is broken") from exc


def _plain_encoding(start: bytes) -> str:
    """The file's encoding when bytes can be searched for tags; else FramingError."""
    declaration = _DECLARATION.match(start)
    if declaration is None:
        if start.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
            raise FramingError("a byte order mark")
        # A declaration longer than ``start`` could name another encoding.
        if start.lstrip(XML_WHITESPACE).startswith(b"<?"):
            raise FramingError("an XML declaration too long to read")
        return "UTF-8"
    named = _ENCODING.search(declaration.group(0))
    if named is None:
        return "UTF-8"
    encoding = PLAIN_ENCODINGS.get(named.group(1).lower())
    if encoding is None:
        raise FramingError("an encoding other than UTF-8 or ISO-8859-1")
    return encoding


def _require_plain_head(head: bytes) -> None:
    declaration = _DECLARATION.match(head)
    body = head[declaration.end() :] if declaration else head
    if b"<!" in body or b"<?" in body or _DEFAULT_NAMESPACE.search(body):
        raise FramingError("comments, DOCTYPE, instructions or a default namespace")


def _first_start(stream: BufferedReader) -> int:
    """Where the first post's start tag is (the stream is at its beginning)."""
    seen = b""
    while len(seen) <= LONGEST_PIECE:
        chunk = stream.read(CHUNK)
        if not chunk:
            break
        seen += chunk
        found = _next_start(seen, 0)
        if found is not None:
            return found
    raise FramingError("no post near the start")


def _last_end(stream: BufferedReader, first: int, size: int) -> int:
    """Where the tail after the last post's end tag begins."""
    window = CHUNK
    while True:
        start = max(first, size - window)
        stream.seek(start)
        found = stream.read(size - start).rfind(END)
        if found != -1:
            return start + found + len(END)
        if start == first or window > LONGEST_PIECE:
            raise FramingError("no post's end near the end")
        window *= 2


def _segment_starts(
    stream: BufferedReader, first: int, last: int, segment_bytes: int
) -> list[int]:
    """A post's start tag about every ``segment_bytes``, the first one first."""
    starts = [first]
    target = first + segment_bytes
    while target < last:
        stream.seek(target)
        found = _next_start(stream.read(BOUNDARY_WINDOW), 0)
        # No start tag this close, or the one the last segment starts at (a
        # post longer than a segment): the segment goes on.
        if found is not None and starts[-1] < target + found < last:
            starts.append(target + found)
        target += segment_bytes
    return starts


def _next_start(buffer: bytes, position: int) -> int | None:
    """Where the next post's start tag is, or None if not within ``buffer``."""
    while True:
        start = buffer.find(START, position)
        if start == -1 or start + len(START) >= len(buffer):
            # A start tag cut by the chunk's end is found in the next round.
            return None
        if buffer[start + len(START)] in AFTER_START_TAG_NAME:
            return start
        # <Folkbokforingsposter> shares the prefix: step over it.
        position = start + len(START)
