"""Upload memory figures (make bench): the peak resident memory an image upload adds to a fresh
server process, for the largest image accepted and for decompression bombs.

Each case runs in its own new process: the app is created, a visit is made and the file is read
from disk; then the kernel's peak-RSS mark is reset (/proc/self/clear_refs) and the upload is
posted through the API (the in-process test client, so the figure includes building the multipart
body, about twice the file). "Over idle" is the peak during the request minus the resident memory
just before it. The files are built in the parent process, so their making is not counted.

Refusals are expected for the bombs (422 image_too_large); a 5xx or an exception is reported.
"""

import io
import json
import os
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TARGET_MB = 100


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def zero_png(width: int, height: int, colour_type: int = 0, depth: int = 8) -> bytes:
    """A real PNG of black pixels (grey, RGB with colour_type 2, RGBA with 6), compressed row
    block by row block, so building it never holds the decoded image."""
    channels = {0: 1, 2: 3, 6: 4}[colour_type]
    row = width * channels * depth // 8 + 1
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(b"\x00" * row * 100) for _ in range(height // 100)]
    parts += [compressor.compress(b"\x00" * row * (height % 100)), compressor.flush()]
    header = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", b"".join(parts))
        + png_chunk(b"IEND", b"")
    )


def png_claiming(width: int, height: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 65))
        + png_chunk(b"IEND", b"")
    )


