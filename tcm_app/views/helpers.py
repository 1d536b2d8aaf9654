"""Small helpers shared by the page views."""

from flask import flash

from tcm_app.common.errors import TCMError
from tcm_app.labels import error_message
from tcm_app.services.audit import record_refusal


def apply_errors(form, exc: TCMError) -> None:
    """Show a service refusal on the form: per field where it names one, else on the form."""
    record_refusal(exc)
    placed = False
    for name, codes in exc.fields.items():
        field = getattr(form, name, None)
        if field is None:
            continue
        messages = [error_message(code, code, exc.params) for code in codes]
        field.errors = list(field.errors) + messages
        placed = True
    if not placed:
        form.form_errors.append(error_message(exc.code, exc.message, exc.params))


def flash_error(exc: TCMError) -> None:
    record_refusal(exc)
    flash(error_message(exc.code, exc.message, exc.params), "error")
