"""Benchmark of the Navet reader against a bare lxml parse (prints figures).

Not a test: run it as ``.venv/bin/python tests/adapters/navet/bench_reader.py
[posts]``. It writes a delivery of ordinary-adult posts (the shape of the Navet
test-environment answer described in docs/reference/navet.md 3.9) with
Skatteverket's public test personnummer, then times

* a bare ``lxml.etree.iterparse(path, tag="Folkbokforingspost")`` that clears
  each post, and
* ``for post in read_delivery(path).posts(): pass`` (parse, facts, bytes),

best of three alternating rounds each.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from adapters.navet.reader import read_delivery
from adapters.navet.writer import write_delivery

TESTDATA = Path(__file__).parents[4] / "shared" / "testdata"

POST = """<Folkbokforingspost xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Sekretessmarkering xsi:nil="true"/>
  <SkyddadFolkbokforing xsi:nil="true"/>
  <Arendeuppgift andringstidpunkt="20250115104834"/>
  <Personpost>
    <PersonId><PersonNr>{id}</PersonNr><Identitetsstatus xsi:nil="true"/></PersonId>
    <Fodelsedatum>{born}</Fodelsedatum>
    <Namn>
      <Tilltalsnamnsmarkering>12</Tilltalsnamnsmarkering>
      <Fornamn>Svante Hans-Emil</Fornamn>
      <Mellannamn>Andersson</Mellannamn>
      <Efternamn>Grundberg</Efternamn>
      <Aviseringsnamn>Andersson Grundberg, Svante Hans E</Aviseringsnamn>
    </Namn>
    <Folkbokforing>
      <Folkbokforingsdatum>{born}</Folkbokforingsdatum>
      <LanKod>01</LanKod><KommunKod>25</KommunKod>
      <ForsamlingKod xsi:nil="true"/>
      <Fastighetsbeteckning>LÅNGA 3</Fastighetsbeteckning>
      <FiktivtNr>0</FiktivtNr>
    </Folkbokforing>
    <Adresser>
      <Folkbokforingsadress>
        <Utdelningsadress2>PENSÉVÄGEN 2</Utdelningsadress2>
        <PostNr>17838</PostNr><Postort>EKERÖ</Postort>
      </Folkbokforingsadress>
      <UUID>
        <Fastighet>00000000-0000-4000-8000-000000000001</Fastighet>
        <Adress>00000000-0000-4000-8000-000000000002</Adress>
        <Lagenhet>00000000-0000-4000-8000-000000000003</Lagenhet>
      </UUID>
      <Distrikt><Distriktskod>101233</Distriktskod></Distrikt>
    </Adresser>
    <Civilstand><CivilstandKod>OG</CivilstandKod>
      <Civilstandsdatum xsi:nil="true"/></Civilstand>
    <Fodelse><HemortSverige><FodelselanKod>01</FodelselanKod>
      <Fodelseforsamling>BOO</Fodelseforsamling></HemortSverige></Fodelse>
    <Relationer><Relation><RelationId><PersonNr>{other}</PersonNr></RelationId>
      <Relationstyp>B</Relationstyp></Relation></Relationer>
    <Medborgarskap><MedborgarskapslandKod>SE</MedborgarskapslandKod>
      <Medborgarskapsdatum>0</Medborgarskapsdatum></Medborgarskap>
  </Personpost>
  <Historik><Folkbokforing><Folkbokforingsdatum>{born}</Folkbokforingsdatum>
    <LanKod>01</LanKod><KommunKod>80</KommunKod>
    <Folkbokforingstyp>FB</Folkbokforingstyp></Folkbokforing></Historik>
</Folkbokforingspost>"""


def testdata_ids() -> list[str]:
    ids = {
        line.strip()
        for csv in TESTDATA.glob("**/*.csv")
        for line in csv.read_text(encoding="ascii").splitlines()
        if line.strip().isdigit()
    }
    return sorted(ids)


def posts(count: int, ids: list[str]) -> Iterator[bytes]:
    for i in range(count):
        number = ids[i % len(ids)]
        other = ids[(i * 7 + 3) % len(ids)]
        yield POST.format(id=number, born=number[:8], other=other).encode()


def bare_parse(path: Path) -> float:
    started = time.perf_counter()
    for _event, element in etree.iterparse(str(path), tag="Folkbokforingspost"):
        element.clear()
    return time.perf_counter() - started


def reader_pass(path: Path) -> float:
    started = time.perf_counter()
    with read_delivery(path) as navet:
        for _post in navet.posts():
            pass
    return time.perf_counter() - started


def main(count: int, rounds: int = 3) -> None:
    # The best of a few alternating rounds, since the machine is shared.
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "bench.xml"
        write_delivery(path, posts(count, testdata_ids()))
        size = path.stat().st_size
        timings = [(bare_parse(path), reader_pass(path)) for _ in range(rounds)]
    bare = min(bare for bare, _ in timings)
    reader = min(reader for _, reader in timings)

    print(f"{count} posts, {size / 1e6:.0f} MB (ISO-8859-1), best of {rounds}")
    print(f"bare lxml iterparse: {bare:6.2f} s  {count / bare:9,.0f} posts/s")
    print(f"read_delivery:       {reader:6.2f} s  {count / reader:9,.0f} posts/s")
    print(f"reader / bare:       {reader / bare:6.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
