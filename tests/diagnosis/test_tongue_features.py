"""Tongue features (tongue_features): white balance, coating split, Lab classes, thickness,
cracks and tooth marks, on synthetic photos built at known colours and shapes."""

import cv2
import numpy as np
import pytest

from diagnosis import tongue_features as features
from diagnosis.tongue_perturb import channel_gains
from diagnosis.tongue_quality import tongue_crop

pytestmark = pytest.mark.pure


def lab_to_bgr(lightness: float, a: float, b: float) -> np.ndarray:
    """The 8-bit BGR colour of CIE L*a*b* (L 0..100), as a camera would store it."""
    lab = np.array([[[lightness, a, b]]], np.float32)
    bgr = cv2.cvtColor(lab, cv2.COLOR_Lab2BGR)[0, 0]
    return np.clip(np.round(bgr * 255), 0, 255).astype(np.uint8)


def flat_tongue(bgr, size=100) -> tuple[np.ndarray, np.ndarray]:
    return np.full((size, size, 3), bgr, np.uint8), np.ones((size, size), np.uint8)


def body_colour(image, mask) -> features.Feature:
    colour, _stats = features.colour_features(image, mask)
    return colour[0]


# --- colour normalisation --------------------------------------------------------------------

LIGHTS = [
    ("warm lamp light", (0.75, 0.95, 1.15)),
    ("cool daylight", (1.2, 1.0, 0.8)),
    ("magenta-ish light", (1.1, 0.85, 1.1)),
]


@pytest.mark.parametrize("light", [c[1] for c in LIGHTS], ids=[c[0] for c in LIGHTS])
def test_normalisation_gains_undo_a_channel_gain_cast(photo, light):
    image, mask = photo(texture=6)
    clean = np.array(features.normalisation(image, mask).gains)
    cast = np.array(features.normalisation(channel_gains(image, *light), mask).gains)
    applied = np.array(light) / light[1]  # gains are relative to green
    assert cast / clean == pytest.approx(1 / applied, rel=0.02)


@pytest.mark.parametrize("light", [c[1] for c in LIGHTS], ids=[c[0] for c in LIGHTS])
def test_normalised_tongue_chromaticity_is_the_same_under_any_light(photo, light):
    image, mask = photo(texture=6)
    lit = channel_gains(image, *light)
    clean = features.apply(image, features.normalisation(image, mask))
    corrected = features.apply(lit, features.normalisation(lit, mask))

    def chromaticity(picture):
        mean = picture[mask > 0].astype(np.float64).mean(axis=0)
        return mean / mean.sum()

    assert chromaticity(corrected) == pytest.approx(chromaticity(clean), abs=0.005)


def test_a_frame_in_reference_light_needs_no_correction():
    image = np.full((120, 160, 3), features.REFERENCE_LIGHT * 160, np.uint8)
    mask = np.zeros((120, 160), np.uint8)
    mask[40:80, 60:100] = 1
    image[mask > 0] = (120, 120, 200)
    norm = features.normalisation(image, mask)
    assert norm.gains == pytest.approx((1.0, 1.0, 1.0), abs=0.01)
    assert norm.cast == pytest.approx(1.0, abs=0.02)


def test_the_tongue_s_own_colour_does_not_move_the_white_balance(photo):
    pink, mask = photo(tongue=(150, 140, 220))
    crimson, _ = photo(tongue=(70, 60, 150))
    assert features.normalisation(pink, mask) == features.normalisation(crimson, mask)


def test_a_tongue_filling_the_whole_frame_still_gives_finite_gains():
    image, mask = flat_tongue((120, 120, 200))
    norm = features.normalisation(image, mask)
    assert np.isfinite(norm.gains).all() and np.isfinite(norm.cast)


# --- coating split -----------------------------------------------------------------------------


def body_with_patch(body_bgr, patch_bgr, texture=3.0):
    image = np.empty((200, 200, 3), np.float32)
    image[:] = body_bgr
    patch = np.zeros((200, 200), bool)
    patch[40:100, 50:150] = True
    image[patch] = patch_bgr
    noise = np.random.default_rng(3).normal(0, texture, image.shape)
    return np.clip(image + noise, 0, 255).astype(np.uint8), patch


