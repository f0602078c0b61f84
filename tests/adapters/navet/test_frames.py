"""The fast reader: what the general reader reads, in segments, or FramingError."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest
from lxml import etree

from adapters.navet import frames
from adapters.navet.frames import FramedFile, FramingError
from adapters.navet.generator import Order, generate
from adapters.navet.reader import DeliveryHeader, Post, read_delivery
from adapters.navet.writer import write_delivery
from tests.mirror.deliveries import ADULT, CHILD, OTHER, XSI, PostSpec, post, write_raw

DATA = Path(__file__).parents[2] / "data" / "navet"
XSI_NIL = f"{{{XSI}}}nil"
XSI_DECLARATION = f' xmlns:xsi="{XSI}"'.encode()


@pytest.fixture(scope="module", params=["iso-8859-1", "utf-8"])
def generated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A grunduttag of 1000 persons, as ``regionnav navet generate`` makes it."""
    path = tmp_path_factory.mktemp("frames") / f"grund-{request.param}.xml"
    generate(Order(1000, "25", seed=3, encoding=request.param), path)
    return path


def without_leading_comment(name: str, tmp_path: Path) -> Path:
    """A test file with the comment before its root taken out, so it is plain."""
    data = (DATA / name).read_bytes()
    start = data.index(b"<!--")
    end = data.index(b"-->", start) + len(b"-->\n")
    path = tmp_path / name
    path.write_bytes(data[:start] + data[end:])
    return path


