"""The one error tree of Regionnav.

Every error the application raises on purpose derives from :class:`RegionnavError`.
Errors carry their facts as attributes (file, post number, element, key) and never
personal data: a personnummer, a name or an address must not reach a message.

Tree::

    RegionnavError
    ├── ConfigError          a configuration key is missing or wrong
    ├── StoreError           the database cannot be reached or migrated
    ├── DeliveryError        a Navet delivery is refused as a whole
    │   └── PostError        one post in it is broken
    ├── PostContentError     a post's content is wrong (no file context yet)
    ├── UnsafeXmlError       a document uses DTDs, entities or is too large
    ├── RequestError         a consumer's request is wrong (SOAP Client fault)
    │   ├── NotAuthorisedError
    │   └── MustUnderstandError
    ├── CertificateError     certificate tooling failed
    ├── ConsumerError        a consumer registration is unknown or inconsistent
    ├── GenerationError      test data cannot be generated as asked (bad option)
    └── AuditError           the audit trail cannot be written or is broken
"""

from __future__ import annotations


class RegionnavError(Exception):
    """Root of every error Regionnav raises on purpose."""


class ConfigError(RegionnavError):
    """A configuration key is missing or has a wrong value."""

    def __init__(self, key: str, reason: str, what: str = "configuration key") -> None:
        # ``what`` names the kind of ``key``: a file or an option is no key.
        super().__init__(f"{what} {key!r}: {reason}")
        self.key = key
        self.reason = reason


class StoreError(RegionnavError):
    """The store cannot be reached, migrated or written."""


class UnsafeXmlError(RegionnavError):
    """An XML document was refused before or while parsing it."""


class DeliveryError(RegionnavError):
    """A Navet delivery was refused; the store is left as it was."""

    def __init__(self, filename: str, reason: str) -> None:
        super().__init__(f"{filename}: {reason}")
        self.filename = filename
        self.reason = reason


class PostError(DeliveryError):
    """One post of a delivery is broken.

    ``post`` is the 1-based number of the ``Folkbokforingspost`` in the file and
    ``element`` the name of the offending element. The value itself is never
    repeated, since it may be a personnummer.
    """

    def __init__(self, filename: str, post: int, element: str, reason: str) -> None:
        super().__init__(filename, f"post {post}, element {element}: {reason}")
        self.post = post
        self.element = element
        self.post_reason = reason


class PostContentError(RegionnavError):
    """A Folkbokforingspost's content is wrong, found outside any file context.

    Raised by ``adapters.navet.facts.facts_of``; the Navet reader turns it into a
    :class:`PostError` with the file name and post number. ``element`` names the
    offending element; the value is never repeated.
    """

    def __init__(self, element: str, reason: str) -> None:
        super().__init__(f"element {element}: {reason}")
        self.element = element
        self.reason = reason


class RequestError(RegionnavError):
    """The caller's request is wrong; answered as a SOAP ``Client`` fault."""


class NotAuthorisedError(RequestError):
    """The caller may not do what it asked for."""


class MustUnderstandError(RequestError):
    """A SOAP header the caller marked ``mustUnderstand`` is not understood here.

    Answered with the ``soap:MustUnderstand`` fault code (SOAP 1.1 section
    4.2.3, WS-I Basic Profile R1027) instead of ``soap:Client``.
    """


class CertificateError(RegionnavError):
    """A certificate, key or CRL could not be made, read or checked."""


class ConsumerError(RegionnavError):
    """A consumer is not registered, already registered, or its rights conflict."""

    def __init__(self, consumer_id: str, reason: str) -> None:
        super().__init__(f"consumer {consumer_id}: {reason}")
        self.consumer_id = consumer_id
        self.reason = reason


class GenerationError(RegionnavError):
    """Generated test data cannot be made as asked (unknown län, bad count)."""


class AuditError(RegionnavError):
    """The audit trail cannot be written, or its chain is broken."""
