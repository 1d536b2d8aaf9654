"""A small voice note for the tests of voice notes kept on a row (services/voice_uploads.py): a
tenth of a second of 8 kHz WAV carrying a LIST/INFO tag with a private name, built as the RIFF
rules say (the odd-sized tag chunk padded to an even length), so that stripping keeps the sound
and drops the name, and Chromium plays what is served."""

import io
import struct
import wave

PRIVATE = "王丽的手机".encode()
SOUND = b"\x01\x02" * 800


def tagged_wav() -> bytes:
    sound = io.BytesIO()
    with wave.open(sound, "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(8000)
        w.writeframes(SOUND)
    plain = sound.getvalue()
    info = b"INFO" + b"IART" + struct.pack("<I", len(PRIVATE)) + PRIVATE
    listed = b"LIST" + struct.pack("<I", len(info)) + info + b"\0" * (len(info) & 1)
    body = plain[12:36] + listed + plain[36:]
    return b"RIFF" + struct.pack("<I", len(body) + 4) + b"WAVE" + body


def kept_sound_without_tags(kept: bytes) -> bool:
    return kept.startswith(b"RIFF") and SOUND in kept and PRIVATE not in kept
