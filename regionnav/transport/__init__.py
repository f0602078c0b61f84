"""Transport and trust: the mutual-TLS server and who is calling.

:func:`build_server` serves a WSGI application over HTTPS that requires client
certificates; :class:`ConsumerIdentity` (applied by it) puts the verified
consumer id in ``environ["regionnav.consumer_id"]`` (:data:`CONSUMER_ID`).
"""

from regionnav.transport.middleware import CONSUMER_ID, ConsumerIdentity
from regionnav.transport.server import build_server

__all__ = ["CONSUMER_ID", "ConsumerIdentity", "build_server"]
