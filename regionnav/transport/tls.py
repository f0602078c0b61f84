"""The server's TLS settings: mutual TLS 1.2 or newer against the configured CA.

A caller must present a certificate issued by a CA in ``server.client_ca``,
within its validity period and not on the CRL in ``server.crl`` (checked for
the leaf, ``VERIFY_CRL_CHECK_LEAF``). The CRL file must hold the CRL of every
CA in the bundle that issues client certificates; a CA without one, or an
expired CRL, makes OpenSSL refuse that CA's clients (fail closed).

Certificates are also checked with OpenSSL's strict X.509 rules
(``VERIFY_X509_STRICT``): a malformed certificate is refused even if its issuer
is trusted, and the handshake log line names the rule it broke.

The context is rebuilt when the CA bundle or the CRL file changes on disk, so a
revocation takes effect on the next connection after ``regionnav certs crl``
(or the SITHS CRL download) has replaced the file. A file that cannot be read
at that moment (half written, broken) keeps the previous context in use and is
logged; the next connection tries again.
"""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Callable
from pathlib import Path

from regionnav.config import ServerConfig
from regionnav.errors import ConfigError

logger = logging.getLogger(__name__)


def server_context(server: ServerConfig) -> ssl.SSLContext:
    """A server context that requires a valid, unrevoked client certificate.

    Raises :class:`ConfigError` naming the key whose file is missing or unusable.
    """
    certfile, keyfile, client_ca, crl = _required(server)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.options |= (
        ssl.OP_NO_COMPRESSION
        | ssl.OP_NO_RENEGOTIATION
        | ssl.OP_CIPHER_SERVER_PREFERENCE
    )
    context.verify_mode = ssl.CERT_REQUIRED
    context.verify_flags |= ssl.VERIFY_CRL_CHECK_LEAF | ssl.VERIFY_X509_STRICT

    _load("server.certfile", lambda: context.load_cert_chain(certfile, keyfile))
    _load("server.client_ca", lambda: context.load_verify_locations(cafile=client_ca))
    _load("server.crl", lambda: context.load_verify_locations(cafile=crl))
    return context


class ContextSource:
    """The current server context, rebuilt when the CA bundle or CRL changes."""

    def __init__(self, server: ServerConfig) -> None:
        self._server = server
        self._lock = threading.Lock()
        self._stamp = self._read_stamp()
        self._context = server_context(server)

    def current(self) -> ssl.SSLContext:
        """The context for a new connection (a stat of two files per call)."""
        stamp = self._read_stamp()
        if stamp == self._stamp:
            return self._context
        with self._lock:
            if stamp != self._stamp:
                self._reload(stamp)
            return self._context

    def _reload(self, stamp: tuple[tuple[int, int], ...]) -> None:
        try:
            self._context = server_context(self._server)
        except ConfigError as exc:
            logger.error(
                "TLS trust files changed but are unusable, kept the old: %s", exc
            )
            return
        finally:
            self._stamp = stamp
        logger.info("TLS trust files changed: client CA bundle and CRL reloaded")

    def _read_stamp(self) -> tuple[tuple[int, int], ...]:
        return file_stamps(self._server.client_ca, self._server.crl)


def file_stamps(*paths: Path | None) -> tuple[tuple[int, int], ...]:
    """(modification time, size) of each file, ``(0, 0)`` for a missing one."""
    stamps = []
    for path in paths:
        try:
            status = Path(str(path)).stat() if path is not None else None
        except OSError:
            status = None
        stamps.append((status.st_mtime_ns, status.st_size) if status else (0, 0))
    return tuple(stamps)


def _required(server: ServerConfig) -> tuple[Path, Path, Path, Path]:
    values = {
        "server.certfile": server.certfile,
        "server.keyfile": server.keyfile,
        "server.client_ca": server.client_ca,
        "server.crl": server.crl,
    }
    for key, value in values.items():
        if value is None:
            raise ConfigError(
                key,
                "required when server.tls is true (a CRL too: without one, "
                "revoked certificates would be accepted)",
            )
    return (
        Path(str(server.certfile)),
        Path(str(server.keyfile)),
        Path(str(server.client_ca)),
        Path(str(server.crl)),
    )


def _load(key: str, action: Callable[[], None]) -> None:
    try:
        action()
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(key, f"cannot be loaded: {exc.strerror or exc}") from exc
