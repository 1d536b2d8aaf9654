"""analyze() as a whole (diagnosis.tongue): what is reported and what is withheld. The network
is replaced by the synthetic photo's known mask, so these results do not depend on training;
a few smoke tests run the real network on odd photos only to see that nothing breaks."""

import json

import cv2
import numpy as np
import pytest

from diagnosis import tongue
from diagnosis.tongue_perturb import iou

pytestmark = pytest.mark.pure

COLOUR_KEYS = {"tongue_colour", "coating_colour", "coating_thickness"}
SHAPE_KEYS = {"cracks", "tooth_marks"}


@pytest.fixture
def oracle(monkeypatch):
    """Make segmentation return a known mask (resized to the analysis size) and confidence."""

    def use(mask, confidence=0.9):
        def segment(work):
            size = (work.shape[1], work.shape[0])
            return cv2.resize(mask, size, interpolation=cv2.INTER_NEAREST), confidence

        monkeypatch.setattr(tongue, "segment", segment)

    return use


def test_a_good_photo_gets_every_feature(photo, oracle):
    image, mask = photo()
    oracle(mask)
    result = tongue.analyze(image).to_dict()
    assert result["quality"]["passed"] and result["quality"]["failed"] == []
    assert {"tongue_colour", "coating_thickness"} | SHAPE_KEYS <= set(result["features"])
    assert "features_withheld" not in result
    # Colour statistics sample every second pixel each way.
    assert result["lab"]["tongue"]["pixels"] == pytest.approx(mask.sum() / 4, rel=0.02)
    assert result["algorithm_version"] == tongue.ALGORITHM_VERSION
    assert result["segmentation"]["area_share"] == pytest.approx(mask.mean(), abs=1e-4)
    assert set(result["timings_ms"]) == {"segmentation", "analysis"}
    json.dumps(result)  # plain JSON values only


def darken(image, mask):
    return (image * 0.28).astype(np.uint8), mask


def greyscale(image, mask):
    return cv2.cvtColor(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR), mask


def blurred(image, mask):
    return cv2.GaussianBlur(image, (0, 0), 3), mask


def no_tongue(image, mask):
    return image, np.zeros_like(mask)


WITHHELD = [
    ("a black-and-white photo keeps its outline but loses colour", greyscale, "colour", True),
    ("a dark photo keeps its outline but loses colour", darken, "exposure", True),
    ("a blurred photo loses shape and colour", blurred, "sharpness", False),
    ("no tongue gives no features at all", no_tongue, "tongue_found", False),
]


@pytest.mark.parametrize(
    ("change", "failing", "shape_kept"), [c[1:] for c in WITHHELD], ids=[c[0] for c in WITHHELD]
)
def test_a_failed_check_withholds_colour_features(photo, oracle, change, failing, shape_kept):
    image, mask = change(*photo())
    oracle(mask)
    result = tongue.analyze(image).to_dict()
    assert failing in result["quality"]["failed"]
    assert not COLOUR_KEYS & set(result["features"])
    assert result["lab"] == {}
    assert "features_withheld" in result
    assert (set(result["features"]) == SHAPE_KEYS) == shape_kept
    assert shape_kept or result["features"] == {}


def test_a_large_photo_is_analysed_at_768_and_its_mask_returned_at_full_size(photo, oracle):
    image, mask = photo()
    large = cv2.resize(image, (1536, 1152), interpolation=cv2.INTER_CUBIC)
    large_mask = cv2.resize(mask, (1536, 1152), interpolation=cv2.INTER_NEAREST)
    oracle(mask)
    analysis = tongue.analyze(large)
    assert analysis.work_size == (768, 576) and analysis.mask.shape == (576, 768)
    full = tongue.full_size_mask(analysis, 1536, 1152)
    assert full.shape == (1152, 1536) and full.dtype == np.uint8
    assert set(np.unique(full)) == {0, 255}
    assert iou(full, large_mask) > 0.98


def test_a_small_photo_is_not_enlarged(photo, oracle):
    image, mask = photo()
    oracle(mask)
    assert tongue.analyze(image).work_size == (640, 480)


def test_outline_follows_the_mask_in_relative_coordinates():
    mask = np.zeros((100, 200), np.uint8)
    mask[20:80, 50:150] = 1
    points = np.array(tongue.outline(mask))
    assert len(points) >= 30
    assert points[:, 0].min() == pytest.approx(0.25) and points[:, 0].max() == pytest.approx(0.745)
    assert points[:, 1].min() == pytest.approx(0.2) and points[:, 1].max() == pytest.approx(0.79)
    assert tongue.outline(np.zeros((100, 200), np.uint8)) == []


def test_outline_gives_at_most_the_requested_points():
    mask = np.zeros((100, 200), np.uint8)
    mask[20:80, 50:150] = 1
    assert len(tongue.outline(mask, points=64)) <= 64


def noise_64() -> np.ndarray:
    return np.random.default_rng(0).integers(0, 256, (64, 64, 3), np.uint8)


ODD_PHOTOS = [
    ("the smallest accepted photo, 64×64", noise_64),
    ("a uniform grey photo", lambda: np.full((480, 640, 3), 128, np.uint8)),
    ("a black photo", lambda: np.zeros((480, 640, 3), np.uint8)),
    ("a white photo", lambda: np.full((480, 640, 3), 255, np.uint8)),
    ("a very tall strip", lambda: np.full((1600, 64, 3), (120, 120, 200), np.uint8)),
]  # fmt: skip


@pytest.mark.parametrize("make", [c[1] for c in ODD_PHOTOS], ids=[c[0] for c in ODD_PHOTOS])
def test_odd_photos_are_analysed_without_error(make):
    image = make()
    analysis = tongue.analyze(image)
    width, height = analysis.work_size
    assert analysis.mask.shape == (height, width)
    result = analysis.to_dict()
    json.dumps(result)
    assert ("features_withheld" in result) == (not result["quality"]["passed"])
    full = tongue.full_size_mask(analysis, image.shape[1], image.shape[0])
    assert full.shape == image.shape[:2]
