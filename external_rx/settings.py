"""The outside-prescription domain's settings (see tcm_app/common/settings.py)."""

import json

from tcm_app.common.settings import Setting, require_whole_numbers

SETTINGS = {
    # Days a prescription written elsewhere stays usable from the day written (《处方管理办法》
    # 第十八条: at most 3); the pharmacist may find a shorter period stated on the paper.
    "EXTERNAL_RX_VALID_DAYS": Setting(3, int),
    # Offer the OCR assist (lines proposed from the photos for the pharmacist to confirm) when
    # tesseract with its simplified-Chinese data is installed; false hides it everywhere.
    "EXTERNAL_RX_OCR": Setting(True, json.loads),
    "EXTERNAL_RX_OCR_SECONDS": Setting(20, int),  # per page; a slower read gives no proposal
}

LIMITS = {"EXTERNAL_RX_VALID_DAYS": (1, 3), "EXTERNAL_RX_OCR_SECONDS": (1, 120)}


def validate(config) -> None:
    require_whole_numbers(config, LIMITS)