def test_split_coating_finds_a_pale_patch_on_a_red_body():
    image, patch = body_with_patch((90, 80, 200), (200, 205, 225))
    pixels = features.lab_pixels(image, np.ones(patch.shape, bool))
    coating = features.split_coating(pixels).reshape(patch.shape)
    assert (coating == patch).mean() > 0.99


RED_BODY = (40, 23, 10)  # the 红 prototype, L* a* b*
SPLITS = [
    ("a uniform body has no coating", RED_BODY, 0.0),
    ("a patch only 3 a* paler is no distinct coating", (41, 20, 10), 0.0),
    ("a patch 6 a* paler is a distinct coating", (41, 17, 10), 0.15),
    ("a white coating on a red body is coating", features.COATING_COLOURS["white"][1:], 0.15),
    ("a yellow coating on a red body is coating", features.COATING_COLOURS["yellow"][1:], 0.15),
]


@pytest.mark.parametrize(("patch", "share"), [c[1:] for c in SPLITS], ids=[c[0] for c in SPLITS])
def test_split_coating_rules(patch, share):
    image, _patch = body_with_patch(lab_to_bgr(*RED_BODY), lab_to_bgr(*patch), texture=0)
    pixels = features.lab_pixels(image, np.ones(image.shape[:2], bool))
    assert features.split_coating(pixels).mean() == pytest.approx(share, abs=0.01)


def test_split_coating_still_works_on_a_vivid_red_body():
    image, patch = body_with_patch(lab_to_bgr(50, 55, 25), lab_to_bgr(52, 46, 20), texture=0)
    pixels = features.lab_pixels(image, np.ones(patch.shape, bool))
    assert features.split_coating(pixels).mean() == pytest.approx(0.15, abs=0.01)


# --- Lab classes -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", list(features.BODY_COLOURS))
def test_a_tongue_at_a_body_prototype_is_classed_as_it(code):
    _label, lightness, a, b = features.BODY_COLOURS[code]
    found = body_colour(*flat_tongue(lab_to_bgr(lightness, a, b)))
    assert found.code == code
    assert found.confidence == max(found.scores.values())
    assert sum(found.scores.values()) == pytest.approx(1.0, abs=0.01)


@pytest.mark.parametrize("code", list(features.COATING_COLOURS))
def test_a_coating_at_a_coating_prototype_is_classed_as_it(code):
    _label, lightness, a, b = features.COATING_COLOURS[code]
    image, mask = flat_tongue(lab_to_bgr(lightness, a, b))
    mean = features.lab_pixels(image, mask > 0).mean(axis=0)
    assert features.nearest(mean, features.COATING_COLOURS).code == code


def test_body_colour_moves_from_pale_to_red_as_a_star_rises():
    """At L* 45, b* 8: a* 6 is 淡白, 17 is 淡红, 26 is 红, and 红 grows ever more likely."""
    found = [body_colour(*flat_tongue(lab_to_bgr(45, a, 8))) for a in (6, 10, 14, 17, 20, 23, 26)]
    assert [f.code for f in found] == ["pale"] * 2 + ["light_red"] * 3 + ["red"] * 2
    red_scores = [f.scores["red"] for f in found]
    pale_scores = [f.scores["pale"] for f in found]
    assert red_scores == sorted(red_scores) and pale_scores == sorted(pale_scores, reverse=True)


def test_colour_features_report_a_coating_colour_only_with_a_coating():
    plain = features.colour_features(*flat_tongue(lab_to_bgr(40, 23, 10)))[0]
    assert [f.code for f in plain] == ["red", "thin"]
    image, patch = body_with_patch(lab_to_bgr(40, 23, 10), lab_to_bgr(41, 13, 7), texture=0)
    coated = features.colour_features(image, np.ones(patch.shape, np.uint8))[0]
    assert [f.code for f in coated] == ["red", "white", "thin"]


def test_glare_is_left_out_of_the_colour_statistics():
    image, mask = flat_tongue(lab_to_bgr(43, 17, 8))
    image[:10] = 250  # 10 % of the tongue is specular highlight
    _colour, stats = features.colour_features(image, mask)
    assert stats["tongue"]["pixels"] == 9000 // 4  # every second pixel each way
    assert stats["body"]["a"] == pytest.approx(17, abs=0.5)


