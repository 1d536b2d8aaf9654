"""Voice notes kept on the row they belong to (语音留言 where a patient would otherwise type: an
answer to the pharmacist, a complaint, an adverse reaction report; migration 0026). The
recording's type is read from its header before anything is kept, a refusal naming the form's
field; its tags are stripped; the file is written through the storage service with the row
(all or nothing, as store_upload does for any upload). Flushes; the caller commits."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from tcm_app.common.errors import NotFoundError, ValidationError
from tcm_app.common.voice_notes import (
    VoiceKind,
    VoiceNoteError,
    strip_voice_metadata,
    voice_kind,
    words_or_voice_problem,
)
from tcm_app.extensions import db
from tcm_app.services.storage import storage
from tcm_app.services.uploads import store_upload

VOICE_FOLDER = "voice"  # under UPLOAD_FOLDER, beside the consults' "chat"
Row = TypeVar("Row")


@dataclass(frozen=True)
class Recording:
    data: bytes
    kind: VoiceKind


def checked_recording(data: bytes | None, field: str = "voice") -> Recording | None:
    """The upload as a recording, or None when none was sent; an empty, too large or non-audio
    file is refused (422) beside `field`, before anything is written."""
    if data is None:
        return None
    try:
        return Recording(data, voice_kind(data))
    except VoiceNoteError as exc:
        raise exc.refusal(fields={field: [exc.code]}) from exc


def required_words_or_voice(text: str | None, recording: Recording | None, field: str) -> str:
    """The written words, stripped: required unless `recording` says them (words_or_voice_problem),
    refused beside `field` when there are neither."""
    problem = words_or_voice_problem(text, recording is not None)
    if problem:
        raise ValidationError("write it or say it", problem, {field: [problem]})
    return (text or "").strip()


def add_with_recording(
    recording: Recording | None,
    make_row: Callable[[str | None, str | None], Row],
    audit: Callable[[Row], object] | None = None,
) -> Row:
    """Add the row `make_row(audio_key, audio_mime)` builds, with the recording stored first
    when there is one (`audit` records the voice note's entry once the row has its id)."""
    if recording is None:
        row = make_row(None, None)
        db.session.add(row)
        db.session.flush()
        return row
    cleaned = strip_voice_metadata(recording.data, recording.kind)
    mime = recording.kind.mime
    return store_upload(
        cleaned, recording.kind.suffix, lambda stored: make_row(stored.storage_key, mime), audit,
        folder=VOICE_FOLDER,
    )  # fmt: skip


def read_recording(audio_key: str | None) -> bytes:
    """The stored recording; NotFoundError when the row has none. A file that is gone raises
    FileMissingError, which every request answers with a 404 (tcm_app/views/errors.py)."""
    if not audio_key:
        raise NotFoundError("no voice note")
    return storage().read(audio_key, VOICE_FOLDER)
