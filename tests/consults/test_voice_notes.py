"""Voice notes (tcm_app/common/voice_notes.py): a recording's type is read from its first bytes; an
empty, oversized or non-audio file is refused with its code."""

import struct

import pytest

from tcm_app.common import voice_notes
from tcm_app.common.voice_notes import MAX_VOICE_BYTES, VoiceNoteError, voice_kind

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


# --- metadata stripped before a recording is kept --------------------------------------------

PRIVATE = "王丽 上海市徐汇区".encode()


def wav_with_tags() -> bytes:
    import io
    import wave

    sound = io.BytesIO()
    with wave.open(sound, "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(8000)
        w.writeframes(b"\x01\x02" * 800)
    plain = sound.getvalue()
    info = b"INFO" + b"INAM" + struct.pack("<I", len(PRIVATE)) + PRIVATE
    listed = b"LIST" + struct.pack("<I", len(info)) + info + b"\0" * (len(info) & 1)  # padded
    body = plain[12:36] + listed + plain[36:]  # fmt chunk, the tags, then data
    return b"RIFF" + struct.pack("<I", len(body) + 4) + b"WAVE" + body


def mp3_with_tags() -> bytes:
    frame = b"\xff\xfb\x90\x64" + b"\x55" * 413
    tag_body = b"TIT2" + struct.pack(">I", len(PRIVATE) + 1) + b"\0\0\3" + PRIVATE
    id3v2 = b"ID3\x03\0\0" + bytes([0, 0, len(tag_body) >> 7, len(tag_body) & 0x7F]) + tag_body
    id3v1 = b"TAG" + PRIVATE.ljust(125, b"\0")
    return id3v2 + frame * 3 + id3v1


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload) + 8) + kind + payload


def m4a_with_place() -> bytes:
    place = box(b"\xa9xyz", PRIVATE)
    moov = box(b"moov", box(b"mvhd", bytes(100)) + box(b"udta", place))
    return box(b"ftyp", b"M4A \0\0\0\0") + moov + box(b"mdat", b"\x21" * 200)


def ebml(element: bytes, payload: bytes) -> bytes:
    return element + bytes([0x80 | len(payload)]) + payload  # sizes under 127 in one byte


def webm_with_tags() -> bytes:
    header = ebml(b"\x1a\x45\xdf\xa3", ebml(b"\x42\x82", b"webm"))
    tags = ebml(b"\x12\x54\xc3\x67", ebml(b"\x73\x73", ebml(b"\x45\xa3", PRIVATE)))
    cluster = b"\x1f\x43\xb6\x75\x01\xff\xff\xff\xff\xff\xff\xff" + b"\xa3\x84\x81\0\0\0"
    segment = b"\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff\xff\xff"
    return header + segment + ebml(b"\x15\x49\xa9\x66", b"\x4d\x80\x81C") + tags + cluster


