"""Turn untrusted photo bytes into a BGR image, or a clear refusal.

The size is read from the file header before anything is decoded (tcm_app.common.image_header,
shared with every image upload), so a decompression bomb is refused without allocating it. JPEG
orientation (EXIF) is applied; CMYK, greyscale, 16-bit and transparent PNGs become plain 8-bit
BGR. Truncated files are refused rather than half-decoded.
"""

from dataclasses import dataclass

import cv2
import numpy as np

from tcm_app.common import image_header
from tcm_app.common.errors import RuleError

MIN_SIDE = 64  # the largest size allowed is image_header's, shared with every image upload
# A larger JPEG is decoded at half its size (libjpeg scales while decoding: a quarter of the
# memory, ≤ 12.5 MP up to the 50 MP limit); the analysis works on far fewer pixels anyway. A PNG
# cannot be decoded smaller, so a PNG photo may be no larger, and holds at most PNG_DECODE_BUDGET
# bytes decoded (cameras send JPEG; a 48 MP PNG held 280 MB decoded, 12 MP of 16-bit RGBA 506 MB).
FULL_DECODE_MAX_PIXELS = 13_000_000
# 13 MP of 8-bit colour, 10 MP of grey, 5.7 MP with alpha, 3.6 MP of 16-bit RGBA.
PNG_DECODE_BUDGET = 40_000_000
# Channels OpenCV gives a PNG read unchanged, by PNG colour type (a palette may carry alpha).
PNG_DECODED_CHANNELS = {0: 1, 2: 3, 3: 4, 4: 4, 6: 4}
BLEND_ROWS = 256


class ImageRejectedError(RuleError):
    """The bytes are not a photo we can analyse; `code` is stable, `message` is for people."""


def truncated() -> ImageRejectedError:
    return ImageRejectedError("truncated_image", "the photo file is incomplete; send it again")


@dataclass(frozen=True)
class JpegLayout:
    width: int
    height: int
    complete: bool  # an end-of-image marker follows the compressed data


def rejected(exc: image_header.ImageHeaderError) -> ImageRejectedError:
    """The shared header check's refusal in the photo's words (its codes predate the sharing)."""
    if exc.code == "unsupported_image_type":
        return ImageRejectedError("unsupported_photo_type", "only JPEG or PNG photos are accepted")
    if exc.code == "truncated_image":
        return truncated()
    if exc.code == "image_too_large":
        message = exc.message.replace("the image", "the photo")
        return ImageRejectedError("image_too_large", message, exc.params)
    return ImageRejectedError(exc.code, exc.message)


def sniff(data: bytes) -> str:
    kind = image_header.image_kind(data)
    if kind is None:
        raise rejected(image_header.ImageHeaderError("unsupported_image_type", ""))
    return kind


def png_size(data: bytes) -> tuple[int, int]:
    try:
        return image_header.png_size(data)
    except image_header.ImageHeaderError as exc:
        raise rejected(exc) from exc


def jpeg_layout(data: bytes) -> JpegLayout:
    """The frame size, and whether the scan data ends properly (the end-of-image marker)."""
    try:
        (width, height), complete = image_header.jpeg_frame(data)
    except image_header.ImageHeaderError as exc:
        raise rejected(exc) from exc
    return JpegLayout(width, height, complete)


def check_size(width: int, height: int) -> None:
    try:
        image_header.check_not_too_large(width, height)
    except image_header.ImageHeaderError as exc:
        raise rejected(exc) from exc
    if min(width, height) < MIN_SIDE:
        raise ImageRejectedError(
            "image_too_small", f"the photo is {width}×{height}; at least {MIN_SIDE} pixels a side"
        )


def png_max_pixels(data: bytes) -> int:
    """How many pixels this PNG may have: decoded, plus its 8-bit BGR copy when it needs one
    (greyscale, 16 bits, alpha), within the budget. IHDR: bit depth at byte 24, colour type at
    25 (read_header checked the chunk is there)."""
    depth, colour = data[24], data[25]
    decoded = PNG_DECODED_CHANNELS.get(colour, 4) * (2 if depth == 16 else 1)
    converted = 0 if (colour, depth) == (2, 8) else 3
    return min(FULL_DECODE_MAX_PIXELS, PNG_DECODE_BUDGET // (decoded + converted))


def png_too_large(width: int, height: int, max_pixels: int) -> ImageRejectedError:
    limit = max_pixels // 1_000_000
    return ImageRejectedError(
        "image_too_large",
        f"the photo is {width}×{height} pixels; a PNG photo may have at most {limit} megapixels "
        "(a JPEG up to 50)",
        {**image_header.too_large_params(width, height), "max_megapixels": limit},
    )


def to_bgr8(image: np.ndarray) -> np.ndarray:
    """8-bit BGR from greyscale, 16-bit or alpha images (transparent parts become white).
    In place and by bands of rows, so memory stays near the decoded image's own size."""
    if image.dtype == np.uint16:
        np.right_shift(image, 8, out=image)
        image = image.astype(np.uint8)
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return blend_on_white(image)
    return image


def blend_on_white(image: np.ndarray) -> np.ndarray:
    blended = np.empty((*image.shape[:2], 3), np.uint8)
    for top in range(0, image.shape[0], BLEND_ROWS):
        band = image[top : top + BLEND_ROWS]
        alpha = band[:, :, 3:4].astype(np.float32) / 255.0
        rgb = band[:, :, :3].astype(np.float32) * alpha + 255.0 * (1 - alpha)
        blended[top : top + BLEND_ROWS] = rgb.astype(np.uint8)
    return blended


def decode_image(data: bytes) -> np.ndarray:
    """Validated bytes → BGR uint8 image, upright. Raises ImageRejectedError with a reason."""
    if not data:
        raise ImageRejectedError("empty_file", "the file is empty")
    try:
        header = image_header.read_header(data)
    except image_header.ImageHeaderError as exc:
        raise rejected(exc) from exc
    check_size(header.width, header.height)
    if header.kind == "png" and header.pixels > png_max_pixels(data):
        raise png_too_large(header.width, header.height, png_max_pixels(data))
    if not header.complete:
        raise truncated()
    # JPEG as colour (orientation applied); PNG unchanged, so alpha and 16 bits are handled here.
    flags = cv2.IMREAD_COLOR if header.kind == "jpeg" else cv2.IMREAD_UNCHANGED
    if header.kind == "jpeg" and header.pixels > FULL_DECODE_MAX_PIXELS:
        flags = cv2.IMREAD_REDUCED_COLOR_2
    try:
        image = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    except cv2.error:  # damage found while decoding, or OpenCV's own pixel limit
        image = None
    if image is None:
        raise ImageRejectedError("unreadable_image", "the photo cannot be decoded")
    return to_bgr8(image)


def is_greyscale(image: np.ndarray) -> bool:
    """True when the three channels (nearly) agree everywhere: a black-and-white photo."""
    sample = image[::8, ::8].astype(np.int16)
    spread = np.abs(sample[:, :, 0] - sample[:, :, 1]) + np.abs(sample[:, :, 1] - sample[:, :, 2])
    return float(np.percentile(spread, 99)) <= 6
