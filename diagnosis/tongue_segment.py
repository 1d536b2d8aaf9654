"""Tongue-body segmentation with a small U-Net run through cv2.dnn (no torch at run time).

The network (diagnosis/data/tongue_seg_v1.onnx) was trained by scripts/train_tongue_segmentation.py
on the BioHit development photos. It sees the photo letterboxed into a square; its probability map
is mapped back, thresholded, reduced to the largest region and hole-filled.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cv2
import numpy as np

MODEL_VERSION = "tongue-seg-v1"
MODEL_PATH = Path(__file__).resolve().parent / "data" / "tongue_seg_v1.onnx"
INPUT_SIZE = 224


@dataclass(frozen=True)
class Letterbox:
    """Where the photo sits inside the square network input."""

    scale: float
    left: int
    top: int
    width: int
    height: int


def letterbox(image: np.ndarray, size: int = INPUT_SIZE) -> tuple[np.ndarray, Letterbox]:
    """Shrink the photo to fit a size×size square, centred on black; training uses the same."""
    h, w = image.shape[:2]
    scale = size / max(h, w)
    width, height = max(1, round(w * scale)), max(1, round(h * scale))
    small = cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)
    left, top = (size - width) // 2, (size - height) // 2
    square = np.zeros((size, size, 3), np.uint8)
    square[top : top + height, left : left + width] = small
    return square, Letterbox(scale, left, top, width, height)


def to_blob(square_bgr: np.ndarray) -> np.ndarray:
    """NCHW float32 RGB in 0..1; the network subtracts its own mean."""
    return cv2.dnn.blobFromImage(square_bgr, 1 / 255.0, swapRB=True)


@cache
def _network(path: str) -> cv2.dnn.Net:
    net = cv2.dnn.readNetFromONNX(path)
    net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
    return net


def probability(image: np.ndarray, out_size: tuple[int, int] | None = None) -> np.ndarray:
    """Per-pixel tongue probability (float32 0..1) at out_size (w, h), default the photo's size."""
    square, box = letterbox(image)
    net = _network(str(MODEL_PATH))
    net.setInput(to_blob(square))
    logits = net.forward()[0, 0]
    crop = logits[box.top : box.top + box.height, box.left : box.left + box.width]
    w, h = out_size or (image.shape[1], image.shape[0])
    crop = cv2.resize(crop, (w, h), interpolation=cv2.INTER_LINEAR)
    return 1.0 / (1.0 + np.exp(-crop))


def clean_mask(prob: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """Threshold, keep the largest region, fill its holes (coating and cracks are tongue too)."""
    binary = (prob > threshold).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    if count <= 1:
        return np.zeros_like(binary)
    largest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    region = (labels == largest).astype(np.uint8)
    contours, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    filled = np.zeros_like(region)
    cv2.drawContours(filled, contours, -1, 1, thickness=cv2.FILLED)
    return filled


def segment(image: np.ndarray, out_size: tuple[int, int] | None = None) -> tuple[np.ndarray, float]:
    """(mask uint8 0/1, confidence 0..1): the mean certainty of the network inside and around it."""
    prob = probability(image, out_size)
    mask = clean_mask(prob)
    if not mask.any():
        return mask, 0.0
    certainty = np.abs(prob - 0.5) * 2
    band = cv2.dilate(mask, np.ones((15, 15), np.uint8)) > 0
    return mask, round(float(certainty[band].mean()), 3)
