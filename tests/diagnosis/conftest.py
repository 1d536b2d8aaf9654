"""Synthetic tongue photos built in code (CI has no photo data): a skin-coloured frame, a darker
open mouth and a pink tongue ellipse with a fine texture, plus the tongue's known mask."""

import cv2
import numpy as np
import pytest

SKIN = (140, 165, 205)  # BGR
MOUTH = (50, 50, 110)
TONGUE = (120, 120, 200)


def synthetic_photo(
    size=(640, 480),
    centre=(320, 260),
    axes=(110, 140),
    tongue=TONGUE,
    skin=SKIN,
    texture=12.0,
    seed=0,
):
    """(BGR uint8 image, uint8 0/1 tongue mask). `texture` is the grey noise s.d. that stands in
    for papillae, so a sharp photo has fine detail to lose when blurred."""
    width, height = size
    image = np.empty((height, width, 3), np.float32)
    image[:] = skin
    cx, cy = centre
    cv2.ellipse(image, (cx, cy - 60), (axes[0] + 60, axes[1] - 20), 0, 0, 360, MOUTH, -1)
    mask = np.zeros((height, width), np.uint8)
    cv2.ellipse(mask, (cx, cy), axes, 0, 0, 360, 1, -1)
    image[mask > 0] = tongue
    noise = np.random.default_rng(seed).normal(0, texture, (height, width, 1))
    return np.clip(image + noise, 0, 255).astype(np.uint8), mask


@pytest.fixture(scope="session")
def photo():
    """The synthetic photo builder (a pure function); call it with keyword overrides."""
    return synthetic_photo
