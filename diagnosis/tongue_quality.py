"""Photo-quality gates for tongue inspection (舌诊): each check has a value, a limit and a verdict.

Limits follow tcm-domain.md §3.4 and were calibrated on the BioHit development photos at the
analysis width of 768 pixels (benchmarks/tongue.py prints the distributions they rest on).
A photo that fails any check gets no colour conclusions.
"""

from dataclasses import dataclass

import cv2
import numpy as np

MIN_TONGUE_SHARE = 0.02  # below this the network found no tongue
MIN_SEGMENTATION_CONFIDENCE = 0.55
TOO_FAR_SHARE = 0.05  # the tongue should fill the on-screen outline (BioHit: 8.5 % to 82 %)
MAX_BORDER_SHARE = 0.15  # share of the tongue's outline lying on the photo's edge
MIN_SHARPNESS = 40.0  # variance of the Laplacian on the tongue, scaled to 256 px wide
LUMA_RANGE = (45.0, 215.0)  # mean luma of the tongue, 0..255
MAX_CLIPPED_SHARE = 0.05
MAX_GLARE_SHARE = 0.05  # HSV V > 240 and S < 30 inside the tongue
MAX_CAST = 1.6  # ratio of the largest to the smallest white-balance gain


@dataclass(frozen=True)
class Check:
    code: str
    value: float
    limit: str
    passed: bool
    hint: str  # what the patient should change, in plain words


@dataclass(frozen=True)
class Quality:
    checks: tuple[Check, ...]

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failed(self) -> tuple[str, ...]:
        return tuple(check.code for check in self.checks if not check.passed)

    @property
    def tongue_usable(self) -> bool:
        """The outline and shape features can be trusted (colour may still be withheld)."""
        return not {"tongue_found", "sharpness", "cut_off"} & set(self.failed)


def glare_pixels(image: np.ndarray) -> np.ndarray:
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    return (hsv[:, :, 2] > 240) & (hsv[:, :, 1] < 30)


def bounding_box(mask: np.ndarray) -> tuple[slice, slice]:
    """The rows and columns that hold the tongue (the whole photo when there is none)."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if not len(rows):
        return slice(None), slice(None)
    return slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)


def tongue_crop(image: np.ndarray, mask: np.ndarray, width: int = 256):
    """The tongue's bounding box resized to a fixed width, so texture limits do not depend on
    how large the tongue is in the frame."""
    box = bounding_box(mask)
    image, mask = image[box], mask[box]
    height = max(1, round(mask.shape[0] * width / mask.shape[1]))
    crop = cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)
    crop_mask = cv2.resize(mask, (width, height), interpolation=cv2.INTER_NEAREST)
    return crop, crop_mask


def sharpness(image: np.ndarray, mask: np.ndarray) -> float:
    crop, crop_mask = tongue_crop(image, mask)
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    laplacian = cv2.Laplacian(gray, cv2.CV_32F)
    inner = cv2.erode(crop_mask, np.ones((7, 7), np.uint8)) > 0
    return float(laplacian[inner].var()) if inner.any() else 0.0


def border_share(mask: np.ndarray) -> float:
    edge = np.concatenate([mask[0], mask[-1], mask[:, 0], mask[:, -1]])
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    perimeter = sum(len(c) for c in contours)
    return float(edge.sum() / perimeter) if perimeter else 0.0


def _check(code: str, value: float, low: float | None, high: float | None, hint: str) -> Check:
    passed = (low is None or value >= low) and (high is None or value <= high)
    limit = " ".join(
        part
        for part in (
            f"≥ {low:g}" if low is not None else "",
            f"≤ {high:g}" if high is not None else "",
        )
        if part
    )
    return Check(code, round(float(value), 4), limit, bool(passed), hint)


def assess(
    image: np.ndarray, mask: np.ndarray, confidence: float, cast: float, greyscale: bool
) -> Quality:
    """All gates on the analysis-size photo and its tongue mask (uint8 0/1)."""
    share = float(mask.mean())
    found = share >= MIN_TONGUE_SHARE and confidence >= MIN_SEGMENTATION_CONFIDENCE
    checks = [
        _check(
            "tongue_found",
            share if found else 0.0,
            MIN_TONGUE_SHARE,
            None,
            "no tongue was found: open the mouth and put the tongue out, tip down",
        )
    ]
    on_edge = border_share(mask)  # before cropping: the crop's own edges always touch the tongue
    box = bounding_box(mask) if found else (slice(None), slice(None))
    image, mask = image[box], mask[box]
    region = mask > 0 if found else np.ones(mask.shape, bool)
    luma = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)[region]
    checks += [
        _check(
            "colour",
            0.0 if greyscale else 1.0,
            1.0,
            None,
            "the photo has no colour: switch off black-and-white or filters",
        ),
        _check(
            "exposure",
            luma.mean(),
            *LUMA_RANGE,
            "too dark: face a window or lamp"
            if luma.mean() < LUMA_RANGE[0]
            else "too bright: move away from the lamp or switch off the flash",
        ),
        _check(
            "clipped",
            ((luma >= 250) | (luma <= 5)).mean(),
            None,
            MAX_CLIPPED_SHARE,
            "parts of the photo are pure white or black: change the light",
        ),
        _check(
            "colour_cast",
            cast,
            None,
            MAX_CAST,
            "the light is strongly coloured: use daylight or a white lamp",
        ),
    ]
    if found:
        checks += [
            _check(
                "tongue_size",
                share,
                TOO_FAR_SHARE,
                None,
                "too far: bring the phone closer until the tongue fills the outline",
            ),
            _check(
                "cut_off",
                on_edge,
                None,
                MAX_BORDER_SHARE,
                "the tongue is cut off: keep all of it inside the outline",
            ),
            _check(
                "sharpness",
                sharpness(image, mask),
                MIN_SHARPNESS,
                None,
                "blurred: hold the phone still and tap to focus on the tongue",
            ),
            _check(
                "glare",
                glare_pixels(image)[region].mean(),
                None,
                MAX_GLARE_SHARE,
                "glare on the tongue: turn off the flash or turn away from the lamp",
            ),
        ]
    return Quality(tuple(checks))
