"""Repeat prescriptions (续方) as plain rules: which earlier prescription a patient may ask to
renew, and until when. A renewal opens a follow-up visit tied to the earlier prescription; the
doctor decides eligibility and signs anew (never automatic), so these rules only say whether
asking makes sense.

- Only a dispensed prescription (used) is renewed: an approved one is still usable, and an
  expired, withdrawn, returned or unsigned one is no basis for a renewal.
- One open request per prescription.
- Asked within `window_days` of the earlier prescription's signature.
- At most `max_in_a_row` renewals in a chain; then the patient is seen in person.

Pure: standard library and tcm_app.common.
"""

from dataclasses import dataclass
from datetime import date

from tcm_app.common.errors import RuleError

RENEWABLE = "used"
STILL_USABLE = "approved"


class RenewalError(RuleError):
    pass


@dataclass(frozen=True)
class RenewalLimits:
    window_days: int
    max_in_a_row: int


@dataclass(frozen=True)
class RenewalFacts:
    status: str  # the earlier prescription's effective status
    signed_on: date
    today: date
    in_a_row: int  # how many renewals led to the earlier prescription
    pending: bool  # a request for it is waiting for the doctor


def renewal_refusal(facts: RenewalFacts, limits: RenewalLimits) -> RenewalError | None:
    """Why this prescription may not be renewed now, or None."""
    if facts.status == STILL_USABLE:
        return RenewalError("prescription_still_valid", "it is still valid: order from it")
    if facts.status != RENEWABLE:
        return RenewalError("not_renewable", f"a {facts.status} prescription is not renewed",
                            {"status": facts.status})  # fmt: skip
    if facts.pending:
        return RenewalError("renewal_pending", "a renewal of it is already waiting")
    age = (facts.today - facts.signed_on).days
    if age > limits.window_days:
        return RenewalError("renewal_too_late", f"signed {age} days ago",
                            {"days": limits.window_days})  # fmt: skip
    if facts.in_a_row >= limits.max_in_a_row:
        return RenewalError("in_person_needed", "renewed too often in a row",
                            {"max": limits.max_in_a_row})  # fmt: skip
    return None