def jpeg_claiming(width: int, height: int) -> bytes:
    data = bytearray(cv2.imencode(".jpg", np.zeros((64, 64, 3), np.uint8))[1].tobytes())
    sof = data.find(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def photo_jpeg(width: int, height: int, progressive: bool = False) -> bytes:
    """A photo-like JPEG (smooth colour with fine grain) of width×height, under the 10 MB limit."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    image = np.empty((height, width, 3), np.uint8)
    image[:, :, 0] = (x / width * 200 + 30).astype(np.uint8)
    image[:, :, 1] = (y / height * 180 + 40).astype(np.uint8)
    image[:, :, 2] = ((x + y) / (width + height) * 150 + 60).astype(np.uint8)
    del x, y
    grain = np.random.default_rng(1).integers(0, 6, (height, width, 1), np.uint8)
    image += grain
    options = [cv2.IMWRITE_JPEG_QUALITY, 80, cv2.IMWRITE_JPEG_PROGRESSIVE, int(progressive)]
    return cv2.imencode(".jpg", image, options)[1].tobytes()


# (where it is posted, how the file is made); documents stand for chat images (the same code).
DOCUMENT, TONGUE = "document", "tongue"
CASES = {
    "jpeg photo 4032x3024 (12 MP phone), accepted": lambda: photo_jpeg(4032, 3024),
    "jpeg photo 8000x6000 (48 MP), accepted": lambda: photo_jpeg(8000, 6000),
    "progressive jpeg 8000x6000 (48 MP), accepted": lambda: photo_jpeg(8000, 6000, True),
    "png 12000x4000 RGB (48 MP), accepted": lambda: zero_png(12000, 4000, colour_type=2),
    "png 30000x30000 real bomb (875 KB)": lambda: zero_png(30000, 30000),
    "png claiming 40000x40000": lambda: png_claiming(40000, 40000),
    "jpeg claiming 65000x65000": lambda: jpeg_claiming(65000, 65000),
}


TONGUE_CASES = [
    (name, make, TONGUE)
    for name, make in {
        "tongue photo: jpeg 4032x3024 (12 MP)": lambda: photo_jpeg(4032, 3024),
        "tongue photo: jpeg 8000x6000 (48 MP)": lambda: photo_jpeg(8000, 6000),
        "tongue photo: png 12000x4000 RGB (48 MP)": lambda: zero_png(12000, 4000, 2),
        "tongue photo: png 4000x3000 RGB (12 MP)": lambda: zero_png(4000, 3000, 2),
        "tongue photo: png 4000x3000 RGBA 16-bit": lambda: zero_png(4000, 3000, 6, 16),
        "tongue photo: png 2400x1500 RGBA 16-bit (3.6 MP)": lambda: zero_png(2400, 1500, 6, 16),
        "tongue photo: png 2800x2000 RGBA (5.6 MP)": lambda: zero_png(2800, 2000, 6),
        "tongue photo: png 3600x2700 grey (9.7 MP)": lambda: zero_png(3600, 2700, 0),
        "tongue photo: png claiming 40000x40000": lambda: png_claiming(40000, 40000),
    }.items()
]


def rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def post(client, encounter_id: int, headers: dict, target: str, data: bytes):
    if target == TONGUE:
        url, form = f"/api/v1/encounters/{encounter_id}/tongue-images", {}
        form["photo"] = (io.BytesIO(data), "tongue.jpg")
    else:
        url, form = (
            f"/api/v1/encounters/{encounter_id}/documents",
            {"doc_type": "outpatient_record"},
        )
        form["file"] = (io.BytesIO(data), "record")
    return client.post(url, data=form, headers=headers, content_type="multipart/form-data")


def measure_one(path: str, target: str) -> dict:
    """In the child: post the file at `path` (as a document or a tongue photo); the peak RSS
    it added."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from common import bench_app  # the app module sets OpenCV's limit before cv2 loads

    from tcm_app.extensions import db
    from tests.factories import bearer, create_encounter

    app = bench_app("tcm-upload-memory-")
    data = Path(path).read_bytes()
    with app.app_context():
        encounter = create_encounter()
        headers = bearer(encounter.patient.user)
        client = app.test_client()
        client.get("/api/v1/me", headers=headers)  # warm the request path
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak-RSS mark (VmHWM)
        idle = rss_kb("VmRSS")
        started = time.perf_counter()
        try:
            response = post(client, encounter.id, headers, target, data)
            answer = (
                f"{response.status_code} {response.get_json().get('error', {}).get('code', '')}"
            )
        except Exception as exc:  # the unfixed code raises out of the test client (a 500)
            answer = f"500 ({type(exc).__name__})"
        seconds = time.perf_counter() - started
        db.session.rollback()
    peak = rss_kb("VmHWM")
    return {"answer": answer.strip(), "over_idle_mb": (peak - idle) / 1024, "seconds": seconds}


def main() -> int:
    print(f"Peak memory an upload adds to a fresh process (target ≤ {TARGET_MB} MB over idle)")
    print(f"{'case':<56} {'file':>9} {'answer':<24} {'over idle':>10} {'time':>7}")
    worst_accepted = 0.0
    with tempfile.TemporaryDirectory() as folder:
        document_cases = [(name, make, DOCUMENT) for name, make in CASES.items()]
        for name, make, target in document_cases + TONGUE_CASES:
            path = Path(folder) / "upload.bin"
            data = make()
            path.write_bytes(data)
            result = subprocess.run(
                [sys.executable, __file__, "--one", str(path), target],
                cwd=ROOT,
                env={k: v for k, v in os.environ.items() if k != "OPENCV_IO_MAX_IMAGE_PIXELS"},
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                print(f"{name:<56} failed: {result.stderr.strip()[-400:]}")
                continue
            row = json.loads(result.stdout.strip().splitlines()[-1])
            size = f"{len(data) / 1e6:.2f} MB"
            label = name if target == TONGUE else f"document: {name}"
            print(
                f"{label:<56} {size:>9} {row['answer']:<24} "
                f"{row['over_idle_mb']:>7.0f} MB {row['seconds']:>6.2f}s"
            )
            if row["answer"].startswith("201"):
                worst_accepted = max(worst_accepted, row["over_idle_mb"])
    print(f"largest accepted image: {worst_accepted:.0f} MB over idle (target ≤ {TARGET_MB} MB)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        print(json.dumps(measure_one(sys.argv[2], sys.argv[3])))
        sys.exit(0)
    sys.exit(main())
