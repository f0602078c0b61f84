"""Regionnav: a regional hub for Swedish population-register data.

The application core lives here: configuration, the store, the mirror of Navet
deliveries, policy, audit and the command line. The contracts are served from
``services``, the Navet reader and other outside formats live in ``adapters``
and certificate tooling in ``certs``.
"""

__version__ = "0.1.0"
