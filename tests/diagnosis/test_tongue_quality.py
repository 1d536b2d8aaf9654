"""Photo-quality gates (tongue_quality): each unfit photo fails exactly its own check, and a good
one passes them all. Synthetic photos with their known masks; no segmentation involved."""

import cv2
import numpy as np
import pytest

from diagnosis import tongue_quality as quality
from diagnosis.tongue_features import normalisation
from diagnosis.tongue_image import is_greyscale
from diagnosis.tongue_perturb import channel_gains

pytestmark = pytest.mark.pure

CONFIDENT = 0.9
IMAGE_CHECKS = ("tongue_found", "colour", "exposure", "clipped", "colour_cast")
TONGUE_CHECKS = ("tongue_size", "cut_off", "sharpness", "glare")


def assess(image, mask, confidence=CONFIDENT):
    """The gates as analyze() calls them: cast from the white balance, greyscale from pixels."""
    cast = normalisation(image, mask).cast
    return quality.assess(image, mask, confidence, cast, is_greyscale(image))


def darken(image, mask):
    return (image * 0.28).astype(np.uint8), mask


def blur(sigma):
    return lambda image, mask: (cv2.GaussianBlur(image, (0, 0), sigma), mask)


def paint_band(value, top):
    """Paint the top (or bottom) 40 rows of the tongue a flat grey `value`: ~9 % of its area."""

    def change(image, mask):
        ys, xs = np.nonzero(mask)
        band = ys < ys.min() + 40 if top else ys > ys.max() - 40
        image = image.copy()
        image[ys[band], xs[band]] = value
        return image, mask

    return change


def gains(blue, green, red):
    return lambda image, mask: (channel_gains(image, blue, green, red), mask)


def greyscale(image, mask):
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR), mask


def no_mask(image, mask):
    return image, np.zeros_like(mask)


def case(rule, failing, change=None, confidence=CONFIDENT, **overrides):
    return pytest.param(overrides, change, confidence, set(failing), id=rule)


WARM, ORANGE, COOL = gains(0.75, 0.95, 1.15), gains(0.6, 1.0, 1.3), gains(1.1, 1.0, 0.9)
GLARE_BAND, SHADOW_BAND = paint_band(245, top=True), paint_band(0, top=False)

CASES = [
    case("a lit, sharp, centred tongue passes every check", ()),
    case("a photo at 28 % of the light is too dark", {"exposure"}, darken),
    case("a near-white tongue is too bright", {"exposure"}, tongue=(222, 222, 230), texture=4),
    case("a blurred photo (sigma 3) is not sharp", {"sharpness"}, blur(3)),
    case("even a slight blur (sigma 1) loses the papillae", {"sharpness"}, blur(1)),
    case("a shiny patch on 9 % of the tongue is glare", {"glare"}, GLARE_BAND),
    case("a black shadow on 9 % of the tongue is clipped", {"clipped"}, SHADOW_BAND),
    case("a tongue on 4 % of the frame is too far", {"tongue_size"}, axes=(60, 70)),
    case("a tongue on under 2 % of the frame is not found", {"tongue_found"}, axes=(25, 30)),
    case("a tongue running off the bottom edge is cut off", {"cut_off"}, centre=(320, 420)),
    case("an empty mask is no tongue", {"tongue_found"}, no_mask),
    case("an unsure segmentation (0.3) is no tongue", {"tongue_found"}, confidence=0.3),
    case("a black-and-white photo has no colour", {"colour"}, greyscale),
    case("warm lamp light (0.75/0.95/1.15) is a colour cast", {"colour_cast"}, WARM),
    case("strong orange light (0.6/1/1.3) is a colour cast", {"colour_cast"}, ORANGE),
    case("slightly cool light (1.1/1/0.9) is no colour cast", (), COOL),
]


@pytest.mark.parametrize(("overrides", "change", "confidence", "failing"), CASES)
def test_each_unfit_photo_fails_exactly_its_check(photo, overrides, change, confidence, failing):
    image, mask = photo(**overrides)
    if change:
        image, mask = change(image, mask)
    verdict = assess(image, mask, confidence)
    assert set(verdict.failed) == failing, {c.code: c.value for c in verdict.checks}
    assert verdict.passed == (not failing)
    found = "tongue_found" not in failing
    expected_codes = IMAGE_CHECKS + (TONGUE_CHECKS if found else ())
    assert tuple(c.code for c in verdict.checks) == expected_codes


