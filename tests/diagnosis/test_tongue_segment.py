"""The deterministic parts of segmentation (tongue_segment): letterboxing and mask cleaning.
The network itself is still being trained, so only its contract is tested, not its accuracy."""

import numpy as np
import pytest

from diagnosis import tongue_segment as seg

pytestmark = pytest.mark.pure


LETTERBOXES = [
    ("a landscape photo is centred vertically", (480, 640), (0, 28, 224, 168)),
    ("a portrait photo is centred horizontally", (640, 480), (28, 0, 168, 224)),
    ("a square photo fills the square", (300, 300), (0, 0, 224, 224)),
    ("a small photo is enlarged to fit", (112, 56), (56, 0, 112, 224)),
]


@pytest.mark.parametrize(
    ("shape", "placement"), [c[1:] for c in LETTERBOXES], ids=[c[0] for c in LETTERBOXES]
)
def test_letterbox_places_the_photo_in_the_square(shape, placement):
    image = np.full((*shape, 3), 200, np.uint8)
    square, box = seg.letterbox(image)
    assert square.shape == (seg.INPUT_SIZE, seg.INPUT_SIZE, 3)
    assert (box.left, box.top, box.width, box.height) == placement
    assert box.scale == pytest.approx(seg.INPUT_SIZE / max(shape))
    inside = np.zeros(square.shape[:2], bool)
    inside[box.top : box.top + box.height, box.left : box.left + box.width] = True
    assert (square[inside] == 200).all() and (square[~inside] == 0).all()


def test_to_blob_is_nchw_rgb_in_0_to_1():
    square = np.zeros((seg.INPUT_SIZE, seg.INPUT_SIZE, 3), np.uint8)
    square[:, :, 2] = 255  # red in BGR
    blob = seg.to_blob(square)
    assert blob.shape == (1, 3, seg.INPUT_SIZE, seg.INPUT_SIZE) and blob.dtype == np.float32
    assert blob[0, 0].min() == 1.0 and blob[0, 1:].max() == 0.0


def test_clean_mask_keeps_the_largest_region_and_fills_its_holes():
    prob = np.zeros((100, 100), np.float32)
    prob[20:80, 20:80] = 0.9
    prob[40:50, 40:50] = 0.1  # a hole: coating the network was unsure about
    prob[2:6, 2:6] = 0.95  # a small stray blob
    mask = seg.clean_mask(prob)
    assert mask.dtype == np.uint8
    expected = np.zeros((100, 100), np.uint8)
    expected[20:80, 20:80] = 1
    assert np.array_equal(mask, expected)


CLEAN = [
    ("nothing over the threshold is no tongue", 0.3, 0),
    ("exactly the threshold is not tongue", 0.5, 0),
    ("just over the threshold is tongue", 0.51, 400),
]


@pytest.mark.parametrize(("value", "area"), [c[1:] for c in CLEAN], ids=[c[0] for c in CLEAN])
def test_clean_mask_threshold(value, area):
    prob = np.zeros((50, 50), np.float32)
    prob[10:30, 10:30] = value
    assert seg.clean_mask(prob).sum() == area


def test_segment_returns_a_binary_mask_at_the_requested_size(photo):
    image, _mask = photo()
    mask, confidence = seg.segment(image)
    assert mask.shape == image.shape[:2] and mask.dtype == np.uint8
    assert set(np.unique(mask)) <= {0, 1}
    assert 0.0 <= confidence <= 1.0
    small, _ = seg.segment(image, out_size=(160, 120))
    assert small.shape == (120, 160)
