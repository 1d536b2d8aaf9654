"""Voice notes in a text consult (语音留言): what an uploaded recording is, read from its first
bytes (never from its name or the browser's claim), and how large it may be. The formats phones
and browsers record: WebM or Ogg with Opus (Chrome, Firefox, Android), MP4/M4A with AAC (Safari,
iPhone), MP3 and WAV. Pure: standard library and tcm_app.common.
"""

from dataclasses import dataclass

from tcm_app.common.errors import RuleError

# About three minutes of phone speech in Opus or AAC; a longer message is better written.
MAX_VOICE_BYTES = 3_000_000


class VoiceNoteError(RuleError):
    pass


@dataclass(frozen=True)
class VoiceKind:
    mime: str
    suffix: str


def _is_mp3(data: bytes) -> bool:
    return data.startswith(b"ID3") or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


def voice_kind(data: bytes) -> VoiceKind:
    """The recording's type from its header; VoiceNoteError when empty, too large or not audio."""
    if not data:
        raise VoiceNoteError("empty_file", "the recording is empty")
    if len(data) > MAX_VOICE_BYTES:
        raise VoiceNoteError(
            "voice_too_large", "the recording is too long", {"max_mb": MAX_VOICE_BYTES // 1_000_000}
        )
    if data.startswith(b"\x1a\x45\xdf\xa3"):
        return VoiceKind("audio/webm", ".webm")
    if data.startswith(b"OggS"):
        return VoiceKind("audio/ogg", ".ogg")
    if data[4:8] == b"ftyp":
        return VoiceKind("audio/mp4", ".m4a")
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return VoiceKind("audio/wav", ".wav")
    if _is_mp3(data):
        return VoiceKind("audio/mpeg", ".mp3")
    raise VoiceNoteError("unsupported_audio", "send a recording (WebM, Ogg, M4A, MP3 or WAV)")
