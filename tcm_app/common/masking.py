"""Masked display of personal identifiers on screen (the stored values stay encrypted).

Pure: standard library only.
"""


def mask_phone(phone: str | None) -> str:
    """Mainland mobile numbers show 3 + 4 digits: 138****5678; others keep only the last 4."""
    digits = (phone or "").strip()
    if len(digits) == 11 and digits.isdigit():
        return digits[:3] + "****" + digits[-4:]
    if len(digits) <= 4:
        return "*" * len(digits)
    return "*" * (len(digits) - 4) + digits[-4:]


def mask_address(detail: str) -> str:
    """Keep the first six characters of a street address (road level), hide the rest."""
    text = (detail or "").strip()
    if len(text) <= 6:
        return text[:2] + "*" * max(len(text) - 2, 0)
    return text[:6] + "*" * min(len(text) - 6, 8)


def mask_name(name: str) -> str:
    """A name on a label shows its first character (and the last, from three on): 王*, 欧**娜."""
    text = (name or "").strip()
    if len(text) <= 1:
        return text
    if len(text) == 2:
        return text[0] + "*"
    return text[0] + "*" * (len(text) - 2) + text[-1]
