"""Voice notes (consults/voice_notes.py): a recording's type is read from its first bytes; an
empty, oversized or non-audio file is refused with its code."""

import pytest

from consults.voice_notes import MAX_VOICE_BYTES, VoiceNoteError, voice_kind

pytestmark = pytest.mark.pure

KINDS = [
    ("a WebM recording (Chrome, Android) is audio/webm", b"\x1a\x45\xdf\xa3" + b"\0" * 40,
     "audio/webm"),
    ("an Ogg recording (Firefox) is audio/ogg", b"OggS" + b"\0" * 40, "audio/ogg"),
    ("an M4A recording (iPhone) is audio/mp4", b"\0\0\0\x20ftypM4A " + b"\0" * 30, "audio/mp4"),
    ("a WAV file is audio/wav", b"RIFF\0\0\0\0WAVEfmt " + b"\0" * 30, "audio/wav"),
    ("an MP3 with ID3 tags is audio/mpeg", b"ID3\x03" + b"\0" * 40, "audio/mpeg"),
    ("a bare MP3 frame is audio/mpeg", b"\xff\xfb\x90\x64" + b"\0" * 40, "audio/mpeg"),
]  # fmt: skip


@pytest.mark.parametrize("data, mime", [k[1:] for k in KINDS], ids=[k[0] for k in KINDS])
def test_the_type_is_read_from_the_header(data, mime):
    assert voice_kind(data).mime == mime


REFUSED = [
    ("an empty file is refused", b"", "empty_file"),
    ("a PNG named .webm is refused", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "unsupported_audio"),
    ("a text file is refused", "我头疼".encode(), "unsupported_audio"),
    ("a recording over 3 MB is refused", b"OggS" + b"\0" * MAX_VOICE_BYTES, "voice_too_large"),
]


@pytest.mark.parametrize("data, code", [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_what_is_not_a_usable_recording_is_refused(data, code):
    with pytest.raises(VoiceNoteError) as refused:
        voice_kind(data)
    assert refused.value.code == code
