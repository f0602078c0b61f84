"""The one hardened XML parser configuration used for every input.

Navet files, SOAP requests and answers from other nodes all go through here:
no DTD is loaded, no entity is expanded, nothing is fetched from the network,
and a document that declares a DOCTYPE at all is refused. A size cap applies
before parsing; callers that stream a file check its size themselves.

lxml and xmlsec each link libxml2. If their versions differ, signatures break
in confusing ways, so :func:`check_libxml2_pair` is called at start-up and
refuses to go on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import IO, Any

from lxml import etree

from regionnav.errors import UnsafeXmlError

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 2_000_000

PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": False,
}


def parser() -> etree.XMLParser:
    """A new parser with Regionnav's safe options (parsers are not thread-safe)."""
    return etree.XMLParser(**PARSER_OPTIONS)


def fromstring(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """Parse a whole document held in memory.

    Raises :class:`UnsafeXmlError` when the document is larger than
    ``max_bytes``, declares a DOCTYPE, or is not well-formed XML.
    """
    if len(data) > max_bytes:
        raise UnsafeXmlError(f"document of {len(data)} bytes exceeds {max_bytes}")
    try:
        root = etree.fromstring(data, parser())
    except etree.XMLSyntaxError as exc:
        raise UnsafeXmlError(f"not well-formed XML: {exc.msg}") from exc
    refuse_doctype(root.getroottree())
    return root


def refuse_doctype(tree: etree._ElementTree) -> None:
    """Refuse a document that carries a DOCTYPE (DTDs and entity definitions)."""
    info = tree.docinfo
    # lxml-stubs lacks DocInfo.doctype, which lxml has had since 2.0.
    doctype: str = info.doctype  # type: ignore[attr-defined]
    if doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise UnsafeXmlError("document type declarations (DTD) are not accepted")


def iterparse(
    source: IO[bytes], tag: str | None = None, events: tuple[str, ...] = ("end",)
) -> Iterator[tuple[str, etree._Element]]:
    """Stream a document with the safe options; refuses a DOCTYPE at its start.

    The DOCTYPE check runs on the ``start`` of the root element, before any
    content below it is delivered.
    """
    wanted = set(events)
    context = etree.iterparse(
        source,
        events=("start", *events) if "start" not in wanted else events,
        **PARSER_OPTIONS,
    )
    root_seen = False
    try:
        for event, element in context:
            if not root_seen:
                root_seen = True
                refuse_doctype(element.getroottree())
            if event not in wanted or (tag is not None and element.tag != tag):
                continue
            yield event, element
    except etree.XMLSyntaxError as exc:
        raise UnsafeXmlError(
            f"not well-formed XML at line {exc.lineno}: {exc.msg}"
        ) from exc


def iterparse_tags(
    source: IO[bytes], tags: Sequence[str], events: tuple[str, ...] = ("end",)
) -> Iterator[tuple[str, etree._Element]]:
    """Stream a document like :func:`iterparse`, with libxml2 filtering on ``tags``.

    Elements of other names never reach Python, which makes large files several
    times faster to read. The DOCTYPE check runs before the first event is
    delivered (include the root's name in ``tags`` with a ``start`` event to
    have it run at the root), and once more at the end if nothing matched.
    """
    context = etree.iterparse(source, events=events, tag=list(tags), **PARSER_OPTIONS)
    checked = False
    try:
        for event, element in context:
            if not checked:
                checked = True
                refuse_doctype(element.getroottree())
            yield event, element
        if not checked and context.root is not None:
            refuse_doctype(context.root.getroottree())
    except etree.XMLSyntaxError as exc:
        raise UnsafeXmlError(
            f"not well-formed XML at line {exc.lineno}: {exc.msg}"
        ) from exc


def check_libxml2_pair() -> None:
    """Fail loudly when lxml and xmlsec were built against different libxml2.

    Raises :class:`UnsafeXmlError`; call it once when the program starts.
    """
    import xmlsec

    lxml_runtime = etree.LIBXML_VERSION
    xmlsec_runtime = tuple(xmlsec.get_libxml_version())
    xmlsec_compiled = tuple(xmlsec.get_libxml_compiled_version())
    if not lxml_runtime == xmlsec_runtime == xmlsec_compiled:
        raise UnsafeXmlError(
            "lxml and xmlsec use different libxml2 versions "
            f"(lxml {lxml_runtime}, xmlsec {xmlsec_runtime} built for "
            f"{xmlsec_compiled}); install the pinned pair from pyproject.toml"
        )
    logger.debug("libxml2 %s shared by lxml and xmlsec", lxml_runtime)
