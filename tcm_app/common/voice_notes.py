"""Voice notes (语音留言: a text consult, a follow-up questionnaire, an answer to the pharmacist,
a complaint, an adverse reaction report): what an uploaded recording is, read from its first
bytes (never from its name or the browser's claim), how large it may be, and its metadata taken
out before it is kept; and the rule of a message said instead of typed. The formats phones and
browsers record: WebM or Ogg with Opus (Chrome, Firefox, Android), MP4/M4A with AAC (Safari,
iPhone), MP3 and WAV.

Stripping works on the container without decoding or re-encoding (no ffmpeg on the servers):
tags are blanked in place where offsets elsewhere in the file point past them (WebM: a Tags
element becomes Void; MP4: udta and meta boxes become zeroed free boxes), and cut out where
nothing points (WAV chunks other than fmt/fact/data; MP3 ID3v2 and ID3v1 tags; Ogg Opus
comments, the page rebuilt with its checksum). What cannot be parsed is kept as recorded.
Pure: standard library and tcm_app.common.
"""

import struct
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


def words_or_voice_problem(text: str | None, has_voice: bool, min_chars: int = 1) -> str | None:
    """A message the patient may say instead of typing (an answer to the pharmacist, a
    complaint) needs one or the other: None when it has words (at least `min_chars`, spaces
    aside) or a recording; "words_or_voice_required" when it has neither."""
    if has_voice or len((text or "").strip()) >= min_chars:
        return None
    return "words_or_voice_required"


# --- metadata ------------------------------------------------------------------------------


def strip_voice_metadata(data: bytes, kind: VoiceKind) -> bytes:
    """The recording without its tags (title, artist, device, place, comments); the sound is
    untouched. A file whose structure does not parse as expected is returned as it came."""
    strip = {
        "audio/wav": _strip_wav,
        "audio/mpeg": _strip_mp3,
        "audio/mp4": _strip_mp4,
        "audio/webm": _strip_webm,
        "audio/ogg": _strip_ogg,
    }.get(kind.mime)
    if strip is None:
        return data
    try:
        return strip(data)
    except (ValueError, IndexError, struct.error):
        return data


WAV_KEPT = {b"fmt ", b"fact", b"data"}


def _strip_wav(data: bytes) -> bytes:
    """Keep the chunks the sound needs; LIST/INFO, id3, bext, iXML ... go. A file without a
    data chunk in the place its sizes lead to is kept as recorded (never a header without sound)."""
    kept, at = [], 12
    while at + 8 <= len(data):
        chunk_id, size = data[at : at + 4], struct.unpack("<I", data[at + 4 : at + 8])[0]
        end = _next_wav_chunk(data, at + 8 + size, size)
        if chunk_id in WAV_KEPT:
            kept.append(data[at : min(end, len(data))])
        at = end
    if not any(chunk.startswith(b"data") for chunk in kept):
        return data
    body = b"WAVE" + b"".join(kept)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _next_wav_chunk(data: bytes, unpadded: int, size: int) -> int:
    """Where the next chunk starts: chunks are padded to an even length with a zero byte, but
    some writers leave the pad out after an odd-sized chunk. A byte other than zero where the pad
    belongs is then the first letter of the next chunk's id."""
    if size & 1 and unpadded < len(data) and data[unpadded] != 0:
        return unpadded
    return unpadded + (size & 1)


def _syncsafe(four: bytes) -> int:
    return (four[0] << 21) | (four[1] << 14) | (four[2] << 7) | four[3]


def _strip_mp3(data: bytes) -> bytes:
    """MP3 frames find their own sync: the ID3v2 tag in front and the ID3v1 tag behind go."""
    while data.startswith(b"ID3") and len(data) >= 10:
        footer = 10 if data[5] & 0x10 else 0
        data = data[10 + _syncsafe(data[6:10]) + footer :]
    if len(data) >= 128 and data[-128:-125] == b"TAG":
        data = data[:-128]
    return data


MP4_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts"}
MP4_TAGS = {b"udta", b"meta"}


def _strip_mp4(data: bytes) -> bytes:
    """udta and meta boxes (©xyz place, ©day, device) become free boxes of zeros, the same size:
    the chunk offsets (stco) pointing into mdat stay right."""
    out = bytearray(data)
    _blank_mp4_boxes(out, 0, len(out))
    return bytes(out)


