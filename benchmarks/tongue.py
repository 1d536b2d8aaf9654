"""Tongue figures (make bench): segmentation IoU against the hand-drawn masks of the BioHit
development photos, clean and under each phone-like perturbation; analysis time at phone size;
quality-check pass rates and value distributions (what the limits in tongue_quality rest on).

Reads ../shared/data/tongue-dev (override with TCM_TONGUE_DATA) and skips, exit 0, when it is
absent. TCM_TONGUE_BENCH_LIMIT=N uses only the first N photos. OpenCV runs one thread per process;
the IoU sweep uses TCM_TONGUE_BENCH_WORKERS processes (default 2), the timings run alone after it.
"""

import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diagnosis.tongue import ALGORITHM_VERSION, analyze, full_size_mask  # noqa: E402
from diagnosis.tongue_image import decode_image  # noqa: E402
from diagnosis.tongue_perturb import PERTURBATIONS, iou  # noqa: E402
from diagnosis.tongue_quality import assess  # noqa: E402

CONDITIONS = ["clean", *PERTURBATIONS]
PHONE_SIZE = (4032, 3024)  # a 12-megapixel phone photo, 4:3 like the development photos
TIMED_PHOTOS, WARM_UP, TIMED_RUNS = 3, 3, 20
GOOD_IOU = 0.9
# Check codes in assess() order, with short column headings.
CHECKS = {
    "tongue_found": "found",
    "colour": "colour",
    "exposure": "expo",
    "clipped": "clip",
    "colour_cast": "cast",
    "tongue_size": "size",
    "cut_off": "cut",
    "sharpness": "sharp",
    "glare": "glare",
}


def held_out(stem: str) -> bool:
    """Never trained on (scripts/train_tongue_segmentation.py)."""
    return int(stem) % 5 == 0


def photo_paths(data: Path, limit: int | None) -> list[Path]:
    paths = sorted((data / "images").glob("*.jpg"))
    return paths[:limit] if limit else paths


def load(path: Path) -> tuple[np.ndarray, np.ndarray]:
    image = decode_image(path.read_bytes())
    truth = cv2.imread(str(path.parent.parent / "masks" / f"{path.stem}.png"), cv2.IMREAD_GRAYSCALE)
    assert truth is not None and truth.shape == image.shape[:2], path
    return image, (truth > 127).astype(np.uint8)


