"""Tongue features (舌象) from a colour-normalised photo and its mask, each with a confidence.

- Colour normalisation: shades-of-grey (p = 6) estimate of the light on the face around the
  tongue, mapped onto the light of a standard capture (von Kries gains).
- Coating (苔) vs body (舌质): Otsu split of a* inside the tongue; the lower-a* part is coating.
- 舌色 and 苔色: nearest prototype in CIE L*a*b*; 苔 thickness from the coating share.
- 裂纹 (cracks): black-hat lines on L* inside the tongue; 齿痕 (tooth marks): convexity defects
  along the lateral edges.

The prototypes are placed around the BioHit development photos (淡红舌 and 白苔 at their medians,
the other classes at textbook-directed offsets). No clinically labelled set was available, so the
classes are suggestions for the doctor, not validated diagnoses; the Lab statistics are reported
alongside so the doctor can see what each class rests on.
"""

from dataclasses import dataclass

import cv2
import numpy as np

from diagnosis.tongue_quality import glare_pixels, tongue_crop

# Shades-of-grey estimate (B, G, R) of a standard capture, measured on the BioHit photos.
REFERENCE_LIGHT = np.array([0.922, 1.005, 1.073], np.float32)

BODY_COLOURS = {  # code: (label, L*, a*, b*); 淡红 at the development photos' median body colour
    "pale": ("淡白", 50.0, 10.0, 8.0),
    "light_red": ("淡红", 43.0, 17.0, 8.0),
    "red": ("红", 40.0, 23.0, 10.0),
    "crimson": ("绛", 34.0, 22.0, 7.0),
    "purple": ("青紫", 37.0, 12.0, 0.0),
}
COATING_COLOURS = {  # 白 at the development photos' median coating colour
    "white": ("白", 41.0, 13.0, 7.0),
    "yellow": ("黄", 42.0, 12.0, 15.0),
    "grey_black": ("灰黑", 30.0, 8.0, 4.0),
}
MIN_LIGHT_PIXELS = 100
MIN_COATING_SHARE = 0.05  # a coating colour is named only for a coating covering this much
COLOUR_SPREAD = 5.0  # Lab distance at which a neighbouring class becomes as likely
THICK_COATING_SHARE = 0.5  # coating covering half the tongue or more is 厚
MIN_COATING_CONTRAST = 4.0  # a* gap between the two groups below which there is no distinct coating


@dataclass(frozen=True)
class Feature:
    code: str
    label: str
    confidence: float
    scores: dict


@dataclass(frozen=True)
class Normalisation:
    gains: tuple[float, float, float]  # B, G, R

    @property
    def cast(self) -> float:
        return max(self.gains) / min(self.gains)


def estimate_light(image: np.ndarray, tongue: np.ndarray) -> np.ndarray:
    """The light's colour from the face around the tongue; the standard light when there is
    too little of it to judge (the tongue fills the frame)."""
    # Every 4th pixel each way is plenty for a mean, and 16 times faster.
    pixels = image[::4, ::4][tongue[::4, ::4] == 0].reshape(-1, 3).astype(np.float32)
    usable = pixels[(pixels.max(axis=1) < 250) & (pixels.min(axis=1) > 8)]
    if len(usable) < MIN_LIGHT_PIXELS:
        usable = pixels
    if len(usable) < MIN_LIGHT_PIXELS:
        return REFERENCE_LIGHT / REFERENCE_LIGHT.mean()
    squared = (usable / 255.0) ** 2
    estimate = np.power(np.mean(squared * squared * squared, axis=0), 1 / 6) + 1e-6
    return estimate / estimate.mean()


def normalisation(image: np.ndarray, tongue: np.ndarray) -> Normalisation:
    gains = REFERENCE_LIGHT / estimate_light(image, tongue)
    gains = gains / gains[1]
    blue, green, red = (round(float(gain), 4) for gain in gains)
    return Normalisation((blue, green, red))


def apply(image: np.ndarray, norm: Normalisation) -> np.ndarray:
    return np.clip(image.astype(np.float32) * np.array(norm.gains, np.float32), 0, 255).astype(
        np.uint8
    )


def lab_pixels(image: np.ndarray, region: np.ndarray) -> np.ndarray:
    """CIE L*a*b* (L 0..100) of the pixels in region, as an N×3 float array."""
    lab = cv2.cvtColor(image.astype(np.float32) / 255.0, cv2.COLOR_BGR2Lab)
    return lab[region]


def lab_stats(pixels: np.ndarray) -> dict:
    if not len(pixels):
        return {"pixels": 0}
    mean, std = pixels.mean(axis=0), pixels.std(axis=0)
    return {
        "pixels": len(pixels),
        "L": round(float(mean[0]), 2),
        "a": round(float(mean[1]), 2),
        "b": round(float(mean[2]), 2),
        "L_sd": round(float(std[0]), 2),
        "a_sd": round(float(std[1]), 2),
        "b_sd": round(float(std[2]), 2),
    }


