"""`python -m diagnosis.tongue analyze --json --mask-dir DIR IMAGE...` as evaluators run it:
one JSON line per image in order, refusals as error codes, masks written at the photo's size,
exit code 1 when any photo was refused."""

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

pytestmark = pytest.mark.pure

ROOT = Path(__file__).resolve().parents[2]


def run_cli(images, mask_dir):
    command = [sys.executable, "-m", "diagnosis.tongue", "analyze", "--json"]
    command += ["--mask-dir", str(mask_dir), *map(str, images)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    lines = done.stdout.splitlines()
    return done, [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def files(photo, tmp_path_factory):
    folder = tmp_path_factory.mktemp("photos")
    image, _mask = photo()
    ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    contents = {
        "tongue.jpg": jpeg.tobytes(),
        "grey.jpg": cv2.imencode(".jpg", grey)[1].tobytes(),
        "notes.txt": b"not a photo\n",
        "cut.jpg": jpeg.tobytes()[: len(jpeg) // 2],
        "dot.png": cv2.imencode(".png", np.zeros((1, 1, 3), np.uint8))[1].tobytes(),
    }
    for name, data in contents.items():
        (folder / name).write_bytes(data)
    return {name: folder / name for name in contents} | {"missing.jpg": folder / "missing.jpg"}


@pytest.fixture(scope="module")
def mixed(files, tmp_path_factory):
    masks = tmp_path_factory.mktemp("mixed-masks")
    names = ["tongue.jpg", "notes.txt", "cut.jpg", "dot.png", "grey.jpg", "missing.jpg"]
    done, results = run_cli([files[n] for n in names], masks)
    return done, dict(zip(names, results, strict=True)), masks


@pytest.fixture(scope="module")
def analysed(files, tmp_path_factory):
    masks = tmp_path_factory.mktemp("good-masks")
    done, results = run_cli([files["tongue.jpg"], files["grey.jpg"]], masks)
    return done, results, masks


def test_one_json_line_per_image_in_order(mixed, files):
    done, results, _masks = mixed
    assert [r["image"] for r in results.values()] == [str(files[n]) for n in results]
    assert "Traceback" not in done.stderr


REFUSALS = [
    ("a text file is an unsupported type", "notes.txt", "unsupported_photo_type"),
    ("a JPEG cut in half is truncated", "cut.jpg", "truncated_image"),
    ("a 1×1 PNG is too small", "dot.png", "image_too_small"),
    ("a missing file is unreadable", "missing.jpg", "unreadable_file"),
]


@pytest.mark.parametrize(("name", "code"), [c[1:] for c in REFUSALS], ids=[c[0] for c in REFUSALS])
def test_refused_files_give_an_error_code(mixed, name, code):
    _done, results, masks = mixed
    assert set(results[name]) == {"image", "error"}
    assert results[name]["error"]["code"] == code and results[name]["error"]["message"]
    assert not (masks / f"{Path(name).stem}.png").exists()


def test_any_refusal_makes_the_exit_code_1(mixed):
    assert mixed[0].returncode == 1


def test_all_analysed_makes_the_exit_code_0(analysed):
    done, results, _masks = analysed
    assert done.returncode == 0, done.stderr
    assert len(results) == 2 and "Traceback" not in done.stderr


def test_an_analysed_photo_reports_quality_and_timings(analysed):
    result = analysed[1][0]
    assert result["algorithm_version"].startswith("tongue-")
    assert result["size"] == [640, 480]
    checks = result["quality"]["checks"]
    assert {"tongue_found", "colour", "exposure", "clipped", "colour_cast"} <= set(checks)
    assert all({"value", "limit", "passed", "hint"} == set(c) for c in checks.values())
    assert {"decode", "segmentation", "analysis"} <= set(result["timings_ms"])


def test_colour_features_appear_only_when_every_check_passed(analysed):
    for result in analysed[1]:
        colour = {"tongue_colour", "coating_colour"} & set(result["features"])
        if result["quality"]["passed"]:
            assert "tongue_colour" in colour and "features_withheld" not in result
        else:
            assert not colour and "features_withheld" in result


def test_a_greyscale_photo_fails_colour_and_withholds_colour_features(analysed):
    grey = analysed[1][1]
    assert "colour" in grey["quality"]["failed"] and not grey["quality"]["passed"]
    assert "tongue_colour" not in grey["features"]
    assert "coating_colour" not in grey["features"]
    assert "features_withheld" in grey


@pytest.mark.parametrize("name", ["tongue", "grey"])
def test_the_mask_is_written_at_the_photo_size_as_0_or_255(analysed, name):
    mask = cv2.imread(str(analysed[2] / f"{name}.png"), cv2.IMREAD_UNCHANGED)
    assert mask is not None and mask.shape == (480, 640) and mask.dtype == np.uint8
    assert set(np.unique(mask)) <= {0, 255}


@pytest.mark.parametrize(
    "entry",
    [
        ["-m", "diagnosis.cli", "analyze"],
        ["-m", "flask", "--app", "tcm_app.app", "diagnosis", "analyze"],
    ],
    ids=["python -m diagnosis.cli analyze", "flask diagnosis analyze"],
)
def test_every_entry_gives_the_same_lines(files, entry):
    command = [sys.executable, *entry, "--json", str(files["tongue.jpg"]), str(files["notes.txt"])]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert [sorted(r) for r in results][1] == ["error", "image"]
    assert results[0]["quality"] and results[0]["image"] == str(files["tongue.jpg"])
    assert done.returncode == 1  # the text file was refused