def _blank_mp4_boxes(out: bytearray, start: int, end: int) -> None:
    at = start
    while at + 8 <= end:
        size, box = struct.unpack(">I", out[at : at + 4])[0], bytes(out[at + 4 : at + 8])
        header = 8
        if size == 1:
            size, header = struct.unpack(">Q", out[at + 8 : at + 16])[0], 16
        elif size == 0:
            size = end - at
        if size < header or at + size > end:
            raise ValueError("broken box")
        if box in MP4_TAGS:
            out[at + 4 : at + 8] = b"free"
            out[at + header : at + size] = bytes(size - header)
        elif box in MP4_CONTAINERS:
            _blank_mp4_boxes(out, at + header, at + size)
        at += size


EBML_SEGMENT, EBML_TAGS, EBML_VOID = 0x18538067, 0x1254C367, 0xEC
UNKNOWN_SIZE_MARK = 0xFF  # all data bits set: size unknown (a live recording's segment)


def _vint(data: bytes | bytearray, at: int, keep_marker: bool) -> tuple[int, int, bool]:
    """An EBML variable-length integer at `at`: (value, length, unknown size)."""
    first = data[at]
    length = 1
    while length <= 8 and not first & (0x80 >> (length - 1)):
        length += 1
    if length > 8:
        raise ValueError("bad vint")
    raw = data[at : at + length]
    value = int.from_bytes(raw, "big")
    if not keep_marker:
        value &= (1 << (7 * length)) - 1
    unknown = not keep_marker and value == (1 << (7 * length)) - 1
    return value, length, unknown


def _strip_webm(data: bytes) -> bytes:
    """A Tags element among the segment's top-level children becomes a Void element of the same
    length (SeekHead and Cues keep pointing at the right places). The walk stops at the first
    child of unknown size (a live recording's clusters): tags come before or not at all."""
    out = bytearray(data)
    at = 0
    while at < len(out):
        element, id_len, _ = _vint(out, at, keep_marker=True)
        size, size_len, unknown = _vint(out, at + id_len, keep_marker=False)
        if element == EBML_SEGMENT:
            _blank_webm_tags(out, at + id_len + size_len, len(out) if unknown else
                             at + id_len + size_len + size)  # fmt: skip
            break
        if unknown:
            break
        at += id_len + size_len + size
    return bytes(out)


def _blank_webm_tags(out: bytearray, start: int, end: int) -> None:
    at = start
    while at < end:
        element, id_len, _ = _vint(out, at, keep_marker=True)
        size, size_len, unknown = _vint(out, at + id_len, keep_marker=False)
        if unknown:
            return
        total = id_len + size_len + size
        if element == EBML_TAGS and total >= 9:
            # Void: its ID, an 8-byte size, zeros; the same total length as the tags it replaces.
            out[at : at + total] = bytes([EBML_VOID, 0x01]) + (total - 9).to_bytes(7, "big") + \
                bytes(total - 9)  # fmt: skip
        at += total


def _ogg_crc(page: bytes) -> int:
    """Ogg's CRC-32 (polynomial 0x04C11DB7, not reflected, initial 0), over the page with its
    checksum field zeroed."""
    crc = 0
    for byte in page:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
            crc &= 0xFFFFFFFF
    return crc


def _strip_ogg(data: bytes) -> bytes:
    """The Opus comment packet (OpusTags) keeps its vendor string and loses every comment. Only
    when it is the whole of its page (as browsers write it); Ogg keeps no byte offsets, so the
    shorter page needs nothing else changed."""
    pages, at = [], 0
    while at < len(data):
        if data[at : at + 4] != b"OggS":
            raise ValueError("not an Ogg page")
        count = data[at + 26]
        lacing = data[at + 27 : at + 27 + count]
        end = at + 27 + count + sum(lacing)
        pages.append((at, end, bytes(lacing)))
        at = end
    out = []
    for start, end, lacing in pages:
        page = data[start:end]
        payload = page[27 + len(lacing) :]
        if payload.startswith(b"OpusTags") and lacing and lacing[-1] < 255 and not page[5] & 1:
            page = _opus_tags_page(page, payload)
        out.append(page)
    return b"".join(out)


def _opus_tags_page(page: bytes, payload: bytes) -> bytes:
    vendor_length = struct.unpack("<I", payload[8:12])[0]
    packet = payload[: 12 + vendor_length] + struct.pack("<I", 0)
    segments = [255] * (len(packet) // 255) + [len(packet) % 255]
    header = bytearray(page[:26]) + bytes([len(segments)]) + bytes(segments)
    header[22:26] = b"\0\0\0\0"
    rebuilt = bytes(header) + packet
    return rebuilt[:22] + struct.pack("<I", _ogg_crc(rebuilt)) + rebuilt[26:]
