"""The decoction domain's settings and beat entries (see tcm_app/common/settings.py)."""

from tcm_app.common.settings import ConfigError, Setting, is_money, require_whole_numbers

SETTINGS = {
    # Herb orders: an unpaid order lapses and frees its prescription; fees in yuan.
    "ORDER_UNPAID_MINUTES": Setting(30, int),
    "DECOCTION_FEE_PER_PACKET": Setting("3.00"),
    "DELIVERY_FEE": Setting("12.00"),
    "DECOCTION_USE_BY_DAYS": Setting(7, int),  # printed on bag labels: best within 7 days cold
    "DECOCTION_STUCK_HOURS": Setting(4, int),  # the work queue marks orders waiting longer
}

BEAT = {
    "order-reminders": {"task": "decoction.send_order_reminders", "schedule": 86400},
    "expire-unpaid-orders": {"task": "decoction.expire_unpaid_orders", "schedule": 300},
}

LIMITS = {
    "ORDER_UNPAID_MINUTES": (5, 24 * 60),
    "DECOCTION_USE_BY_DAYS": (1, 30),
    "DECOCTION_STUCK_HOURS": (1, 72),
}


def validate(config) -> None:
    """Herb-order settings: whole numbers in range and fees that are amounts of money."""
    require_whole_numbers(config, LIMITS)
    for key in ("DECOCTION_FEE_PER_PACKET", "DELIVERY_FEE"):
        if not is_money(config.get(key)):
            raise ConfigError(f"TCM_{key} must be an amount in yuan such as 12.00")
