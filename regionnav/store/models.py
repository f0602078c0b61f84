"""The tables of the mirror.

``person_versions`` holds every post ever imported, whole and untouched, as the
UTF-8 bytes of its ``Folkbokforingspost`` element (compressed, see
:mod:`regionnav.store.packing`); ``persons`` points at the
current version of each identity and carries the facts that lookups filter on
(protection flags, deregistration, kommun). ``valid_from`` orders versions in
time: the post's ``andringstidpunkt`` or, when Navet left it out, the
delivery's effective date. Both are ``YYYYMMDDhhmmss`` integers.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from regionnav.store.engine import AUDIT_SCHEMA


class Base(DeclarativeBase):
    pass


class Delivery(Base):
    """One imported Navet file."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    checksum: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    effective_date: Mapped[str | None] = mapped_column(String(8))
    posts: Mapped[int] = mapped_column(Integer)
    new: Mapped[int] = mapped_column(Integer)
    changed: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    seconds: Mapped[float] = mapped_column(Float)
    result: Mapped[str] = mapped_column(String(20))


class PersonVersion(Base):
    """One post of one identity as a delivery brought it."""

    __tablename__ = "person_versions"
    __table_args__ = (Index("ix_person_versions_person", "person_id", "valid_from"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    person_id: Mapped[str] = mapped_column(String(12))
    changed_at: Mapped[int | None] = mapped_column(BigInteger)
    valid_from: Mapped[int] = mapped_column(BigInteger)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id"))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    digest: Mapped[bytes] = mapped_column(LargeBinary(32))
    post_xml: Mapped[bytes] = mapped_column(LargeBinary)
    # NULL: post_xml is the post itself; else compressed with this dictionary.
    dictionary_id: Mapped[int | None] = mapped_column(
        ForeignKey("post_dictionaries.id")
    )


class PostDictionary(Base):
    """A zstd dictionary that stored posts were compressed with; never deleted."""

    __tablename__ = "post_dictionaries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class Person(Base):
    """The current record of one identity (personnummer or samordningsnummer)."""

    __tablename__ = "persons"

    person_id: Mapped[str] = mapped_column(String(12), primary_key=True)
    id_kind: Mapped[str] = mapped_column(String(3))
    version_id: Mapped[int] = mapped_column(ForeignKey("person_versions.id"))
    valid_from: Mapped[int] = mapped_column(BigInteger)
    digest: Mapped[bytes] = mapped_column(LargeBinary(32))
    sekretessmarkering: Mapped[bool] = mapped_column(Boolean)
    skyddad_folkbokforing: Mapped[bool] = mapped_column(Boolean)
    avregistreringskod: Mapped[str | None] = mapped_column(String(2))
    avregistreringsdatum: Mapped[str | None] = mapped_column(String(8))
    lan_kod: Mapped[str | None] = mapped_column(String(2))
    kommun_kod: Mapped[str | None] = mapped_column(String(4))
    folkbokforingsdatum: Mapped[str | None] = mapped_column(String(8))


class IdentityLink(Base):
    """A number change: ``old_id`` was replaced by ``new_id`` (GN or GS)."""

    __tablename__ = "identity_links"
    __table_args__ = (Index("ix_identity_links_new", "new_id"),)

    old_id: Mapped[str] = mapped_column(String(12), primary_key=True)
    new_id: Mapped[str] = mapped_column(String(12), primary_key=True)
    reason: Mapped[str | None] = mapped_column(String(2))
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id"))


# --- Trust: registered consumers, their rights, and the audit trail -------------


class Consumer(Base):
    """A system allowed to call the hub, named by its certificate's consumer id.

    ``scope`` lists the län (2 digits) and kommuner (4 digits) whose residents
    the consumer may see, comma-separated; ``*`` means everyone. The right to
    unmasked records of protected persons exists only with a recorded legal
    basis, which the database itself insists on.
    """

    __tablename__ = "consumers"
    __table_args__ = (
        CheckConstraint("max_profile BETWEEN 1 AND 5", name="ck_consumers_profile"),
        CheckConstraint(
            "NOT unmasked OR legal_basis IS NOT NULL", name="ck_consumers_legal_basis"
        ),
    )

    consumer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    max_profile: Mapped[int] = mapped_column(Integer)
    scope: Mapped[str] = mapped_column(Text)
    active_from: Mapped[date] = mapped_column(Date)
    active_to: Mapped[date | None] = mapped_column(Date)
    unmasked: Mapped[bool] = mapped_column(Boolean)
    legal_basis: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ConsumerRight(Base):
    """One contract a consumer may call at one logical address (``*``: any)."""

    __tablename__ = "consumer_rights"

    consumer_id: Mapped[str] = mapped_column(
        ForeignKey("consumers.consumer_id", ondelete="CASCADE"), primary_key=True
    )
    contract: Mapped[str] = mapped_column(String(32), primary_key=True)
    logical_address: Mapped[str] = mapped_column(String(64), primary_key=True)


class AuditRecord(Base):
    """One access to one person, chained to the record before it.

    ``seq`` is assigned by the writer (1, 2, 3, ...) and, as the primary key,
    is the database-level guard that keeps the chain a single line: two writers
    that both try to append ``seq`` n+1 cannot both succeed. ``digest`` is the
    SHA-256 over the previous record's digest and this record's canonical
    encoding (see ``regionnav.audit``). No foreign keys: the trail outlives
    the consumers it names. It lives in the ``audit`` schema, on SQLite a file
    of its own (see :mod:`regionnav.store.engine`).
    """

    __tablename__ = "audit_trail"
    __table_args__ = (
        Index("ix_audit_trail_person", "person_id", "at"),
        Index("ix_audit_trail_at", "at"),
        {"schema": AUDIT_SCHEMA},
    )

    # On SQLite the table's own key (rowid): one b-tree fewer per append.
    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"),
        primary_key=True,
        autoincrement=False,
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    consumer_id: Mapped[str] = mapped_column(String(64))
    contract: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[str] = mapped_column(String(64))
    result: Mapped[str] = mapped_column(String(16))
    logical_address: Mapped[str] = mapped_column(String(255))
    correlation_id: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64))
