"""Strip an image's metadata without decoding its pixels, so memory stays near the file's size.

A 48-megapixel photo decoded is 144 MB (and about twice that while re-encoded); rewriting its
segments is a few MB. JPEG: only the segments a decoder needs are kept (tables, frame, scans,
Adobe colour marker); EXIF, XMP, ICC, JFIF thumbnails, comments and anything after the end are
dropped, and the EXIF orientation is kept alone in a minimal EXIF block so a phone photo stays
upright. PNG: only the chunks that define the pixels are kept; the compressed pixel data is
inflated piece by piece to check that it holds exactly the rows the header promises.

Raises image_header.ImageHeaderError (unreadable_image, truncated_image). Pure: standard
library only, no I/O.
"""

import struct
import zlib

from tcm_app.common.image_header import JPEG_SOF_MARKERS, JPEG_STANDALONE, truncated, unreadable

# JPEG segments kept before the first scan: tables, frame headers, restart interval, and APP14
# (Adobe: how the colour channels are to be read; no personal data).
JPEG_KEPT = {0xC4, 0xCC, 0xDB, 0xDD, 0xEE, *JPEG_SOF_MARKERS}
JPEG_EOI = 0xD9
JPEG_SOS = 0xDA
EXIF_ORIENTATION_TAG = 0x0112

# PNG chunks kept: the pixels and how to show them (palette, transparency, gamma, colour space,
# physical size); text, EXIF, time, ICC profiles and anything unknown are dropped.
PNG_KEPT = {
    b"IHDR",
    b"PLTE",
    b"IDAT",
    b"IEND",
    b"tRNS",
    b"gAMA",
    b"cHRM",
    b"sRGB",
    b"sBIT",
    b"pHYs",
}
PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
PNG_DEPTHS = {0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}
ADAM7 = [
    (0, 0, 8, 8),
    (4, 0, 8, 8),
    (0, 4, 4, 8),
    (2, 0, 4, 4),
    (0, 2, 2, 4),
    (1, 0, 2, 2),
    (0, 1, 1, 2),
]
INFLATE_PIECE = 1 << 20


# ---- JPEG ----------------------------------------------------------------------------------


def strip_jpeg(data: bytes) -> bytes:
    """SOI, a minimal EXIF with the orientation (when not upright), the kept segments, then the
    scans through the end-of-image marker."""
    out, pos, orientation = [b"\xff\xd8"], 2, 1
    while True:
        marker, pos, segment = _next_segment(data, pos)
        if marker == JPEG_SOS:
            break
        if marker == 0xE1 and segment[4:10] == b"Exif\x00\x00":
            orientation = exif_orientation(segment[10:]) or orientation
        elif marker in JPEG_KEPT:
            out.append(segment)
    if orientation != 1:
        out.insert(1, minimal_exif(orientation))
    start = pos - len(segment)
    return b"".join(out) + data[start : end_of_scans(data, pos)]


def _next_segment(data: bytes, pos: int) -> tuple[int, int, bytes]:
    """(marker, position after it, the whole segment) of the marker segment at `pos`."""
    while pos + 1 < len(data) and data[pos] == 0xFF and data[pos + 1] == 0xFF:
        pos += 1  # fill bytes
    if pos + 4 > len(data):
        raise truncated()
    if data[pos] != 0xFF:
        raise unreadable("the JPEG structure is damaged")
    marker = data[pos + 1]
    if marker in JPEG_STANDALONE:
        return marker, pos + 2, data[pos : pos + 2]
    end = pos + 2 + struct.unpack(">H", data[pos + 2 : pos + 4])[0]
    if end > len(data):
        raise truncated()
    return marker, end, data[pos:end]


def end_of_scans(data: bytes, pos: int) -> int:
    """Where the image ends (after EOI): entropy-coded data holds no marker but stuffed FF00 and
    restart markers; segments between progressive scans are skipped by their length."""
    while True:
        pos = data.find(b"\xff", pos)
        if pos == -1 or pos + 1 >= len(data):
            raise truncated()
        marker = data[pos + 1]
        if marker == 0x00 or marker == 0xFF or marker in JPEG_STANDALONE:
            pos += 1 if marker == 0xFF else 2
            continue
        if marker == JPEG_EOI:
            return pos + 2
        _marker, pos, _segment = _next_segment(data, pos)