def split_coating(pixels: np.ndarray) -> np.ndarray:
    """Boolean per pixel: True for coating (the paler, lower-a* group)."""
    a = pixels[:, 1]
    scaled = np.clip((a + 40) * 2, 0, 255).astype(np.uint8).reshape(-1, 1)
    threshold, _ = cv2.threshold(scaled, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    coating = scaled[:, 0] <= threshold
    if coating.all() or not coating.any():
        return np.zeros(len(a), bool)
    if a[~coating].mean() - a[coating].mean() < MIN_COATING_CONTRAST:
        return np.zeros(len(a), bool)
    return coating


def nearest(mean_lab: np.ndarray, prototypes: dict) -> Feature:
    codes = list(prototypes)
    distances = np.array([np.linalg.norm(mean_lab - np.array(prototypes[c][1:])) for c in codes])
    weights = np.exp(-((distances - distances.min()) ** 2) / (2 * COLOUR_SPREAD**2))
    weights /= weights.sum()
    best = int(np.argmax(weights))
    scores = {c: round(float(w), 3) for c, w in zip(codes, weights, strict=True)}
    return Feature(codes[best], prototypes[codes[best]][0], round(float(weights[best]), 3), scores)


def thickness(share: float) -> Feature:
    thick = share >= THICK_COATING_SHARE
    margin = abs(share - THICK_COATING_SHARE) / 0.25
    confidence = round(0.5 + 0.5 * min(1.0, margin), 3)
    return Feature(
        "thick" if thick else "thin",
        "厚" if thick else "薄",
        confidence,
        {"coating_share": round(share, 3)},
    )


def crack_score(crop: np.ndarray, crop_mask: np.ndarray) -> Feature:
    """Share of the inner tongue covered by long dark lines (black-hat on L*), mapped to 0..1."""
    lightness = cv2.cvtColor(crop, cv2.COLOR_BGR2Lab)[:, :, 0]
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (11, 11))
    hat = cv2.morphologyEx(lightness, cv2.MORPH_BLACKHAT, kernel)
    inner = cv2.erode(crop_mask, np.ones((15, 15), np.uint8))
    lines = ((hat > 28) & (inner > 0)).astype(np.uint8)
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    long_area = 0
    for i in range(1, count):
        w, h, area = stats[i, cv2.CC_STAT_WIDTH], stats[i, cv2.CC_STAT_HEIGHT], stats[i, 4]
        if area >= 40 and max(w, h) >= 4 * max(1.0, area / max(w, h)):
            long_area += area
    share = long_area / max(1, int(inner.sum()))
    score = float(1 - np.exp(-share / 0.02))
    return Feature("cracks", "裂纹", round(score, 3), {"line_share": round(share, 4)})


def tooth_mark_score(crop_mask: np.ndarray) -> Feature:
    """Depth of indentations along the lateral thirds of the outline, relative to tongue width."""
    contours, _ = cv2.findContours(crop_mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    contour = max(contours, key=cv2.contourArea)
    hull = cv2.convexHull(contour, returnPoints=False)
    width, height = crop_mask.shape[1], crop_mask.shape[0]
    depths = []
    try:
        defects = cv2.convexityDefects(contour, hull)
    except cv2.error:  # a self-touching outline; no marks can be measured
        defects = None
    for start, end, far, depth in [] if defects is None else defects.reshape(-1, 4):
        x, y = contour[far][0]
        lateral = x < 0.3 * width or x > 0.7 * width
        span = np.linalg.norm(contour[start][0] - contour[end][0])
        if lateral and 0.15 * height < y < 0.9 * height and span < 0.35 * height:
            depths.append(depth / 256.0 / width)
    marks = [d for d in depths if d > 0.012]
    score = float(1 - np.exp(-sum(marks) / 0.04))
    return Feature(
        "tooth_marks",
        "齿痕",
        round(score, 3),
        {"indentations": len(marks), "depth_sum": round(sum(marks), 4)},
    )


def colour_features(image: np.ndarray, mask: np.ndarray) -> tuple[list[Feature], dict]:
    """舌色, 苔色 and 苔 thickness with the Lab statistics they rest on (glare excluded).
    Every second pixel each way: tens of thousands of pixels give the same means, 4× faster."""
    image, mask = image[::2, ::2], mask[::2, ::2]
    region = (mask > 0) & ~glare_pixels(image)
    pixels = lab_pixels(image, region)
    coating = split_coating(pixels)
    body, coat = pixels[~coating], pixels[coating]
    features = [nearest(body.mean(axis=0), BODY_COLOURS)]
    if coating.mean() >= MIN_COATING_SHARE:
        features.append(nearest(coat.mean(axis=0), COATING_COLOURS))
    features.append(thickness(float(coating.mean())))
    stats = {"tongue": lab_stats(pixels), "body": lab_stats(body), "coating": lab_stats(coat)}
    return features, stats


def shape_features(image: np.ndarray, mask: np.ndarray) -> list[Feature]:
    crop, crop_mask = tongue_crop(image, mask)
    return [crack_score(crop, crop_mask), tooth_mark_score(crop_mask)]