@pytest.fixture(params=["variants.xml", "every-element.xml"])
def hand_written(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    return without_leading_comment(request.param, tmp_path)


def general(path: Path) -> tuple[list[Post], DeliveryHeader | None]:
    with read_delivery(path) as navet:
        return list(navet.posts()), navet.header


def fast(path: Path) -> tuple[list[Post], DeliveryHeader | None]:
    framed = FramedFile(path)
    return list(framed.posts()), framed.header


def c14n(xml: bytes) -> bytes:
    return etree.tostring(etree.fromstring(xml), method="c14n")


def segment_posts(path: Path, layout: frames.Plan) -> list[Post]:
    posts: list[Post] = []
    for segment in layout.segments:
        posts += frames.read_segment(path, segment, layout, len(posts) + 1)
    return posts


# --- Plain files: what the general reader reads -----------------------------


def test_generated_posts_are_the_general_readers_byte_for_byte(
    generated: Path,
) -> None:
    # Post compares number, facts, bytes and digest.
    assert fast(generated)[0] == general(generated)[0]


def test_generated_header_is_the_general_readers(generated: Path) -> None:
    header = fast(generated)[1]
    assert header is not None
    assert header == general(generated)[1]


def test_hand_written_posts_have_the_general_readers_facts(
    hand_written: Path,
) -> None:
    expected = [(post.number, post.facts) for post in general(hand_written)[0]]
    assert [(post.number, post.facts) for post in fast(hand_written)[0]] == expected


def test_hand_written_posts_are_the_general_readers_under_c14n(
    hand_written: Path,
) -> None:
    expected = [c14n(post.xml) for post in general(hand_written)[0]]
    assert [c14n(post.xml) for post in fast(hand_written)[0]] == expected


def test_hand_written_header_is_the_general_readers(hand_written: Path) -> None:
    assert fast(hand_written)[1] == general(hand_written)[1]


# --- Segments --------------------------------------------------------------


def test_small_segments_each_start_at_a_post(generated: Path) -> None:
    layout = frames.plan(generated, segment_bytes=4096)
    data = generated.read_bytes()

    assert len(layout.segments) > 100
    for start, _end in layout.segments:
        assert data[start : start + len(frames.START) + 1] in (
            frames.START + b">",
            frames.START + b" ",
        )


def test_small_segments_follow_each_other_without_gaps(generated: Path) -> None:
    segments = frames.plan(generated, segment_bytes=4096).segments
    assert all(end == start for (_s, end), (start, _e) in pairwise(segments))


def test_segments_smaller_than_a_post_are_never_empty(generated: Path) -> None:
    segments = frames.plan(generated, segment_bytes=100).segments
    assert len(segments) == 1000
    assert all(start < end for start, end in segments)


def test_posts_of_small_segments_in_order_are_those_of_one(generated: Path) -> None:
    one = frames.plan(generated, segment_bytes=generated.stat().st_size)
    many = frames.plan(generated, segment_bytes=4096)
    assert len(one.segments) == 1

    assert segment_posts(generated, many) == segment_posts(generated, one)


def test_framed_file_numbers_posts_from_one_across_segments(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(frames, "SEGMENT", 4096)
    assert len(frames.plan(generated).segments) > 1

    numbers = [post.number for post in FramedFile(generated).posts()]
    assert numbers == list(range(1, 1001))


# --- Files that are not plain ----------------------------------------------

FIRST_END = b"</Folkbokforingspost>\n"


def once(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    """An edit that replaces the first ``old``."""

    def edit(data: bytes) -> bytes:
        assert old in data
        return data.replace(old, new, 1)

    return edit


NOT_PLAIN: dict[str, Callable[[bytes], bytes]] = {
    "comment before the root": once(b"?>\n", b"?>\n<!-- x -->\n"),
    "comment between two posts": once(FIRST_END, FIRST_END + b"<!-- x -->\n"),
    "CDATA section in a post": once(b">Andersson<", b"><![CDATA[Andersson]]><"),
    "instruction before the root": once(b"?>\n", b"?>\n<?x y?>\n"),
    "instruction in a post": once(b"<Personpost>", b"<Personpost><?x y?>"),
    "DOCTYPE": once(b"?>\n", b"?>\n<!DOCTYPE Navetavisering>\n"),
    "default namespace on the root": once(
        b"<Navetavisering ", b'<Navetavisering xmlns="urn:example" '
    ),
    "windows-1252": once(b'encoding="ISO-8859-1"', b'encoding="windows-1252"'),
    "UTF-8 byte order mark": lambda data: b"\xef\xbb\xbf" + data,
    # Names whose ISO-8859-1 bytes are also UTF-8 ("Ã¥sa" would read as "åsa").
    "declaration longer than is read for it": lambda data: once(
        b'version="1.0"', b'version="1.0"' + b" " * 250
    )(data).replace("Åsa".encode("latin-1"), "Ã¥sa".encode("latin-1")),
    "text between two posts": once(FIRST_END, FIRST_END + b"text\n"),
    "post inside a post": once(
        b"<Arendeuppgift",
        b"<Folkbokforingspost><Personpost><PersonId><PersonNr>"
        + OTHER.encode()
        + b"</PersonNr></PersonId></Personpost></Folkbokforingspost><Arendeuppgift",
    ),
    # A spaced end tag is valid XML, but the byte search passes it by: the
    # posts cut out would no longer be the elements parsed.
    "an end tag spaced before its >": once(FIRST_END, b"</Folkbokforingspost >\n"),
    "an empty post inside a post": once(
        b"<Arendeuppgift", b"<Folkbokforingspost/><Arendeuppgift"
    ),
    "deeper than the general reader reads": once(
        b"</Personpost>", b"</Personpost>" + b"<D>" * 254 + b"</D>" * 254
    ),
    "a namespace name lxml will not declare again": once(
        b"<Navetavisering ", b'<Navetavisering xmlns:z="urn:a b" '
    ),
    "truncated": lambda data: data[:-60],
    "AntalPoster one too many": once(b"<AntalPoster>3<", b"<AntalPoster>4<"),
    "PersonNr not a number": once(ADULT.encode(), ADULT[:-1].encode() + b"X"),
}


@pytest.fixture
def good(tmp_path: Path) -> Path:
    """Three posts and a header whose AntalPoster says 3."""
    header = etree.fromstring(
        "<Aviseringsinformation><Filinformation><Utfil><AntalPoster>3</AntalPoster>"
        "</Utfil></Filinformation></Aviseringsinformation>"
    )
    posts = [post(PostSpec(number)) for number in (ADULT, OTHER, CHILD)]
    path = tmp_path / "good.xml"
    write_delivery(path, posts, header)
    return path


def test_the_file_the_cases_edit_is_plain(good: Path) -> None:
    assert [post.number for post in FramedFile(good).posts()] == [1, 2, 3]


@pytest.mark.parametrize("edit", NOT_PLAIN.values(), ids=NOT_PLAIN.keys())
def test_file_that_is_not_plain_is_refused_with_framing_error(
    good: Path, edit: Callable[[bytes], bytes]
) -> None:
    good.write_bytes(edit(good.read_bytes()))
    with pytest.raises(FramingError):
        list(FramedFile(good).posts())


# --- Namespaces declared on the root ----------------------------------------

NIL = b'<SkyddadFolkbokforing xsi:nil="true"/>'
START_TAGS = {
    "no attributes": b"<Folkbokforingspost>",
    "its own xmlns:xsi with spaces around =": b'<Folkbokforingspost xmlns:xsi = "'
    + XSI.encode()
    + b'">',
    "a > in a value before its own xmlns:xsi": b'<Folkbokforingspost a=">"'
    + XSI_DECLARATION
    + b">",
}


@pytest.mark.parametrize("start_tag", START_TAGS.values(), ids=START_TAGS.keys())
def test_post_using_the_roots_prefix_parses_alone_and_keeps_nil(
    tmp_path: Path, start_tag: bytes
) -> None:
    element = etree.tostring(post(PostSpec(ADULT)))
    body = element[element.index(b"<Arendeuppgift") :]
    path = write_raw(tmp_path / "nil.xml", [start_tag + NIL + body])

    (read,) = fast(path)[0]
    nil = etree.fromstring(read.xml).find("SkyddadFolkbokforing")
    assert nil is not None
    assert nil.get(XSI_NIL) == "true"