def exif_orientation(tiff: bytes) -> int | None:
    """The Orientation tag (1-8) of IFD0 in an EXIF TIFF block, or None."""
    if len(tiff) < 8 or tiff[:2] not in (b"II", b"MM"):
        return None
    order = "<" if tiff[:2] == b"II" else ">"
    offset = struct.unpack(order + "I", tiff[4:8])[0]
    if offset + 2 > len(tiff):
        return None
    count = struct.unpack(order + "H", tiff[offset : offset + 2])[0]
    for i in range(count):
        entry = offset + 2 + 12 * i
        if entry + 12 > len(tiff):
            return None
        tag, _type, _count = struct.unpack(order + "HHI", tiff[entry : entry + 8])
        if tag == EXIF_ORIENTATION_TAG:
            value = struct.unpack(order + "H", tiff[entry + 8 : entry + 10])[0]
            return value if 1 <= value <= 8 else None
    return None


def minimal_exif(orientation: int) -> bytes:
    """An APP1 EXIF segment holding only the orientation (big-endian TIFF, one IFD entry)."""
    ifd = struct.pack(">H", 1) + struct.pack(">HHIHH", EXIF_ORIENTATION_TAG, 3, 1, orientation, 0)
    body = b"Exif\x00\x00" + b"MM\x00\x2a" + struct.pack(">I", 8) + ifd + struct.pack(">I", 0)
    return b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body


# ---- PNG -----------------------------------------------------------------------------------


def strip_png(data: bytes) -> bytes:
    """The signature and the kept chunks (CRCs checked); the pixel data checked row by row."""
    out, pos, idat = [data[:8]], 8, []
    while True:
        if pos + 12 > len(data):
            raise truncated()
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length
        if end > len(data):
            raise truncated()
        body = data[pos + 8 : end - 4]
        if zlib.crc32(kind + body) != struct.unpack(">I", data[end - 4 : end])[0]:
            raise unreadable("a PNG chunk is damaged")
        if kind in PNG_KEPT:
            out.append(data[pos:end])
        if kind == b"IDAT":
            idat.append(body)
        pos = end
        if kind == b"IEND":
            break
    if data[25] == 3 and not any(chunk[4:8] == b"PLTE" for chunk in out[1:]):
        raise unreadable("the PNG has colours from a palette it does not contain")
    check_png_pixels(data[16:29], idat)
    return b"".join(out)


def png_row_bytes(width: int, depth: int, channels: int) -> int:
    return (width * depth * channels + 7) // 8


def png_rows(header: bytes) -> list[tuple[int, int]]:
    """(rows, bytes per row without the filter byte) of each pass: one, or Adam7's seven."""
    width, height, depth, colour, _compression, _filter, interlace = struct.unpack(
        ">IIBBBBB", header
    )
    if colour not in PNG_CHANNELS or depth not in PNG_DEPTHS[colour] or interlace > 1:
        raise unreadable("the PNG header is not valid")
    channels = PNG_CHANNELS[colour]
    if not interlace:
        return [(height, png_row_bytes(width, depth, channels))]
    passes = []
    for x0, y0, dx, dy in ADAM7:
        pass_width, pass_height = (width - x0 + dx - 1) // dx, (height - y0 + dy - 1) // dy
        if pass_width > 0 and pass_height > 0:
            passes.append((pass_height, png_row_bytes(pass_width, depth, channels)))
    return passes


def check_png_pixels(header: bytes, idat: list[bytes]) -> None:
    """Inflate the pixel data in 1 MB pieces: it must be exactly the promised rows, each row
    starting with a valid filter type (0-4)."""
    row_starts = []
    offset = 0
    for rows, row_bytes in png_rows(header):
        row_starts.append((offset, rows, row_bytes + 1))
        offset += rows * (row_bytes + 1)
    expected = offset
    inflater = zlib.decompressobj()
    seen = 0
    try:
        for block in idat:
            piece = inflater.decompress(block, INFLATE_PIECE)
            while True:
                _check_filters(piece, seen, row_starts)
                seen += len(piece)
                if seen > expected:
                    raise unreadable("the PNG holds more data than its size")
                if not inflater.unconsumed_tail:
                    break
                piece = inflater.decompress(inflater.unconsumed_tail, INFLATE_PIECE)
        tail = inflater.flush()
    except zlib.error as exc:
        raise unreadable("the PNG pixel data is damaged") from exc
    _check_filters(tail, seen, row_starts)
    if seen + len(tail) != expected or not inflater.eof:
        raise unreadable("the PNG pixel data does not match its size")


def _check_filters(piece: bytes, seen: int, row_starts: list[tuple[int, int, int]]) -> None:
    """The filter bytes (0-4) that fall inside this piece of the inflated data."""
    end = seen + len(piece)
    for start, rows, stride in row_starts:
        first = max(0, (seen - start + stride - 1) // stride)
        last = min(rows, (end - start + stride - 1) // stride)
        for row in range(first, last):
            if piece[start + row * stride - seen] > 4:
                raise unreadable("the PNG pixel data is damaged")
