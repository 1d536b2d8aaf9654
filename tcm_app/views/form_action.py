"""One way for a page's form to do its work: validate → service → commit → flash → redirect.

A refusal (`TCMError`) is shown on the same page, in Chinese, next to the field it names (else at
the top of the form), and the page is rendered again from the posted form, so nothing typed is
lost. The view keeps what is its own: which form, which service call, how its page is drawn."""

from collections.abc import Callable
from typing import Any

from flask import flash, redirect

from tcm_app.common.errors import TCMError
from tcm_app.extensions import db
from tcm_app.views.helpers import apply_errors


def form_action(
    form,
    action: Callable[[], Any],
    render: Callable[[int], Any],
    *,
    done: str,
    then: str | Callable[[Any], str],
    invalid_status: int = 400,
    refused_status: int | None = None,
    category: str = "message",
):
    """Run `action` for a valid posted `form` and commit; then flash `done` and redirect to `then`
    (a URL, or a function of what `action` returned). Otherwise answer `render(status)`: 200 for
    the empty form of a GET, `invalid_status` for a form that does not validate, and
    `refused_status` (by default the refusal's own status) for a refused action."""
    if not form.validate_on_submit():
        return render(invalid_status if form.is_submitted() else 200)
    try:
        result = action()
        db.session.commit()
    except TCMError as exc:
        _show_refusal(form, exc)
        return render(refused_status or exc.status)
    flash(done, category)
    return redirect(then(result) if callable(then) else then)


def _show_refusal(form, exc: TCMError) -> None:
    if not exc.keeps_changes:  # a refusal that keeps its own record (a wrong password's count)
        db.session.rollback()  # is committed by apply_errors → record_refusal instead
    apply_errors(form, exc)
