"""Perturbed copies of a photo and its mask, as phones and hands produce them, and mask IoU.

Used to measure segmentation robustness (benchmarks/tongue.py) and to augment training
(scripts/train_tongue_segmentation.py), so both see the same perturbations.
"""

from collections.abc import Callable

import cv2
import numpy as np

Image = np.ndarray
Mask = np.ndarray
Perturbation = Callable[[Image, Mask], tuple[Image, Mask]]


def iou(predicted: Mask, truth: Mask) -> float:
    """Intersection over union of two masks (non-zero = tongue); 1.0 when both are empty."""
    p, t = predicted > 0, truth > 0
    union = np.logical_or(p, t).sum()
    return 1.0 if union == 0 else float(np.logical_and(p, t).sum() / union)


def channel_gains(image: Image, blue: float, green: float, red: float) -> Image:
    gains = np.array([blue, green, red], np.float32)
    return np.clip(image.astype(np.float32) * gains, 0, 255).astype(np.uint8)


def exposure(image: Image, factor: float) -> Image:
    """Scale linear light (undo and redo the sRGB-like 2.2 gamma), as a longer shutter would."""
    linear = (image.astype(np.float32) / 255.0) ** 2.2 * factor
    return (np.clip(linear, 0, 1) ** (1 / 2.2) * 255).astype(np.uint8)


def jpeg(image: Image, quality: int) -> Image:
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    decoded = cv2.imdecode(encoded, cv2.IMREAD_COLOR) if ok else None
    return image if decoded is None else decoded


def rotate(image: Image, mask: Mask, degrees: float) -> tuple[Image, Mask]:
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    image = cv2.warpAffine(
        image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    mask = cv2.warpAffine(
        mask, matrix, (w, h), flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT, borderValue=0
    )
    return image, mask


def resize(image: Image, mask: Mask, factor: float) -> tuple[Image, Mask]:
    """A lower-resolution photo of the same framing."""
    size = (round(image.shape[1] * factor), round(image.shape[0] * factor))
    return (
        cv2.resize(image, size, interpolation=cv2.INTER_AREA),
        cv2.resize(mask, size, interpolation=cv2.INTER_NEAREST),
    )


def zoom_out(image: Image, mask: Mask, factor: float) -> tuple[Image, Mask]:
    """The camera held further away: the scene shrinks to `factor` in a frame of the same size."""
    h, w = image.shape[:2]
    matrix = np.array(
        [[factor, 0, w * (1 - factor) / 2], [0, factor, h * (1 - factor) / 2]], np.float32
    )
    image = cv2.warpAffine(
        image, matrix, (w, h), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE
    )
    mask = cv2.warpAffine(
        mask, matrix, (w, h), flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT, borderValue=0
    )
    return image, mask


def blur(image: Image, sigma_at_768: float) -> Image:
    """Gaussian blur whose strength is given for a 768-pixel-wide photo and scaled to this one."""
    sigma = sigma_at_768 * max(image.shape[:2]) / 768
    return cv2.GaussianBlur(image, (0, 0), sigma)


def _image_only(change: Callable[[Image], Image]) -> Perturbation:
    return lambda image, mask: (change(image), mask)


# The list: colour temperature, under/over exposure, JPEG 60, rotation ±15°, scale 0.6
# (both as lower resolution and as a camera further away), mild blur.
PERTURBATIONS: dict[str, Perturbation] = {
    "warm_light": _image_only(lambda im: channel_gains(im, 0.75, 0.95, 1.15)),
    "cool_light": _image_only(lambda im: channel_gains(im, 1.2, 1.0, 0.8)),
    "under_exposed": _image_only(lambda im: exposure(im, 0.35)),
    "over_exposed": _image_only(lambda im: exposure(im, 2.2)),
    "jpeg_q60": _image_only(lambda im: jpeg(im, 60)),
    "rotate_+15": lambda im, m: rotate(im, m, 15),
    "rotate_-15": lambda im, m: rotate(im, m, -15),
    "scale_0.6": lambda im, m: resize(im, m, 0.6),
    "zoom_out_0.6": lambda im, m: zoom_out(im, m, 0.6),
    "mild_blur": _image_only(lambda im: blur(im, 2.0)),
}
