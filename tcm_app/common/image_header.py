"""What an uploaded image is and how big it is, read from its header before anything decodes it.

Every path that takes an image in (documents, chat images, tongue photos) asks this module first,
so a decompression bomb (a small file that claims or decodes to billions of pixels) is refused
without allocating it. JPEG and PNG only. Pure: standard library only, no I/O.
"""

import struct
from dataclasses import dataclass

from tcm_app.common.errors import RuleError

# A 48-megapixel phone photo passes; 20000×20000 does not. The tongue photo had these limits
# first; documents and chat images share them.
MAX_SIDE = 12_000
MAX_PIXELS = 50_000_000

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
JPEG_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
JPEG_PROGRESSIVE_SOF = {0xC2, 0xC6, 0xCA, 0xCE}
JPEG_START_OF_SCAN = 0xDA
# Markers without a length field: TEM and the restart markers RST0-RST7.
JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}


class ImageHeaderError(RuleError):
    """The header refuses the image; `code` is stable, `message` is for people (English)."""


@dataclass(frozen=True)
class ImageHeader:
    kind: str  # "jpeg" or "png"
    width: int
    height: int
    complete: bool  # the file ends properly: JPEG end-of-image after the scan, PNG IEND
    progressive: bool = False  # a progressive JPEG: decoded from all its coefficients at once

    @property
    def pixels(self) -> int:
        return self.width * self.height


def image_kind(data: bytes) -> str | None:
    """ "jpeg", "png", or None: from the first bytes, never from the name or the browser's claim."""
    if data.startswith(JPEG_SIGNATURE):
        return "jpeg"
    if data.startswith(PNG_SIGNATURE):
        return "png"
    return None


def unreadable(message: str) -> ImageHeaderError:
    return ImageHeaderError("unreadable_image", message)


def truncated() -> ImageHeaderError:
    return ImageHeaderError("truncated_image", "the image file is incomplete; send it again")


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which the PNG format puts first."""
    if len(data) < 33:
        raise unreadable("the PNG header is incomplete")
    length, kind = struct.unpack(">I4s", data[8:16])
    if kind != b"IHDR" or length != 13:
        raise unreadable("the PNG header is damaged")
    width, height = struct.unpack(">II", data[16:24])
    if not (0 < width < 2**31 and 0 < height < 2**31):
        raise unreadable("the PNG header gives an impossible size")
    return width, height


def jpeg_frame(data: bytes) -> tuple[tuple[int, int], bool]:
    """Walk the JPEG segments up to the first scan: ((width, height), whether it ends with EOI).

    Exactly one frame header (SOF) is accepted: decoders disagree on which of two counts."""
    size, complete, _progressive = jpeg_segments(data)
    return size, complete


def jpeg_segments(data: bytes) -> tuple[tuple[int, int], bool, bool]:
    """(width, height), whether it ends with EOI, whether the frame is progressive."""
    pos, size, progressive = 2, None, False
    while True:
        if pos + 4 > len(data):
            raise truncated()
        if data[pos] != 0xFF:
            raise unreadable("the JPEG structure is damaged")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in JPEG_STANDALONE:
            pos += 2
            continue
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        if length < 2:
            raise unreadable("the JPEG structure is damaged")
        if marker in JPEG_SOF_MARKERS:
            size = _sof_size(data, pos, size)
            progressive = marker in JPEG_PROGRESSIVE_SOF
        if marker == JPEG_START_OF_SCAN:
            if size is None:
                raise unreadable("the JPEG has no frame header")
            # Inside scan data a literal 0xFF is stuffed as FF00, so FFD9 can only be the marker.
            return size, data.find(b"\xff\xd9", pos + 2 + length) != -1, progressive
        pos += 2 + length


def _sof_size(data: bytes, pos: int, seen: tuple[int, int] | None) -> tuple[int, int]:
    if seen is not None:
        raise unreadable("the JPEG has two frame headers")
    if pos + 9 > len(data):
        raise truncated()
    height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
    if not (width and height):  # a height given later (DNL) is not supported by decoders here
        raise unreadable("the JPEG frame header gives no size")
    return width, height


def read_header(data: bytes) -> ImageHeader:
    """Kind and size of JPEG or PNG bytes, without decoding any pixel.

    Raises ImageHeaderError: unsupported_image_type, unreadable_image, truncated_image."""
    kind = image_kind(data)
    if kind == "jpeg":
        (width, height), complete, progressive = jpeg_segments(data)
        return ImageHeader(kind, width, height, complete, progressive)
    if kind == "png":
        width, height = png_size(data)
        return ImageHeader(kind, width, height, b"IEND" in data[-32:])
    raise ImageHeaderError("unsupported_image_type", "only JPEG or PNG images are accepted")


def check_not_too_large(width: int, height: int) -> None:
    """At most MAX_SIDE pixels a side and MAX_PIXELS in all; raises image_too_large."""
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        raise ImageHeaderError(
            "image_too_large",
            f"the image is {width}×{height} pixels; at most {MAX_SIDE} pixels a side and "
            f"{MAX_PIXELS // 1_000_000} megapixels are accepted",
            too_large_params(width, height),
        )


def too_large_params(width: int, height: int) -> dict:
    """The numbers a translated refusal shows."""
    return {
        "width": width,
        "height": height,
        "max_side": MAX_SIDE,
        "max_megapixels": MAX_PIXELS // 1_000_000,
    }


def read_checked_header(data: bytes) -> ImageHeader:
    """The header of an image small enough to decode; every refusal is an ImageHeaderError."""
    header = read_header(data)
    check_not_too_large(header.width, header.height)
    return header
