"""Who may name whom to act for them (家人代办): the rules of an elder's consent, without the
database. Pure: standard library only.

An adult patient names another adult's patient account; a minor is represented by their guardian
(patients.guardian_id) and names no one; a child cannot act for anyone. One live consent for a
pair: naming the same person again while the first consent stands is a mistake, not a renewal.
"""

from dataclasses import dataclass

from tcm_app.common.errors import RuleError

ADULT_AGE = 18


class ProxyError(RuleError):
    """A consent the rules refuse; `field` is the form field the refusal belongs beside."""

    def __init__(self, code: str, message: str, field: str):
        super().__init__(code, message)
        self.field = field


@dataclass(frozen=True)
class ProxyRequest:
    elder_id: int
    elder_age: int
    proxy_id: int | None  # None: no active patient account matched what the elder typed
    proxy_age: int | None
    already_consented: bool  # a live consent for this pair exists
    declared: bool  # the elder ticked the declaration


def check_consent(request: ProxyRequest) -> None:
    """Raise ProxyError for the first rule the request breaks, in the order the elder reads the
    form: who they are, whom they named, whether they declared."""
    if request.elder_age < ADULT_AGE:
        raise ProxyError(
            "proxy_minor_elder", "a minor is represented by their guardian", "username"
        )
    if request.proxy_id is None:
        raise ProxyError("proxy_unknown", "no patient account matches", "username")
    if request.proxy_id == request.elder_id:
        raise ProxyError("proxy_self", "one cannot act for oneself by consent", "username")
    if request.proxy_age is not None and request.proxy_age < ADULT_AGE:
        raise ProxyError("proxy_minor", "a minor cannot act for someone else", "username")
    if request.already_consented:
        raise ProxyError("proxy_duplicate", "this family member already acts for you", "username")
    if not request.declared:
        raise ProxyError("proxy_not_declared", "the declaration was not ticked", "declaration")
