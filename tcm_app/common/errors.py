"""The error family every layer raises; views and the API turn each into a clear 4xx answer.

Pure: standard library only.
"""


class TCMError(Exception):
    """Base of all expected refusals. `code` is stable for API clients; `message` is for people."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        code: str | None = None,
        fields: dict | None = None,
        params: dict | None = None,
    ):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}
        self.params = params or {}  # values a translated message shows (a size, a lock time)
        self.audit: dict | None = None
        self.keeps_changes = False

    def audited(self, action: str, obj_type: str, obj_id) -> "TCMError":
        """Mark a refusal worth keeping: the answer path rolls back, then logs who tried."""
        self.audit = {"action": action, "obj_type": obj_type, "obj_id": obj_id}
        return self

    def keeping_changes(self) -> "TCMError":
        """A refusal whose own record must outlive it (a wrong password counted towards a lock):
        the answer path commits what was flushed before it instead of rolling it back. Raise such
        a refusal before the request has changed anything else."""
        self.keeps_changes = True
        return self


class ValidationError(TCMError):
    status = 422
    code = "invalid"


class NotFoundError(TCMError):
    status = 404
    code = "not_found"


class PermissionDeniedError(TCMError):
    status = 403
    code = "forbidden"


class ConflictError(TCMError):
    """The object changed underneath the request, or its state forbids the action."""

    status = 409
    code = "conflict"


class AuthenticationError(TCMError):
    status = 401
    code = "unauthenticated"


class LockedError(TCMError):
    """Locked for a while after repeated wrong passwords (e.g. the electronic signature)."""

    status = 423
    code = "locked"


class RuleError(ValueError):
    """A pure rule's refusal: the one idiom of the rule modules. A rule raises a subclass named
    after its domain (`StageError(code, message)`), which knows no HTTP status; the service that
    applied the rule translates it with `refusal()` into the `TCMError` its caller answers with.
    `code` is stable (tests and clients read it), `message` is English for people and logs,
    `params` are values a translated message shows. Findings a person reads and weighs (the
    safety check's list) are results, not refusals: rules return those."""

    def __init__(self, code: str, message: str = "", params: dict | None = None):
        super().__init__(message or code)
        self.code = code
        self.message = message
        self.params = params or {}

    def refusal(
        self,
        kind: type[TCMError] = ValidationError,
        *,
        message: str | None = None,
        code: str | None = None,
        fields: dict | None = None,
    ) -> TCMError:
        """The refusal as the service answers it: `kind` gives the status (422 by default, a
        ConflictError for a move the state forbids); the rule's code, message and params are
        kept unless the service's own wording replaces them."""
        return kind(message or self.message, code or self.code, fields, self.params)