def test_a_failed_check_carries_its_value_limit_and_hint(photo):
    verdict = assess(*darken(*photo()))
    exposure = next(c for c in verdict.checks if c.code == "exposure")
    assert exposure.value < quality.LUMA_RANGE[0]
    assert exposure.limit == "≥ 45 ≤ 215"
    assert "too dark" in exposure.hint


def test_the_exposure_hint_names_the_direction(photo):
    bright = assess(*photo(tongue=(222, 222, 230), texture=4))
    exposure = next(c for c in bright.checks if c.code == "exposure")
    assert not exposure.passed and "too bright" in exposure.hint


CAST_LIMITS = [
    ("neutral light is no cast", 1.0, True),
    ("a cast of exactly 1.6 is accepted", 1.6, True),
    ("a cast of 1.61 is refused", 1.61, False),
    ("a cast of 2.5 is refused", 2.5, False),
]


@pytest.mark.parametrize(
    ("cast", "passes"), [c[1:] for c in CAST_LIMITS], ids=[c[0] for c in CAST_LIMITS]
)
def test_colour_cast_limit(photo, cast, passes):
    image, mask = photo()
    verdict = quality.assess(image, mask, CONFIDENT, cast, False)
    assert ("colour_cast" not in verdict.failed) == passes


CONFIDENCE_LIMITS = [
    ("segmentation confidence 0.55 is enough", 0.55, True),
    ("segmentation confidence 0.54 is not", 0.54, False),
    ("segmentation confidence 0 is not", 0.0, False),
]


@pytest.mark.parametrize(
    ("confidence", "found"),
    [c[1:] for c in CONFIDENCE_LIMITS],
    ids=[c[0] for c in CONFIDENCE_LIMITS],
)
def test_tongue_found_needs_a_confident_segmentation(photo, confidence, found):
    image, mask = photo()
    verdict = quality.assess(image, mask, confidence, 1.0, False)
    assert ("tongue_found" not in verdict.failed) == found


def test_without_a_tongue_exposure_is_judged_on_the_whole_photo(photo):
    image, mask = photo()
    image[mask > 0] = 10  # a very dark tongue in a well-lit face
    with_tongue = assess(image, mask)
    without = assess(image, np.zeros_like(mask))
    assert "exposure" in with_tongue.failed
    assert "exposure" not in without.failed


USABILITY = [
    ("colour failures leave the outline usable", ("colour", "colour_cast", "exposure"), True),
    ("a blurred tongue is not usable", ("sharpness",), False),
    ("a cut-off tongue is not usable", ("cut_off",), False),
    ("no tongue is not usable", ("tongue_found",), False),
    ("glare alone leaves the outline usable", ("glare",), True),
]


@pytest.mark.parametrize(
    ("failing", "usable"), [c[1:] for c in USABILITY], ids=[c[0] for c in USABILITY]
)
def test_tongue_usable(failing, usable):
    codes = IMAGE_CHECKS + TONGUE_CHECKS
    checks = tuple(quality.Check(code, 0.0, "", code not in failing, "") for code in codes)
    verdict = quality.Quality(checks)
    assert verdict.tongue_usable == usable
    assert not verdict.passed
    assert set(verdict.failed) == set(failing)


GLARE = [
    ("near-white is glare", (245, 245, 245), True),
    ("pure white is glare", (255, 255, 255), True),
    ("light grey under V 240 is not glare", (235, 235, 235), False),
    ("a bright saturated pink is not glare", (200, 200, 255), False),
]


@pytest.mark.parametrize(("bgr", "glare"), [c[1:] for c in GLARE], ids=[c[0] for c in GLARE])
def test_glare_pixels(bgr, glare):
    assert quality.glare_pixels(np.full((2, 2, 3), bgr, np.uint8)).all() == glare


def test_border_share_is_the_part_of_the_outline_on_the_frame_edge():
    inside = np.zeros((100, 100), np.uint8)
    inside[20:80, 20:80] = 1
    assert quality.border_share(inside) == 0.0
    bottom = np.zeros((100, 100), np.uint8)
    bottom[50:, 20:80] = 1  # a 60 × 50 box on the bottom edge: 60 of its ~218 outline pixels
    assert 0.25 < quality.border_share(bottom) < 0.3
    assert quality.border_share(np.zeros((100, 100), np.uint8)) == 0.0
