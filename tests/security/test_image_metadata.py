"""Documents and chat images lose their metadata without being decoded in full (so a 48 MP photo
costs a few MB, not 280): what is dropped, what is kept (pixels unchanged, a phone photo still
upright), and damaged pixel data refused."""

import io
import struct
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image

from tcm_app.common.image_header import ImageHeaderError
from tcm_app.common.image_strip import strip_jpeg, strip_png

pytestmark = pytest.mark.pure

SECRET = b"SECRET-GPS-39.9N"


def texture(width=96, height=64) -> np.ndarray:
    return np.random.default_rng(3).integers(0, 256, (height, width, 3), np.uint8)


def pillow(image: Image.Image, kind: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind, **options)
    return buffer.getvalue()


def jpeg_with(orientation: int | None = None, progressive: bool = False) -> bytes:
    """A JPEG with EXIF (camera make, GPS-like text, optionally an orientation), a comment, an
    XMP block and bytes after its end."""
    exif = Image.Exif()
    exif[0x010F] = SECRET.decode()  # Make
    if orientation:
        exif[0x0112] = orientation
    image = Image.fromarray(texture()[:, :, ::-1])
    data = pillow(image, "JPEG", exif=exif.tobytes(), quality=90, progressive=progressive)
    comment = b"\xff\xfe" + struct.pack(">H", len(SECRET) + 2) + SECRET
    xmp_body = b"http://ns.adobe.com/xap/1.0/\x00<x>" + SECRET + b"</x>"
    xmp = b"\xff\xe1" + struct.pack(">H", len(xmp_body) + 2) + xmp_body
    return data[:2] + comment + xmp + data[2:] + b"trailing " + SECRET


def decoded(data: bytes, flags=cv2.IMREAD_COLOR) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    assert image is not None
    return image


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_parts(data: bytes) -> list[tuple[bytes, bytes]]:
    parts, pos = [], 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        parts.append((kind, data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return parts


def png_from(parts) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunk(kind, body) for kind, body in parts)


def png_with_text() -> bytes:
    parts = png_parts(cv2.imencode(".png", texture())[1].tobytes())
    extra = [(b"tEXt", b"Author\x00" + SECRET), (b"eXIf", b"MM\x00*" + SECRET), (b"prVt", SECRET)]
    return png_from(parts[:1] + extra + parts[1:])


def png_with_pixels(raw: bytes, width=4, height=3) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return png_from([(b"IHDR", header), (b"IDAT", zlib.compress(raw)), (b"IEND", b"")])


@pytest.mark.parametrize("progressive", [False, True], ids=["baseline", "progressive"])
def test_jpeg_loses_exif_xmp_comments_and_trailing_bytes_and_keeps_its_pixels(progressive):
    original = jpeg_with(progressive=progressive)
    stripped = strip_jpeg(original)
    assert SECRET not in stripped and b"Exif" not in stripped and b"xap" not in stripped
    assert stripped.endswith(b"\xff\xd9")
    assert np.array_equal(decoded(stripped), decoded(original))


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_a_rotated_phone_photo_stays_upright(orientation):
    original = jpeg_with(orientation)
    stripped = strip_jpeg(original)
    assert SECRET not in stripped
    assert np.array_equal(decoded(stripped), decoded(original))  # OpenCV applies orientation
    upright = (96, 64, 3) if orientation in (6, 8) else (64, 96, 3)  # 6 and 8 turn a quarter
    assert decoded(stripped).shape == upright


def test_png_loses_text_exif_and_private_chunks_and_keeps_its_pixels():
    original = png_with_text()
    stripped = strip_png(original)
    assert SECRET not in stripped
    assert {kind for kind, _ in png_parts(stripped)} == {b"IHDR", b"IDAT", b"IEND"}
    assert np.array_equal(decoded(stripped, cv2.IMREAD_UNCHANGED), texture())


def test_palette_and_greyscale_pngs_are_kept():
    palette = pillow(Image.fromarray(texture()).convert("P"), "PNG")
    assert np.array_equal(decoded(strip_png(palette)), decoded(palette))
    grey = pillow(Image.fromarray(texture()[:, :, 0]), "PNG")
    assert np.array_equal(decoded(strip_png(grey)), decoded(grey))


ROW = b"\x00" + b"\x80" * 4  # filter byte 0, four grey pixels

DAMAGED_PNGS = [
    pytest.param(png_with_pixels(ROW * 2), id="png with fewer rows than its header refused"),
    pytest.param(png_with_pixels(ROW * 4), id="png with more rows than its header refused"),
    pytest.param(png_with_pixels((b"\x09" + b"\x80" * 4) * 3), id="png with a bad filter refused"),
    pytest.param(
        png_from([(b"IHDR", struct.pack(">IIBBBBB", 4, 3, 8, 0, 0, 0, 0)), (b"IDAT", b"xx")]) + b"",
        id="png with broken compressed data refused",
    ),
    pytest.param(png_with_pixels(ROW * 3)[:-12], id="png without its end refused"),
    pytest.param(
        png_with_pixels(ROW * 3).replace(b"IDAT", b"IDAT\x00", 1)[:-1],
        id="png with a damaged chunk refused",
    ),
]


@pytest.mark.parametrize("data", DAMAGED_PNGS)
def test_damaged_png_pixel_data_is_refused(data):
    with pytest.raises(ImageHeaderError) as caught:
        strip_png(data)
    assert caught.value.code in {"unreadable_image", "truncated_image"}


def test_a_well_formed_tiny_png_passes():
    assert decoded(strip_png(png_with_pixels(ROW * 3)), cv2.IMREAD_UNCHANGED).shape == (3, 4)


def test_jpeg_cut_inside_its_scan_is_refused():
    data = jpeg_with()
    with pytest.raises(ImageHeaderError):
        strip_jpeg(data[: len(data) // 2])


def test_a_tongue_photo_over_13_megapixels_is_decoded_at_half_size_and_upright():
    """Decoding a 48 MP photo in full costs 280 MB; at half size (libjpeg scales as it decodes)
    a quarter of that, and the analysis uses far fewer pixels anyway."""
    from diagnosis.tongue_image import decode_image

    exif = Image.Exif()
    exif[0x0112] = 6  # a portrait phone photo: stored sideways, turned by its EXIF
    large = Image.new("RGB", (4800, 3000), (150, 100, 120))
    image = decode_image(pillow(large, "JPEG", exif=exif.tobytes(), quality=80))
    assert image.shape == (2400, 1500, 3)


def test_a_tongue_png_over_13_megapixels_is_refused_as_too_large():
    """A PNG cannot be decoded at a smaller size: 48 MP would hold 280 MB."""
    from diagnosis.tongue_image import ImageRejectedError, decode_image

    header = struct.pack(">IIBBBBB", 4000, 3500, 8, 2, 0, 0, 0)
    data = png_from([(b"IHDR", header), (b"IDAT", zlib.compress(b"\x00")), (b"IEND", b"")])
    with pytest.raises(ImageRejectedError) as caught:
        decode_image(data)
    assert caught.value.code == "image_too_large"
    assert caught.value.params["max_megapixels"] == 13
