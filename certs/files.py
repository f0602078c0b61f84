"""Writing certificate material to disk without exposing private keys.

A private key is written to a fresh temporary file that is *created* with mode
0600 (never widened and narrowed afterwards), then linked into place, so a
reader never sees a half-written key and an existing key is never overwritten
by accident. Public material (certificates, CRLs, the index) is replaced
atomically.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from regionnav.errors import CertificateError

logger = logging.getLogger(__name__)

PRIVATE_MODE = 0o600
PUBLIC_MODE = 0o644
DIRECTORY_MODE = 0o700


def ensure_directory(path: Path, mode: int = DIRECTORY_MODE) -> Path:
    """Create ``path`` (and parents) if needed; raises CertificateError."""
    try:
        path.mkdir(mode=mode, parents=True, exist_ok=True)
    except OSError as exc:
        raise CertificateError(
            f"cannot create directory {path}: {exc.strerror}"
        ) from exc
    return path


def write_private(path: Path, data: bytes, *, replace: bool = False) -> Path:
    """Write key material to ``path`` with mode 0600.

    Refuses to overwrite an existing file unless ``replace`` is true.
    Raises CertificateError when the file exists or cannot be written.
    """
    return _write(path, data, PRIVATE_MODE, replace=replace)


def write_public(path: Path, data: bytes, *, replace: bool = True) -> Path:
    """Write a certificate, CRL or index atomically with mode 0644."""
    return _write(path, data, PUBLIC_MODE, replace=replace)


def _write(path: Path, data: bytes, mode: int, *, replace: bool) -> Path:
    ensure_directory(path.parent)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if replace:
            os.replace(temporary, path)
        else:
            # link() fails if the target exists: no check-then-write race.
            os.link(temporary, path)
    except FileExistsError as exc:
        raise CertificateError(f"{path} already exists; refusing to overwrite") from exc
    except OSError as exc:
        raise CertificateError(f"cannot write {path}: {exc.strerror}") from exc
    finally:
        temporary.unlink(missing_ok=True)
    logger.debug("wrote %s (mode %o)", path, mode)
    return path


def read_bytes(path: Path) -> bytes:
    """Read a whole file; raises CertificateError naming the path."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CertificateError(f"cannot read {path}: {exc.strerror}") from exc
