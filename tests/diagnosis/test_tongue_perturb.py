"""Perturbations used by the robustness benchmark and training (tongue_perturb), and mask IoU."""

import numpy as np
import pytest

from diagnosis.tongue_perturb import PERTURBATIONS, iou

pytestmark = pytest.mark.pure


def box(top, left, bottom, right, shape=(10, 10)):
    mask = np.zeros(shape, np.uint8)
    mask[top:bottom, left:right] = 1
    return mask


IOU = [
    ("identical masks overlap fully", box(2, 2, 6, 6), box(2, 2, 6, 6), 1.0),
    ("disjoint masks do not overlap", box(0, 0, 3, 3), box(5, 5, 8, 8), 0.0),
    ("two empty masks agree", box(0, 0, 0, 0), box(0, 0, 0, 0), 1.0),
    ("a mask against an empty truth is wrong", box(0, 0, 3, 3), box(0, 0, 0, 0), 0.0),
    ("half a box is half the union", box(0, 0, 4, 2), box(0, 0, 4, 4), 0.5),
    ("255 and 1 both mean tongue", box(2, 2, 6, 6) * 255, box(2, 2, 6, 6), 1.0),
]


@pytest.mark.parametrize(("a", "b", "expected"), [c[1:] for c in IOU], ids=[c[0] for c in IOU])
def test_iou(a, b, expected):
    assert iou(a, b) == pytest.approx(expected)
    assert iou(b, a) == pytest.approx(expected), "IoU is symmetric"


@pytest.mark.parametrize("name", list(PERTURBATIONS))
def test_each_perturbation_keeps_image_and_mask_together(photo, name):
    image, mask = photo()
    changed, changed_mask = PERTURBATIONS[name](image.copy(), mask.copy())
    assert changed.dtype == np.uint8 and changed.ndim == 3 and changed.shape[2] == 3
    assert changed_mask.dtype == np.uint8
    assert changed.shape[:2] == changed_mask.shape
    assert set(np.unique(changed_mask)) == {0, 1}, "the mask stays binary"
    assert not np.array_equal(changed, image) or changed.shape != image.shape


@pytest.mark.parametrize("name", ["warm_light", "cool_light", "under_exposed", "jpeg_q60"])
def test_photometric_perturbations_leave_the_mask_alone(photo, name):
    image, mask = photo()
    _changed, changed_mask = PERTURBATIONS[name](image, mask)
    assert np.array_equal(changed_mask, mask)


@pytest.mark.parametrize("name", ["rotate_+15", "rotate_-15"])
def test_rotation_moves_the_mask_with_the_tongue(photo, name):
    image, mask = photo()
    rotated, rotated_mask = PERTURBATIONS[name](image, mask)
    assert rotated.shape == image.shape
    assert set(np.unique(rotated_mask)) == {0, 1}
    assert int(rotated_mask.sum()) == pytest.approx(int(mask.sum()), rel=0.02), "area is kept"
    assert 0.6 < iou(rotated_mask, mask) < 0.99, "the tongue has turned"
    tongue = rotated[rotated_mask > 0].mean(axis=0)
    assert tongue[2] > tongue[1] + 40, "the pink tongue is under the rotated mask"


def test_scale_and_zoom_out_shrink_the_tongue(photo):
    image, mask = photo()
    small, small_mask = PERTURBATIONS["scale_0.6"](image, mask)
    assert small.shape[:2] == (288, 384)
    assert small_mask.mean() == pytest.approx(mask.mean(), rel=0.03), "same framing"
    far, far_mask = PERTURBATIONS["zoom_out_0.6"](image, mask)
    assert far.shape == image.shape
    assert int(far_mask.sum()) == pytest.approx(int(mask.sum()) * 0.36, rel=0.03)


def test_exposure_changes_brightness_in_the_right_direction(photo):
    image, mask = photo()
    dark, _ = PERTURBATIONS["under_exposed"](image, mask)
    bright, _ = PERTURBATIONS["over_exposed"](image, mask)
    assert dark.mean() < image.mean() < bright.mean()
