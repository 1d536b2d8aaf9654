"""Payment goes through a provider interface; the built-in provider is marked paid by staff or
in the demo. A real gateway (WeChat Pay, Alipay) implements the same two calls."""

import secrets
from typing import Protocol

from decoction.models import DecoctionOrder
from decoction.services import orders
from decoction.stages import Move


class PaymentProvider(Protocol):
    name: str

    def confirm(self, order: DecoctionOrder) -> str:
        """The gateway's reference for a completed payment of `order.total`."""


class BuiltinProvider:
    """Marks an order paid when staff (or the demo) confirm it, e.g. paid at the counter."""

    name = "builtin"

    def confirm(self, order: DecoctionOrder) -> str:
        return f"{self.name}-{secrets.token_hex(6)}"


def mark_paid(order: DecoctionOrder, actor, move_key: str, provider: PaymentProvider | None = None):
    """Record the payment as the order's `pay` move (once, whatever the retries)."""
    provider = provider or BuiltinProvider()
    reference = provider.confirm(order)
    extra = {"payment_reference": reference, "provider": provider.name}
    return orders.apply_move(order, Move.PAY, actor, {}, move_key, extra=extra)
