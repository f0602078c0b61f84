"""``regionnav init``: a working local setup from nothing, safe to repeat.

It writes a configuration file when there is none, brings the database schema
up to date, makes a local certificate authority with a server certificate and
a demo consumer's client certificate (``certs.bootstrap``), and registers that
consumer for every contract. Everything lands in one directory, beside the
configuration file, so a pilot can be thrown away whole. A second run keeps
what is there and only renews what is missing or about to expire.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from certs.bootstrap import LocalSetup, bootstrap
from regionnav import config as config_module
from regionnav.consumers import CONTRACTS, Consumers, Registration
from regionnav.errors import ConsumerError
from regionnav.store.engine import open_engine
from regionnav.store.migrate import require_current, upgrade

logger = logging.getLogger(__name__)

# The demo consumer may ask for relations and civil status (residentmaster's
# full record), but holds no right to unmasked records of protected persons.
DEMO_PROFILE = 4

CONFIG_TEMPLATE = """\
# Written by `regionnav init` for a local setup; every key is documented in
# README.md. Relative paths are relative to this file.

[store]
data_dir = "{data}"

[hub]
hsa_id = "{hsa_id}"
lan = "{lan}"

[server]
host = "127.0.0.1"
port = {port}
certfile = "{data}/tls/server.pem"
keyfile = "{data}/tls/server.key"
client_ca = "{data}/ca/ca.pem"
crl = "{data}/ca/crl.pem"

[certs]
ca_dir = "{data}/ca"
"""


@dataclass(frozen=True)
class InitResult:
    config_path: Path
    config_written: bool
    database_url: str
    certificates: LocalSetup
    consumer_registered: bool
    server_configured: bool


def initialise(
    config_path: Path, data_dir: str = "var", port: int = 8443
) -> InitResult:
    """Create or complete the local setup described by ``config_path``.

    Raises :class:`~regionnav.errors.ConfigError`, ``StoreError`` or
    ``CertificateError`` naming what could not be done.
    """
    written = False
    if not config_path.exists():
        defaults = config_module.HubConfig()
        config_path.parent.mkdir(parents=True, exist_ok=True)
        config_path.write_text(
            CONFIG_TEMPLATE.format(
                data=data_dir, hsa_id=defaults.hsa_id, lan=defaults.lan, port=port
            ),
            encoding="utf-8",
        )
        written = True
    cfg = config_module.load(config_path)

    engine = open_engine(cfg.store.database_url)
    upgrade(engine)
    # What serve will check too: a store restored without its trail's file.
    require_current(engine)
    certificates = bootstrap(cfg.certs, server_hsa_id=cfg.hub.hsa_id)
    registered = _register_demo_consumer(Consumers(engine), certificates.client_hsa_id)
    engine.dispose()

    return InitResult(
        config_path=config_path,
        config_written=written,
        database_url=cfg.store.database_url,
        certificates=certificates,
        consumer_registered=registered,
        server_configured=cfg.server.certfile is not None,
    )


def _register_demo_consumer(consumers: Consumers, consumer_id: str) -> bool:
    registration = Registration(
        consumer_id=consumer_id,
        name="Regionnav demo consumer (local setup)",
        max_profile=DEMO_PROFILE,
        rights=frozenset((contract, "*") for contract in CONTRACTS),
    )
    try:
        consumers.add(registration)
    except ConsumerError:
        # Already registered by an earlier run; its rights may have been
        # changed on purpose since, so they are left as they are.
        logger.info("demo consumer already registered")
        return False
    return True
