"""The doctor's vocabulary for a tongue observation, and what changed between two visits.

Changes compare confirmed values (or suggestions when not yet confirmed) and the Lab colour
statistics the suggestions rest on, so the doctor sees 红 → 淡红 together with a* 23 → 18.
"""

from dataclasses import dataclass

from diagnosis.tongue_features import BODY_COLOURS, COATING_COLOURS

OBSERVATION_CHOICES = {
    "tongue_colour": tuple(BODY_COLOURS),
    "coating_colour": (*COATING_COLOURS, "none"),
    "coating_thickness": ("thin", "thick", "none"),
    "cracks": (True, False),
    "tooth_marks": (True, False),
}
LABELS: dict[str | bool, str] = {
    **{code: label for code, (label, *_lab) in BODY_COLOURS.items()},
    **{code: label for code, (label, *_lab) in COATING_COLOURS.items()},
    "thin": "薄",
    "thick": "厚",
    "none": "无苔",
    True: "有",
    False: "无",
}
LAB_CHANGE = 3.0  # a change in mean L*, a* or b* smaller than this is within photo-to-photo noise


@dataclass(frozen=True)
class Change:
    feature: str
    before: object
    after: object


def changes_between(earlier: dict, later: dict) -> list[Change]:
    """Each record is {"values": {feature: value}, "lab": {"body": {"L", "a", "b"}, ...}}."""
    found = []
    before, after = earlier.get("values", {}), later.get("values", {})
    for feature in OBSERVATION_CHOICES:
        if feature in before and feature in after and before[feature] != after[feature]:
            found.append(Change(feature, before[feature], after[feature]))
    for part in ("body", "coating"):
        old, new = earlier.get("lab", {}).get(part, {}), later.get("lab", {}).get(part, {})
        for channel in ("L", "a", "b"):
            if channel in old and channel in new and abs(new[channel] - old[channel]) >= LAB_CHANGE:
                found.append(Change(f"{part}_{channel}", old[channel], new[channel]))
    return found