def ogg_page(sequence: int, packet: bytes, flags: int = 0) -> bytes:
    segments = [255] * (len(packet) // 255) + [len(packet) % 255]
    head = b"OggS\0" + bytes([flags]) + bytes(8) + b"\x01\0\0\0" + struct.pack("<I", sequence)
    page = head + b"\0\0\0\0" + bytes([len(segments)]) + bytes(segments) + packet
    return page[:22] + struct.pack("<I", voice_notes._ogg_crc(page)) + page[26:]


def ogg_with_comments() -> bytes:
    vendor = b"Lavf60"
    comment = b"LOCATION=" + PRIVATE
    tags = b"OpusTags" + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", 1)
    tags += struct.pack("<I", len(comment)) + comment
    opus_head = b"OpusHead\x01\x01\x38\x01\x80\xbb\0\0\0\0\0"
    return ogg_page(0, opus_head, 2) + ogg_page(1, tags) + ogg_page(2, b"\xfc" * 60)


def pages_check(data: bytes) -> bool:
    at = 0
    while at < len(data):
        count = data[at + 26]
        end = at + 27 + count + sum(data[at + 27 : at + 27 + count])
        page = data[at:end]
        blank = page[:22] + b"\0\0\0\0" + page[26:]
        if struct.unpack("<I", page[22:26])[0] != voice_notes._ogg_crc(blank):
            return False
        at = end
    return True


SAMPLES = [
    pytest.param(wav_with_tags, id="wav-list-info-chunk-is-cut"),
    pytest.param(mp3_with_tags, id="mp3-id3v2-and-id3v1-tags-are-cut"),
    pytest.param(m4a_with_place, id="m4a-udta-place-is-blanked"),
    pytest.param(webm_with_tags, id="webm-tags-element-becomes-void"),
    pytest.param(ogg_with_comments, id="ogg-opus-comments-are-emptied"),
]


@pytest.mark.parametrize("make", SAMPLES)
def test_tags_are_gone_and_the_kind_is_unchanged(make):
    original = make()
    assert PRIVATE in original
    kind = voice_kind(original)
    cleaned = voice_notes.strip_voice_metadata(original, kind)
    assert PRIVATE not in cleaned and PRIVATE[:6] not in cleaned
    assert voice_kind(cleaned) == kind


def wav_with_unpadded_tags() -> bytes:
    """The odd-sized tag chunk without the pad byte RIFF asks for (some recorders write this)."""
    original = wav_with_tags()
    at = original.index(b"LIST")
    size = struct.unpack("<I", original[at + 4 : at + 8])[0]
    assert size & 1, "the sample's tag chunk must be odd-sized"
    pad = at + 8 + size
    rest = original[:pad] + original[pad + 1 :]
    return b"RIFF" + struct.pack("<I", len(rest) - 8) + rest[8:]


WAVS = [
    pytest.param(wav_with_tags, id="a-padded-tag-chunk-goes-and-the-sound-stays"),
    pytest.param(wav_with_unpadded_tags, id="an-unpadded-odd-tag-chunk-goes-and-the-sound-stays"),
]


@pytest.mark.parametrize("make", WAVS)
def test_the_wav_still_plays_the_same_sound(make):
    import io
    import wave

    original = make()
    cleaned = voice_notes.strip_voice_metadata(original, voice_kind(original))
    assert PRIVATE not in cleaned
    with wave.open(io.BytesIO(cleaned)) as w:
        assert w.readframes(800) == b"\x01\x02" * 800


def test_a_wav_whose_sound_cannot_be_found_is_kept_as_recorded():
    header_only = b"RIFF\x04\0\0\0WAVEfmt \x10\0\0\0" + b"\0" * 16 + b"junk\xff\xff\xff\x7f"
    assert voice_notes.strip_voice_metadata(header_only, voice_kind(header_only)) == header_only


@pytest.mark.parametrize("make", [m4a_with_place, webm_with_tags], ids=["m4a", "webm"])
def test_blanking_in_place_keeps_every_offset(make):
    original = make()
    cleaned = voice_notes.strip_voice_metadata(original, voice_kind(original))
    assert len(cleaned) == len(original) and cleaned[-18:] == original[-18:]  # the sound


def test_the_ogg_pages_keep_valid_checksums_and_the_vendor():
    cleaned = voice_notes.strip_voice_metadata(ogg_with_comments(), voice_kind(b"OggS"))
    assert pages_check(cleaned) and b"Lavf60" in cleaned and b"LOCATION" not in cleaned


def test_the_ogg_checksum_is_oggs_crc32():
    assert voice_notes._ogg_crc(b"123456789") == 0x89A1897F  # CRC-32/POSIX before its final xor


def test_what_does_not_parse_is_kept_as_recorded():
    broken = b"\0\0\0\x20ftypM4A " + b"\xff" * 30
    assert voice_notes.strip_voice_metadata(broken, voice_kind(broken)) == broken
