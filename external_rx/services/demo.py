"""Demo outside prescriptions for demo-patient (王丽): a photographed 理中汤 prescription from
another hospital waiting in the pharmacists' queue, and one the demo pharmacist has checked,
transcribed and approved, ready for her to order. Built through the services, as people would.
The photos are drawn here: a printed prescription slip in Chinese (the CJK font that `make run`
installs for the PDFs)."""

import io
import shutil
import subprocess
from datetime import date

from PIL import Image, ImageDraw, ImageFont

from external_rx.intake_rules import CHECKS
from external_rx.services import review, submissions
from tcm_app.services.clock import clinic_today

FONT_FAMILY = "Noto Sans CJK SC"
LIZHONG = [("党参", "9"), ("白术", "9"), ("干姜", "6"), ("炙甘草", "6")]
INK, BLUE_INK, SEAL_RED = (30, 30, 30), (20, 20, 60), (200, 30, 30)
SIJUNZI = [("党参", "12"), ("白术", "9"), ("茯苓", "12"), ("炙甘草", "6")]


def _font(size: int):
    """The CJK font fontconfig finds; Pillow's own font (no Chinese) only when none is."""
    if shutil.which("fc-match"):
        path = subprocess.run(
            ["fc-match", "-f", "%{file}", f"{FONT_FAMILY}:style=Regular"],
            capture_output=True, text=True, check=False,
        ).stdout  # fmt: skip
        if path:
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def prescription_photo(institution, number, patient, day: date, lines, doctor) -> bytes:
    """A printed prescription slip (处方笺) as a phone would photograph it, as a PNG."""
    image = Image.new("RGB", (720, 960), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    title, body = _font(34), _font(26)
    draw.text((60, 50), f"{institution}  处方笺", font=title, fill=INK)
    draw.text((60, 120), f"No. {number}    日期：{day.isoformat()}", font=body, fill=INK)
    draw.text((60, 170), f"姓名：{patient.legal_name}    科别：中医科", font=body, fill=INK)
    draw.line((60, 220, 660, 220), fill=(80, 80, 80), width=2)
    draw.text((60, 240), "Rp.", font=title, fill=INK)
    for index, (herb, grams) in enumerate(lines):
        x, y = 90 + (index % 2) * 280, 310 + (index // 2) * 60
        draw.text((x, y), f"{herb}  {grams}g", font=body, fill=BLUE_INK)
    draw.text((90, 460), "共7剂，每日1剂，水煎分早晚两次温服", font=body, fill=BLUE_INK)
    draw.line((60, 820, 660, 820), fill=(80, 80, 80), width=2)
    draw.text((60, 850), f"医师：{doctor}", font=body, fill=INK)
    draw.ellipse((470, 780, 650, 940), outline=SEAL_RED, width=5)  # the institution's seal
    draw.text((505, 845), "处方专用章", font=_font(22), fill=SEAL_RED)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _sent(patient, institution, doctor, number, lines):
    photo = prescription_photo(institution, number, patient, clinic_today(), lines, doctor)
    submission = submissions.start(
        patient.user, patient, institution=institution, doctor_name=doctor,
        written_on=clinic_today(), declared=True, first_page=photo,
    )  # fmt: skip
    submissions.submit(submission, patient.user)
    return submission


def seed_demo(world) -> None:
    patient, pharmacist = world.patient, world.staff["demo-pharmacist"]
    _sent(patient, "北京市东城区中医医院", "李建华", "DC-2026-000815", LIZHONG)
    approved = _sent(patient, "首都医科大学附属中医门诊部", "王志强", "SY-2026-102394", SIJUNZI)
    for check in CHECKS:
        review.confirm_check(approved, pharmacist, check, "SY-2026-102394")
    rows = [{"name": name, "dose_g": grams, "method": None} for name, grams in SIJUNZI]
    review.save_transcription(
        approved, pharmacist, rows, 7, "每日1剂，水煎分早晚两次温服",
        writer_countersigned=False, official_seal=False,
    )  # fmt: skip
    review.approve(approved, pharmacist, world.signing_password)