# --- coating thickness -------------------------------------------------------------------------

THICKNESS = [
    ("no coating is thin, certainly", 0.0, "thin", 1.0),
    ("a coating on 49 % of the tongue is thin, barely", 0.49, "thin", 0.52),
    ("a coating on half the tongue is thick", 0.5, "thick", 0.5),
    ("a coating on 75 % of the tongue is thick, certainly", 0.75, "thick", 1.0),
    ("a coating over the whole tongue is thick", 1.0, "thick", 1.0),
]


@pytest.mark.parametrize(
    ("share", "code", "confidence"), [c[1:] for c in THICKNESS], ids=[c[0] for c in THICKNESS]
)
def test_thickness(share, code, confidence):
    found = features.thickness(share)
    assert (found.code, found.confidence) == (code, confidence)
    assert found.label == {"thin": "薄", "thick": "厚"}[code]


# --- cracks and tooth marks --------------------------------------------------------------------


def test_cracks_score_higher_with_dark_lines(photo):
    image, mask = photo(axes=(120, 170), texture=6)
    cracked = image.copy()
    for start, end in [
        ((320, 150), (320, 350)),
        ((280, 200), (300, 320)),
        ((360, 200), (345, 320)),
    ]:
        cv2.line(cracked, start, end, (50, 50, 100), 3)
    smooth_score = features.crack_score(*tongue_crop(image, mask))
    cracked_score = features.crack_score(*tongue_crop(cracked, mask))
    assert smooth_score.confidence < 0.1
    assert cracked_score.confidence > 0.5
    assert cracked_score.scores["line_share"] > smooth_score.scores["line_share"]


def test_a_dark_spot_is_not_a_crack(photo):
    image, mask = photo(axes=(120, 170), texture=6)
    cv2.circle(image, (320, 260), 6, (50, 50, 100), -1)
    assert features.crack_score(*tongue_crop(image, mask)).confidence == 0.0


def tongue_mask(notch_rows=(), notch_x=None, radius=12):
    """A 240 × 340 ellipse, with round bites at the given rows on both lateral edges (or at
    `notch_x` when given)."""
    mask = np.zeros((480, 640), np.uint8)
    cv2.ellipse(mask, (320, 240), (120, 170), 0, 0, 360, 1, -1)
    for y in notch_rows:
        row = np.nonzero(mask[y])[0]
        for x in (row.min(), row.max()) if notch_x is None else (notch_x,):
            cv2.circle(mask, (int(x), y), radius, 0, -1)
    return mask


def tooth_marks(mask) -> features.Feature:
    return features.tooth_mark_score(tongue_crop(np.zeros((*mask.shape, 3), np.uint8), mask)[1])


TOOTH_MARKS = [
    ("a smooth outline has no tooth marks", {}, 0.0, 0.0),
    ("two bites on each side are tooth marks", {"notch_rows": (200, 280)}, 0.9, 1.0),
    ("four bites on each side are tooth marks", {"notch_rows": (170, 220, 270, 320)}, 0.99, 1.0),
    ("a bite at the tip is not a tooth mark", {"notch_rows": (405,), "notch_x": 320}, 0.0, 0.0),
]


@pytest.mark.parametrize(
    ("shape", "low", "high"), [c[1:] for c in TOOTH_MARKS], ids=[c[0] for c in TOOTH_MARKS]
)
def test_tooth_marks(shape, low, high):
    assert low <= tooth_marks(tongue_mask(**shape)).confidence <= high


def test_more_and_deeper_bites_score_higher():
    shallow = tooth_marks(tongue_mask((200, 280), radius=8))
    deep = tooth_marks(tongue_mask((200, 280), radius=16))
    assert shallow.scores["indentations"] == deep.scores["indentations"] == 4
    assert deep.scores["depth_sum"] > shallow.scores["depth_sum"] > 0


def test_shape_features_are_cracks_and_tooth_marks(photo):
    codes = [f.code for f in features.shape_features(*photo())]
    assert codes == ["cracks", "tooth_marks"]
