"""A delivery is imported whole or not at all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import Engine, func, select

from regionnav.errors import DeliveryError, PostError
from regionnav.mirror import import_delivery
from regionnav.store.models import Delivery, Person, PersonVersion
from tests.mirror.deliveries import ADULT, OTHER, PostSpec, post, write, write_raw


def snapshot(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as connection:
        return tuple(  # type: ignore[return-value]
            int(connection.execute(select(func.count()).select_from(t)).scalar())
            for t in (Delivery, Person, PersonVersion)
        )


def test_bad_post_in_the_middle_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    import_delivery(engine, write(tmp_path / "first.xml", [PostSpec(OTHER)]))
    before = snapshot(engine)
    good = etree.tostring(post(PostSpec(ADULT)))
    bad = good.replace(ADULT.encode(), b"19410708699X")
    path = write_raw(tmp_path / "broken.xml", [good] * 3 + [bad] + [good])

    with pytest.raises(PostError) as caught:
        import_delivery(engine, path)

    assert caught.value.post == 4
    assert caught.value.element == "PersonNr"
    assert snapshot(engine) == before


def test_truncated_file_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    path = write(tmp_path / "g.xml", [PostSpec(ADULT), PostSpec(OTHER)])
    path.write_bytes(path.read_bytes()[:-60])

    with pytest.raises(DeliveryError):
        import_delivery(engine, path)
    assert snapshot(engine) == (0, 0, 0)


KILLER = """
import os, signal, sys
from pathlib import Path
from regionnav.mirror import import_delivery
from regionnav.store.engine import open_engine

def die(done, total):
    os.kill(os.getpid(), signal.SIGKILL)

import_delivery(open_engine(sys.argv[1]), Path(sys.argv[2]), progress=die)
"""


def test_killed_import_leaves_store_as_it_was_and_rerun_completes(
    engine: Engine, tmp_path: Path
) -> None:
    # Birth year 1830: no such personnummer was ever issued.
    numbers = [ADULT, OTHER] + [f"18300101{n:04d}" for n in range(5000)]
    path = write(tmp_path / "big.xml", [PostSpec(n) for n in numbers])
    url = engine.url.render_as_string(hide_password=False)

    # The child imports the first batch and is killed from inside the
    # transaction, as a power cut or `kill -9` would do it.
    child = subprocess.run([sys.executable, "-c", KILLER, url, str(path)], check=False)
    assert child.returncode == -signal.SIGKILL
    assert snapshot(engine) == (0, 0, 0)

    summary = import_delivery(engine, path)
    assert summary.posts == len(numbers)
    assert snapshot(engine) == (1, len(numbers), len(numbers))
    assert os.path.exists(path)
