"""Certificate management: a local CA, issuing, revoking, inspecting.

Built on ``cryptography`` alone (TLS itself is the standard ``ssl`` module).
Keys are EC P-256 by default (RSA 3072 on request), signatures SHA-256.

Entry points, by module:

- :mod:`certs.ca` -- ``create_ca``, ``load_ca``: the local CA in ``certs.ca_dir``.
- :mod:`certs.issue` -- ``issue``/``build``: SITHS-like server and client
  certificates from a ``CertificateRequest``.
- :mod:`certs.revocation` -- ``revoke``, ``write_crl``: revocation and the CRL.
- :mod:`certs.inspect` -- ``read_material``, ``describe``, ``load_certificate``.
- :mod:`certs.identity` -- ``consumer_id``/``identity_of``: the caller's id.
- :mod:`certs.pkcs12` -- ``to_pkcs12``, ``import_p12``.
- :mod:`certs.bootstrap` -- ``bootstrap``: everything ``regionnav init`` needs.
"""
