"""The page side of voice notes kept on a row (tcm_app/services/voice_uploads.py): the form's
recording read from the request, and the recording played back with its stored type."""

from flask import request

from tcm_app.services.voice_uploads import read_recording
from tcm_app.views.responses import file_response


def posted_voice(field: str = "voice") -> bytes | None:
    """The recording posted in `field` (recorded in the browser or chosen as a file), None when
    none was chosen; its spooled upload is closed at once."""
    upload = request.files.get(field)
    if not upload or not upload.filename:
        return None
    with upload.stream:  # a large upload is spooled to a temporary file
        return upload.read()


def voice_response(audio_key: str | None, audio_mime: str | None, name: str):
    """The recording inline (for an <audio> element) with the type it was stored with; 404
    when there is none."""
    data = read_recording(audio_key)
    return file_response(data, audio_mime or "application/octet-stream", name, inline=True)
