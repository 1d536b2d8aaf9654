"""Untrusted photo bytes: what is refused (with which code) and what every accepted photo
becomes (8-bit BGR, upright). All files are built in memory."""

import io
import struct
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image

from diagnosis.tongue_image import (
    ImageRejectedError,
    decode_image,
    is_greyscale,
    jpeg_layout,
    png_size,
    to_bgr8,
)

pytestmark = pytest.mark.pure


def jpeg_bytes(image: np.ndarray, quality: int = 90) -> bytes:
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return encoded.tobytes()


def png_bytes(image: np.ndarray) -> bytes:
    ok, encoded = cv2.imencode(".png", image)
    assert ok
    return encoded.tobytes()


def pillow_bytes(image: Image.Image, kind: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind, **options)
    return buffer.getvalue()


def photo(width: int = 400, height: int = 300) -> np.ndarray:
    """Textured colour content, so the JPEG has real scan data to cut in half."""
    return np.random.default_rng(7).integers(0, 256, (height, width, 3), np.uint8)


def png_claiming(width: int, height: int) -> bytes:
    """A real small PNG whose IHDR (and its CRC) is patched to claim another size."""
    data = bytearray(png_bytes(np.zeros((64, 64, 3), np.uint8)))
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def jpeg_claiming(width: int, height: int) -> bytes:
    """A real small JPEG whose baseline frame header (SOF0) claims another size."""
    data = bytearray(jpeg_bytes(np.zeros((64, 64, 3), np.uint8)))
    sof = data.find(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def rejection(data: bytes) -> str:
    with pytest.raises(ImageRejectedError) as caught:
        decode_image(data)
    assert caught.value.message, "every refusal explains itself"
    return caught.value.code


def first_half(data: bytes) -> bytes:
    return data[: len(data) // 2]


PHOTO_JPEG = jpeg_bytes(photo())
PHOTO_PNG = png_bytes(photo())
BLACK_1X1 = np.zeros((1, 1, 3), np.uint8)
BLACK_63X500 = np.zeros((63, 500, 3), np.uint8)

REFUSED = [
    ("an empty upload is an empty file", b"", "empty_file"),
    ("a text file is not a photo", b"tongue photo\n" * 10, "unsupported_photo_type"),
    ("a PDF is not a photo", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "unsupported_photo_type"),
    (
        "random bytes are not a photo",
        np.random.default_rng(1).bytes(4096),
        "unsupported_photo_type",
    ),
    (
        "a GIF is not accepted",
        pillow_bytes(Image.new("RGB", (80, 80)), "GIF"),
        "unsupported_photo_type",
    ),
    ("a JPEG cut in half is truncated", first_half(PHOTO_JPEG), "truncated_image"),
    ("a JPEG without its end marker is truncated", PHOTO_JPEG[:-2], "truncated_image"),
    ("a PNG shorter than its header is damaged", PHOTO_PNG[:20], "unreadable_image"),
    ("a 1×1 PNG is too small", png_bytes(BLACK_1X1), "image_too_small"),
    ("a 1×1 JPEG is too small", jpeg_bytes(BLACK_1X1), "image_too_small"),
    ("63 pixels on a side is too small", png_bytes(BLACK_63X500), "image_too_small"),
    ("a PNG claiming 20000×20000 is too large", png_claiming(20000, 20000), "image_too_large"),
    ("a PNG claiming a 12001-pixel side is too large", png_claiming(12001, 100), "image_too_large"),
    ("a PNG claiming 8000×7000 (56 MP) is too large", png_claiming(8000, 7000), "image_too_large"),
    ("a JPEG claiming 20000×20000 is too large", jpeg_claiming(20000, 20000), "image_too_large"),
]


@pytest.mark.parametrize(("data", "code"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_refused_uploads_name_the_reason(data, code):
    assert rejection(data) == code


def test_a_png_cut_in_half_is_refused_not_half_decoded():
    assert rejection(first_half(PHOTO_PNG)) in {"truncated_image", "unreadable_image"}


def test_a_jpeg_cut_inside_its_headers_is_truncated():
    small = jpeg_bytes(np.full((100, 150, 3), 128, np.uint8))
    assert rejection(small[:300]) == "truncated_image"


def test_the_size_is_refused_from_the_header_without_decoding(monkeypatch):
    def must_not_decode(*args, **kwargs):
        raise AssertionError("a decompression bomb must be refused before decoding")

    monkeypatch.setattr(cv2, "imdecode", must_not_decode)
    assert rejection(png_claiming(20000, 20000)) == "image_too_large"
    assert rejection(jpeg_claiming(20000, 20000)) == "image_too_large"


def test_header_readers_report_the_claimed_size():
    assert png_size(png_claiming(20000, 1)) == (20000, 1)
    layout = jpeg_layout(PHOTO_JPEG)
    assert (layout.width, layout.height, layout.complete) == (400, 300, True)
    assert not jpeg_layout(PHOTO_JPEG[:-2]).complete


ACCEPTED_SIZES = [
    ("64×64 is the smallest accepted", 64, 64),
    ("a 4:3 landscape photo", 400, 300),
    ("a portrait photo", 300, 400),
]


@pytest.mark.parametrize(
    ("width", "height"), [c[1:] for c in ACCEPTED_SIZES], ids=[c[0] for c in ACCEPTED_SIZES]
)
def test_accepted_photos_become_8_bit_bgr_of_the_same_size(width, height):
    for data in (jpeg_bytes(photo(width, height)), png_bytes(photo(width, height))):
        image = decode_image(data)
        assert image.shape == (height, width, 3)
        assert image.dtype == np.uint8


def test_a_png_decodes_to_exactly_its_pixels():
    original = photo(120, 90)
    assert np.array_equal(decode_image(png_bytes(original)), original)


def test_trailing_bytes_after_the_jpeg_end_are_ignored():
    original = PHOTO_JPEG
    with_trailer = original + b"\x00" * 100 + b"padding from a messenger app"
    assert np.array_equal(decode_image(with_trailer), decode_image(original))


def test_a_greyscale_jpeg_decodes_to_three_equal_channels():
    grey = (np.arange(80 * 96) % 251).astype(np.uint8).reshape(80, 96)
    image = decode_image(jpeg_bytes(grey))
    assert image.shape == (80, 96, 3)
    assert is_greyscale(image)


def test_a_colour_photo_is_not_greyscale():
    assert not is_greyscale(decode_image(PHOTO_JPEG))


def test_a_cmyk_jpeg_decodes_to_bgr_with_its_colour():
    red = Image.new("CMYK", (120, 90), (0, 255, 255, 0))  # no cyan, full magenta and yellow
    image = decode_image(pillow_bytes(red, "JPEG", quality=95))
    assert image.shape == (90, 120, 3)
    blue, green, red_channel = image[45, 60].astype(int)
    assert red_channel > 200 and blue < 50 and green < 50


def test_transparent_png_pixels_become_white():
    rgba = np.zeros((70, 80, 4), np.uint8)
    rgba[:, :, 2] = 255  # red
    rgba[:, :40, 3] = 255  # left half opaque, right half fully transparent
    rgba[:, 40:60, 3] = 128  # a half-transparent band in between
    image = decode_image(png_bytes(rgba))
    assert image.shape == (70, 80, 3)
    assert image[0, 0].tolist() == [0, 0, 255]
    assert image[0, 79].tolist() == [255, 255, 255]
    assert 120 <= image[0, 50, 0] <= 135 and image[0, 50, 2] == 255


def test_a_greyscale_png_with_alpha_becomes_bgr():
    image = decode_image(pillow_bytes(Image.new("LA", (80, 70), (100, 0)), "PNG"))
    assert image.shape == (70, 80, 3)
    assert image[0, 0].tolist() == [255, 255, 255]


def test_a_16_bit_png_keeps_its_brightness_in_8_bits():
    deep = np.full((70, 80, 3), (10000, 40000, 65535), np.uint16)
    image = decode_image(png_bytes(deep))
    assert image.dtype == np.uint8
    assert image[0, 0].tolist() == [10000 >> 8, 40000 >> 8, 255]


def test_a_16_bit_greyscale_png_becomes_bgr():
    image = decode_image(png_bytes(np.full((70, 80), 40000, np.uint16)))
    assert image.shape == (70, 80, 3) and image[0, 0].tolist() == [156, 156, 156]


def test_exif_orientation_is_applied():
    landscape = Image.new("RGB", (200, 100), (200, 30, 30))
    landscape.paste((30, 200, 30), (0, 0, 20, 100))  # a green strip on the stored left edge
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    image = decode_image(pillow_bytes(landscape, "JPEG", exif=exif.tobytes(), quality=95))
    assert image.shape == (200, 100, 3), "stored 200×100, shown 100×200"
    top_row, bottom_row = image[2, 50], image[197, 50]
    assert top_row[1] > 150 and top_row[2] < 100, "the stored left edge is now at the top"
    assert bottom_row[2] > 150 and bottom_row[1] < 100


TO_BGR8 = [
    ("grey 2-D becomes three channels", np.full((4, 4), 7, np.uint8), [7, 7, 7]),
    ("16-bit keeps the high byte", np.full((4, 4, 3), 0x1234, np.uint16), [0x12, 0x12, 0x12]),
    ("opaque alpha keeps the colour", np.full((4, 4, 4), (1, 2, 3, 255), np.uint8), [1, 2, 3]),
    ("transparent alpha is white", np.full((4, 4, 4), (1, 2, 3, 0), np.uint8), [255, 255, 255]),
    ("plain BGR is unchanged", np.full((4, 4, 3), (9, 8, 7), np.uint8), [9, 8, 7]),
]


@pytest.mark.parametrize(("image", "pixel"), [c[1:] for c in TO_BGR8], ids=[c[0] for c in TO_BGR8])
def test_to_bgr8(image, pixel):
    result = to_bgr8(image)
    assert result.dtype == np.uint8 and result.shape == (4, 4, 3)
    assert result[0, 0].tolist() == pixel
