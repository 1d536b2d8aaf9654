"""The outside-prescription domain's settings (see tcm_app/common/settings.py)."""

from tcm_app.common.settings import Setting, require_whole_numbers

SETTINGS = {
    # Days a prescription written elsewhere stays usable from the day written (《处方管理办法》
    # 第十八条: at most 3); the pharmacist may find a shorter period stated on the paper.
    "EXTERNAL_RX_VALID_DAYS": Setting(3, int),
}

LIMITS = {"EXTERNAL_RX_VALID_DAYS": (1, 3)}


def validate(config) -> None:
    require_whole_numbers(config, LIMITS)