def looks_inverted(truth: np.ndarray) -> bool:
    """An annotation error in the data set: all four corners marked tongue, the centre not."""
    h, w = truth.shape
    corners = truth[0, 0] and truth[0, -1] and truth[-1, 0] and truth[-1, -1]
    return bool(corners) and not truth[h // 2, w // 2]


def measure(path: Path) -> list[dict]:
    """Every condition for one photo: IoU at the perturbed photo's size, and the quality verdict."""
    image, truth = load(path)
    inverted = looks_inverted(truth)
    records = []
    for condition in CONDITIONS:
        photo, mask = (
            (image, truth) if condition == "clean" else PERTURBATIONS[condition](image, truth)
        )
        analysis = analyze(photo)
        predicted = full_size_mask(analysis, photo.shape[1], photo.shape[0])
        records.append(
            {
                "stem": path.stem,
                "condition": condition,
                "iou": iou(predicted, mask),
                "inverted_mask": inverted,
                "failed": set(analysis.quality.failed),
                "values": {c.code: c.value for c in analysis.quality.checks},
            }
        )
    return records


def one_thread() -> None:
    cv2.setNumThreads(1)


def sweep(paths: list[Path], workers: int) -> list[dict]:
    with ProcessPoolExecutor(max_workers=workers, initializer=one_thread) as pool:
        return [record for records in pool.map(measure, paths) for record in records]


def percentile(samples, p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def share(flags) -> str:
    flags = list(flags)
    return f"{100 * sum(flags) / len(flags):5.0f}%" if flags else "    -"


def print_iou(records: list[dict]) -> None:
    print(
        f"\n{'condition':<14} {'mean IoU':>8} {'held-out':>8} {'valid':>8} {'min IoU':>8} "
        f"{'IoU≥' + str(GOOD_IOU):>8} {'quality ok':>10}"
    )
    for condition in CONDITIONS:
        rows = [r for r in records if r["condition"] == condition]
        held = [r["iou"] for r in rows if held_out(r["stem"])]
        ious = [r["iou"] for r in rows]
        valid = [r["iou"] for r in rows if not r["inverted_mask"]]
        print(
            f"{condition:<14} {statistics.mean(ious):8.3f} "
            f"{statistics.mean(held) if held else float('nan'):8.3f} "
            f"{statistics.mean(valid):8.3f} {min(ious):8.3f} "
            f"{share(i >= GOOD_IOU for i in ious):>8} {share(not r['failed'] for r in rows):>10}"
        )


def print_inverted(records: list[dict]) -> None:
    stems = sorted({r["stem"] for r in records if r["inverted_mask"]})
    if stems:
        print(
            f"'valid' leaves out {len(stems)} photo(s) whose hand-drawn mask looks inverted "
            f"(corners marked as tongue, centre not): {', '.join(stems)}"
        )


def print_failures(records: list[dict]) -> None:
    print("\nquality checks failed (share of photos per condition)")
    print(f"{'condition':<14}" + "".join(f"{short:>7}" for short in CHECKS.values()))
    for condition in CONDITIONS:
        rows = [r for r in records if r["condition"] == condition]
        print(
            f"{condition:<14}"
            + "".join(f"{share(c in r['failed'] for r in rows):>7}" for c in CHECKS)
        )


def print_distributions(records: list[dict]) -> None:
    clean = [r for r in records if r["condition"] == "clean"]
    limits = {c.code: c.limit for c in assess_limits()}
    print("\nquality check values on the clean photos (network outline)")
    print(f"{'check':<14} {'p5':>9} {'median':>9} {'p95':>9}   limit")
    for code in CHECKS:
        values = [r["values"][code] for r in clean if code in r["values"]]
        if values:
            p5, p50, p95 = (percentile(values, p) for p in (5, 50, 95))
            print(f"{code:<14} {p5:9.3f} {p50:9.3f} {p95:9.3f}   {limits.get(code, '')}")


def assess_limits():
    """The checks' limit texts, from a throwaway assessment of a grey square."""
    image = np.full((64, 64, 3), 128, np.uint8)
    mask = np.zeros((64, 64), np.uint8)
    mask[16:48, 16:48] = 1
    return assess(image, mask, 1.0, 1.0, False).checks


def timed_ms(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def report_times(name: str, samples: list[float]) -> None:
    print(
        f"{name:<52} median {statistics.median(samples):8.1f} ms   "
        f"p95 {percentile(samples, 95):8.1f} ms   n={len(samples)}"
    )


def bench_phone_size(paths: list[Path]) -> None:
    """analyze() and full_size_mask() on 4032×3024 upscaled photos, decoding excluded."""
    photos = [cv2.resize(load(p)[0], PHONE_SIZE, interpolation=cv2.INTER_CUBIC) for p in paths]
    for i in range(WARM_UP):
        analyze(photos[i % len(photos)])
    analyses, samples = [], []
    for i in range(TIMED_RUNS):
        photo = photos[i % len(photos)]
        samples.append(timed_ms(lambda photo=photo: analyses.append(analyze(photo))))
    print(
        f"\ntimings on one core, {len(photos)} photos upscaled to {PHONE_SIZE[0]}×{PHONE_SIZE[1]}"
    )
    report_times("analyze() (resize to 768, segment, checks, features)", samples)
    report_times("  of which segmentation", [a.timings_ms["segmentation"] for a in analyses])
    mask_samples = [timed_ms(lambda a=a: full_size_mask(a, *PHONE_SIZE)) for a in analyses]
    report_times("full_size_mask() to 4032×3024", mask_samples)


def main() -> int:
    data = Path(os.environ.get("TCM_TONGUE_DATA", ROOT.parent / "shared" / "data" / "tongue-dev"))
    if not (data / "images").is_dir() or not (data / "masks").is_dir():
        print(f"skipped: tongue photos not found at {data} (set TCM_TONGUE_DATA)")
        return 0
    limit = int(os.environ.get("TCM_TONGUE_BENCH_LIMIT", "0")) or None
    workers = int(os.environ.get("TCM_TONGUE_BENCH_WORKERS", "2"))
    paths = photo_paths(data, limit)
    one_thread()
    started = time.perf_counter()
    records = sweep(paths, workers)
    held = sum(held_out(p.stem) for p in paths)
    print(
        f"tongue segmentation, {ALGORITHM_VERSION}: {len(paths)} photos ({held} held out), "
        f"{len(CONDITIONS)} conditions, {workers} processes, {time.perf_counter() - started:.0f} s"
    )
    print_iou(records)
    print_inverted(records)
    print_failures(records)
    print_distributions(records)
    bench_phone_size(paths[:TIMED_PHOTOS])
    return 0


if __name__ == "__main__":
    sys.exit(main())
