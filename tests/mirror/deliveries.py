"""Small Navet deliveries built in tests, from Skatteverket's test personnummer."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

XSI = "http://www.w3.org/2001/XMLSchema-instance"

# Skatteverket's public test personnummer (shared/testdata), nobody real.
ADULT = "194107086995"
OTHER = "195301221866"
NEW_NUMBER = "196001189114"
CHILD = "201001012382"


@dataclass
class PostSpec:
    person_id: str
    changed_at: str = "20250101120000"
    surname: str = "Andersson"
    kommun: str = "80"
    lan: str = "25"
    folkbokforingsdatum: str = "20200101"
    sekretess: str | None = None
    skyddad: str | None = None
    avregistrering: tuple[str, str] | None = None
    hanvisning: str | None = None
    extra: list[etree._Element] = field(default_factory=list)


def post(spec: PostSpec) -> etree._Element:
    root = etree.Element("Folkbokforingspost", nsmap={"xsi": XSI})
    if spec.sekretess is not None:
        etree.SubElement(root, "Sekretessmarkering").text = spec.sekretess
    if spec.skyddad is not None:
        etree.SubElement(root, "SkyddadFolkbokforing").text = spec.skyddad
    etree.SubElement(root, "Arendeuppgift", andringstidpunkt=spec.changed_at)
    personpost = etree.SubElement(root, "Personpost")
    person_id = etree.SubElement(personpost, "PersonId")
    etree.SubElement(person_id, "PersonNr").text = spec.person_id
    if spec.hanvisning:
        etree.SubElement(personpost, "HanvisningsPersonNr").text = spec.hanvisning
    if spec.avregistrering:
        avregistrering = etree.SubElement(personpost, "Avregistrering")
        code, date = spec.avregistrering
        etree.SubElement(avregistrering, "AvregistreringsorsakKod").text = code
        etree.SubElement(avregistrering, "Avregistreringsdatum").text = date
    namn = etree.SubElement(personpost, "Namn")
    etree.SubElement(namn, "Fornamn").text = "Åsa"
    etree.SubElement(namn, "Efternamn").text = spec.surname
    folkbokforing = etree.SubElement(personpost, "Folkbokforing")
    etree.SubElement(
        folkbokforing, "Folkbokforingsdatum"
    ).text = spec.folkbokforingsdatum
    etree.SubElement(folkbokforing, "LanKod").text = spec.lan
    etree.SubElement(folkbokforing, "KommunKod").text = spec.kommun
    personpost.extend(spec.extra)
    return root


def write(path: Path, specs: list[PostSpec], encoding: str = "ISO-8859-1") -> Path:
    """Write a delivery file; ``raw`` posts may be given as bytes in ``specs``."""
    from adapters.navet.writer import write_delivery

    write_delivery(path, [post(spec) for spec in specs], encoding=encoding)
    return path


def write_raw(path: Path, posts: list[bytes], encoding: str = "ISO-8859-1") -> Path:
    """Write a delivery around posts given as text, e.g. a deliberately broken one."""
    body = b"".join(posts)
    path.write_bytes(
        f'<?xml version="1.0" encoding="{encoding}"?>\n'.encode()
        + f'<Navetavisering xmlns:xsi="{XSI}"><Folkbokforingsposter>'.encode()
        + body
        + b"</Folkbokforingsposter></Navetavisering>\n"
    )
    return path
