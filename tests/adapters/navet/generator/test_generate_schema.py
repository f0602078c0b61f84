"""Generated files validate against the official 2023 Navetavisering.xsd."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from adapters.navet.generator import Order, generate, places
from adapters.navet.reader import read_delivery

from .conftest import parse

ENCODINGS = {"iso-8859-1": "ISO-8859-1", "utf-8": "UTF-8"}


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_grunduttag_validates_against_the_official_schema(
    make_file: Callable[..., Path], schema: etree.XMLSchema, encoding: str
) -> None:
    document = parse(make_file(1000, encoding=encoding))
    assert schema.validate(document), schema.error_log.last_error


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_file_declares_its_encoding_and_keeps_swedish_letters(
    make_file: Callable[..., Path], encoding: str
) -> None:
    path = make_file(1000, encoding=encoding)
    head = path.read_bytes()[:60].decode("ascii")
    document = parse(path)
    assert f'encoding="{ENCODINGS[encoding]}"' in head
    assert document.docinfo.encoding == ENCODINGS[encoding]
    assert {"Å", "Ä", "Ö", "É"} <= set(etree.tostring(document, encoding="unicode"))


@pytest.mark.parametrize("lan", ["01", "03", "24", "25"])
def test_every_lan_table_gives_a_valid_file_in_that_lan(
    make_file: Callable[..., Path], schema: etree.XMLSchema, lan: str
) -> None:
    document = parse(make_file(300, lan=lan))
    assert schema.validate(document), schema.error_log.last_error
    assert set(document.xpath("//Personpost/Folkbokforing/LanKod/text()")) == {lan}


def test_kommun_option_puts_everybody_in_that_kommun(
    make_file: Callable[..., Path], schema: etree.XMLSchema
) -> None:
    document = parse(make_file(300, lan="25", kommun="2584"))
    assert schema.validate(document), schema.error_log.last_error
    assert set(document.xpath("//Personpost/Folkbokforing/KommunKod/text()")) == {"84"}


def test_header_counts_the_posts_and_names_the_order(grund: Path) -> None:
    document = parse(grund)
    info = document.find("Aviseringsinformation/Filinformation")
    posts = document.findall("Folkbokforingsposter/Folkbokforingspost")
    assert info.findtext("Utfil/AntalPoster") == str(len(posts)) == "1000"
    assert info.findtext("Bestallningstyp") == "GRUNDUTTAG"
    assert len(info.findtext("Produkt") or "") == 5
    org_nr = document.findtext("Aviseringsinformation/Mediemottagare/OrgNr") or ""
    assert org_nr.startswith("16") and len(org_nr) == 12 and org_nr.isdigit()


def test_the_project_reader_reads_every_post(grund: Path) -> None:
    with read_delivery(grund) as delivery:
        facts = [post.facts for post in delivery.posts()]
        header = delivery.header
    assert len(facts) == 1000
    assert header is not None and header.post_count == 1000


def test_addresses_are_upper_case_and_names_mixed_case(grund: Path) -> None:
    document = parse(grund)
    streets = document.xpath("//Folkbokforingsadress/Utdelningsadress2/text()")
    surnames = document.xpath("//Personpost/Namn/Efternamn/text()")
    assert streets and all(street == street.upper() for street in streets)
    assert surnames and all(
        name[0].isupper() and not name.isupper() for name in surnames
    )


def test_postcodes_are_five_digits_of_their_post_town(grund: Path) -> None:
    prefixes = {
        town: set(codes)
        for table in places.KOMMUNER.values()
        for kommun in table
        for town, codes in kommun.towns
    }
    prefixes["GÖTEBORG"] = {403}  # Skatteverket's forwarding address
    addresses = parse(grund).xpath("//Folkbokforingsadress | //SarskildPostadress")
    assert addresses
    for address in addresses:
        code = address.findtext("PostNr") or ""
        assert (
            len(code) == 5 and int(code) // 100 in prefixes[address.findtext("Postort")]
        )


def test_a_protected_person_is_never_written_with_a_real_address(
    grund_posts: list[etree._Element],
) -> None:
    protected = [p for p in grund_posts if p.findtext("SkyddadFolkbokforing") == "J"]
    assert protected
    for post in protected:
        assert post.find("Personpost/Adresser/Folkbokforingsadress") is None
        assert post.find("Historik") is None


def test_persons_must_be_at_least_one(tmp_path: Path) -> None:
    from regionnav.errors import GenerationError

    with pytest.raises(GenerationError, match="--persons"):
        generate(Order(0, "25"), tmp_path / "none.xml")
    assert not (tmp_path / "none.xml").exists()
