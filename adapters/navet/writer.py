"""Writing Navetavisering files, streamed post by post.

The generator and the tests write deliveries with :func:`write_delivery`. The
frame is the one Skatteverket delivers: an XML declaration naming the encoding,
the root ``Navetavisering`` with the XML Schema instance namespace and the
``noNamespaceSchemaLocation`` of the V1 avisering schema, an optional
``Aviseringsinformation``, then ``Folkbokforingsposter`` with the posts.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from regionnav import xmlsafe
from regionnav.errors import DeliveryError, UnsafeXmlError

logger = logging.getLogger(__name__)

XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = (
    "http://xmls.skatteverket.se/se/skatteverket/folkbokforing/na/avisering/V1/"
    "Navetavisering.xsd"
)
MAX_POST_BYTES = 1_000_000


def write_delivery(
    out: Path | BinaryIO,
    posts: Iterable[etree._Element | bytes],
    header: etree._Element | None = None,
    encoding: str = "ISO-8859-1",
) -> int:
    """Write a Navetavisering file and return the number of posts written.

    ``posts`` are ``Folkbokforingspost`` elements or their serialised bytes;
    they are written in the order given, one per line, and never held all at
    once. ``header`` is an ``Aviseringsinformation`` element (its
    ``AntalPoster`` is the caller's business). The same input always gives
    the same bytes. A character the encoding cannot hold is written as a
    character reference, so nothing is lost.

    Raises :class:`~regionnav.errors.DeliveryError` when a post or the header
    is not the expected element, or post bytes are not safe, well-formed XML.
    """
    name = str(out) if isinstance(out, Path) else getattr(out, "name", "<stream>")
    if header is not None and header.tag != "Aviseringsinformation":
        raise DeliveryError(str(name), "the header is not an Aviseringsinformation")

    with contextlib.ExitStack() as stack:
        stream: BinaryIO = (
            stack.enter_context(out.open("wb")) if isinstance(out, Path) else out
        )
        # Written by hand so that it reads exactly as Skatteverket's files do
        # (double quotes); lxml's own declaration uses single quotes.
        stream.write(f'<?xml version="1.0" encoding="{encoding}"?>\n'.encode("ascii"))
        count = _write_document(stream, posts, header, encoding, str(name))

    logger.debug("wrote a Navet delivery of %s posts", count)
    return count


def _write_document(
    stream: BinaryIO,
    posts: Iterable[etree._Element | bytes],
    header: etree._Element | None,
    encoding: str,
    name: str,
) -> int:
    count = 0
    root_attributes = {f"{{{XSI}}}noNamespaceSchemaLocation": SCHEMA_LOCATION}
    with (
        etree.xmlfile(stream, encoding=encoding) as xf,
        xf.element("Navetavisering", root_attributes, nsmap={"xsi": XSI}),
    ):
        xf.write("\n")
        if header is not None:
            xf.write(header, with_tail=False)
            xf.write("\n")
        with xf.element("Folkbokforingsposter"):
            xf.write("\n")
            for post in posts:
                count += 1
                xf.write(_post_element(post, count, name), with_tail=False)
                xf.write("\n")
        xf.write("\n")
    stream.write(b"\n")
    return count


def _post_element(
    post: etree._Element | bytes, number: int, name: str
) -> etree._Element:
    if isinstance(post, bytes):
        try:
            post = xmlsafe.fromstring(post, max_bytes=MAX_POST_BYTES)
        except UnsafeXmlError as exc:
            raise DeliveryError(name, f"post {number}: {exc}") from exc
    if post.tag != "Folkbokforingspost":
        raise DeliveryError(name, f"post {number} is not a Folkbokforingspost")
    return post
