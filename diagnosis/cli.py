"""Tongue analysis from the command line, for evaluation: `flask --app tcm_app.app diagnosis
analyze [--json] [--mask-dir DIR] IMAGE...` (or `python -m diagnosis.cli analyze …`, which needs no
app) prints one line per photo (one JSON line with --json), writes masks at each photo's size, and
exits with 1 when any photo was refused. File reading, printing and arguments live here, so that
diagnosis/tongue.py stays pure."""

import json
import sys
import time
from pathlib import Path

import click
import cv2

from diagnosis.tongue import analyze, full_size_mask
from diagnosis.tongue_image import ImageRejectedError, decode_image


def analyze_file(path: Path, mask_dir: Path | None) -> dict:
    started = time.perf_counter()
    try:
        image = decode_image(path.read_bytes())
    except ImageRejectedError as exc:
        return {"image": str(path), "error": {"code": exc.code, "message": exc.message}}
    except OSError as exc:
        return {"image": str(path), "error": {"code": "unreadable_file", "message": str(exc)}}
    decoded = time.perf_counter()
    analysis = analyze(image)
    result = {"image": str(path), "size": [image.shape[1], image.shape[0]], **analysis.to_dict()}
    result["timings_ms"]["decode"] = round((decoded - started) * 1000, 1)
    if mask_dir is not None:
        mask_dir.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(
            str(mask_dir / f"{path.stem}.png"),
            full_size_mask(analysis, image.shape[1], image.shape[0]),
        )
    return result


def _summary(result: dict) -> str:
    if "error" in result:
        return (
            f"{result['image']}: refused ({result['error']['code']}): {result['error']['message']}"
        )
    verdict = (
        "passed"
        if result["quality"]["passed"]
        else "failed " + ",".join(result["quality"]["failed"])
    )
    found = ", ".join(f"{k}={v['label']}({v['confidence']})" for k, v in result["features"].items())
    return f"{result['image']}: quality {verdict}; {found or 'no features'}"


@click.group("diagnosis", help="Tongue inspection (舌诊).")
def diagnosis_cli():
    pass


@diagnosis_cli.command("analyze", help="Analyse tongue photos, one line per photo.")
@click.option("--json", "as_json", is_flag=True, help="one JSON line per image")
@click.option(
    "--mask-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="write <stem>.png masks (255 = tongue) here",
)
@click.argument("images", nargs=-1, required=True, type=click.Path(path_type=Path))
def analyze_command(as_json: bool, mask_dir: Path | None, images: tuple[Path, ...]) -> None:
    cv2.setNumThreads(1)
    refused = 0
    for path in images:
        result = analyze_file(path, mask_dir)
        refused += "error" in result
        click.echo(json.dumps(result, ensure_ascii=False) if as_json else _summary(result))
    sys.exit(1 if refused else 0)


if __name__ == "__main__":
    diagnosis_cli(prog_name="python -m diagnosis.cli")
