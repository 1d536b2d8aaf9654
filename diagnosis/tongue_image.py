"""Turn untrusted photo bytes into a BGR image, or a clear refusal.

The size is read from the file header before anything is decoded, so a decompression bomb is
refused without allocating it. JPEG orientation (EXIF) is applied; CMYK, greyscale, 16-bit and
transparent PNGs become plain 8-bit BGR. Truncated files are refused rather than half-decoded.
"""

import struct
from dataclasses import dataclass

import cv2
import numpy as np

MAX_PIXELS = 50_000_000  # a 48-megapixel phone photo passes; 20000×20000 does not
MAX_SIDE = 12_000
MIN_SIDE = 64
JPEG_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


class ImageRejectedError(ValueError):
    """The bytes are not a photo we can analyse; `code` is stable, `message` is for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def truncated() -> ImageRejectedError:
    return ImageRejectedError("truncated_image", "the photo file is incomplete; send it again")


@dataclass(frozen=True)
class JpegLayout:
    width: int
    height: int
    complete: bool  # an end-of-image marker follows the compressed data


def sniff(data: bytes) -> str:
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    raise ImageRejectedError("unsupported_photo_type", "only JPEG or PNG photos are accepted")


def png_size(data: bytes) -> tuple[int, int]:
    if len(data) < 24 or data[12:16] != b"IHDR":
        raise ImageRejectedError("unreadable_image", "the PNG header is damaged")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def jpeg_layout(data: bytes) -> JpegLayout:
    """Walk the JPEG segments: the frame size, and whether the scan data ends properly."""
    pos, size = 2, None
    while True:
        if pos + 4 > len(data):
            raise truncated()
        if data[pos] != 0xFF:
            raise ImageRejectedError("unreadable_image", "the JPEG structure is damaged")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        if marker in JPEG_SOF_MARKERS and pos + 9 <= len(data):
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            size = (width, height)
        if marker == 0xDA:  # start of scan: compressed data follows until the EOI marker
            if size is None:
                break
            # Inside scan data a literal 0xFF is stuffed as FF00, so FFD9 can only be the marker.
            complete = data.find(b"\xff\xd9", pos + 2 + length) != -1
            return JpegLayout(size[0], size[1], complete)
        pos += 2 + length
    raise ImageRejectedError("unreadable_image", "the JPEG is damaged")


def check_size(width: int, height: int) -> None:
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        raise ImageRejectedError(
            "image_too_large",
            f"the photo is {width}×{height}; at most {MAX_SIDE} pixels a side and "
            f"{MAX_PIXELS // 1_000_000} megapixels are accepted",
        )
    if min(width, height) < MIN_SIDE:
        raise ImageRejectedError(
            "image_too_small", f"the photo is {width}×{height}; at least {MIN_SIDE} pixels a side"
        )


def to_bgr8(image: np.ndarray) -> np.ndarray:
    """8-bit BGR from greyscale, 16-bit or alpha images (transparent parts become white)."""
    if image.dtype == np.uint16:
        image = (image >> 8).astype(np.uint8)
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        alpha = image[:, :, 3:4].astype(np.float32) / 255.0
        blended = image[:, :, :3].astype(np.float32) * alpha + 255.0 * (1 - alpha)
        return blended.astype(np.uint8)
    return image


def decode_image(data: bytes) -> np.ndarray:
    """Validated bytes → BGR uint8 image, upright. Raises ImageRejectedError with a reason."""
    if not data:
        raise ImageRejectedError("empty_file", "the file is empty")
    kind = sniff(data)
    if kind == "jpeg":
        layout = jpeg_layout(data)
        check_size(layout.width, layout.height)
        if not layout.complete:
            raise ImageRejectedError(
                "truncated_image", "the photo file is incomplete; send it again"
            )
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    else:
        check_size(*png_size(data))
        if b"IEND" not in data[-32:]:
            raise truncated()
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if image is None:
        raise ImageRejectedError("unreadable_image", "the photo cannot be decoded")
    return to_bgr8(image)


def is_greyscale(image: np.ndarray) -> bool:
    """True when the three channels (nearly) agree everywhere: a black-and-white photo."""
    sample = image[::8, ::8].astype(np.int16)
    spread = np.abs(sample[:, :, 0] - sample[:, :, 1]) + np.abs(sample[:, :, 1] - sample[:, :, 2])
    return float(np.percentile(spread, 99)) <= 6
