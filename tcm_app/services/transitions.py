"""Guarded state transitions: one UPDATE that applies only while the row is still where the caller
saw it (`WHERE id = :id AND status = :expected`), so a double click, a retried task or a second
worker applies a move once. The database decides who wins; the loser sees `False` (or the refusal
it passed). A model with a version column (`version_id_col`) gets its version bumped in the same
statement (unless `bump_version=False`: bookkeeping such as "reminded" is not a change a form
holding the version must reload for), so a form still holding the old version is refused
afterwards. Flushes nothing else."""

from collections.abc import Iterable, Mapping
from typing import Any, cast

from sqlalchemy import CursorResult, inspect, update
from sqlalchemy.orm import Mapper

from tcm_app.common.errors import TCMError
from tcm_app.extensions import db


def move_row(
    model: type[Any],
    row_id: int,
    *,
    expected: Any,
    values: Mapping[str, Any],
    column: str = "status",
    where: Iterable = (),
    bump_version: bool = True,
) -> bool:
    """Set `values` on row `row_id` if its `column` still holds `expected` (None: IS NULL) and
    every extra condition in `where` holds. True when this call moved it."""
    if bump_version:
        values = _with_version_bump(model, values)
    statement = (
        update(model)
        .where(model.id == row_id, getattr(model, column) == expected, *where)
        .values(**values)
        # The session is brought up to date by refreshing the row (`move`), not by evaluating
        # the WHERE clause in memory, which would trust the state the caller already had.
        .execution_options(synchronize_session=False)
    )
    # An UPDATE always answers a CursorResult; Session.execute is typed for any statement.
    result = cast(CursorResult, db.session.execute(statement))
    return result.rowcount == 1


def move(
    row,
    *,
    expected: Any,
    values: Mapping[str, Any],
    column: str = "status",
    where: Iterable = (),
    refusal: TCMError | None = None,
) -> bool:
    """`move_row` for a loaded row, which is refreshed afterwards (it shows the database's state
    whoever won). With `refusal`, losing raises it instead of returning False."""
    moved = move_row(
        type(row), row.id, expected=expected, values=values, column=column, where=where
    )
    if not moved and refusal is not None:
        raise refusal
    db.session.refresh(row)
    return moved


def _with_version_bump(model: type[Any], values: Mapping[str, Any]) -> Mapping[str, Any]:
    mapper: Mapper[Any] = inspect(model)
    if mapper.version_id_col is None:
        return values
    key = mapper.get_property_by_column(mapper.version_id_col).key
    return {key: getattr(model, key) + 1, **values}
