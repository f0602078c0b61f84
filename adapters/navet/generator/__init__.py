"""Generator of realistic Navet deliveries from Skatteverket's test personnummer.

Public entry points: :func:`generate` (a grunduttag for a län) and
:func:`generate_changes` (an ändringsavisering for an existing file), each
taking an order and an output path and returning a :class:`Summary`.
"""

from adapters.navet.generator.changes import ChangeOrder, generate_changes
from adapters.navet.generator.delivery import (
    ENCODINGS,
    Order,
    Summary,
    expected_synthetic,
    generate,
)

__all__ = [
    "ENCODINGS",
    "ChangeOrder",
    "Order",
    "Summary",
    "expected_synthetic",
    "generate",
    "generate_changes",
]
