"""What an OCR engine's text proposes as transcription lines (external_rx/ocr_lines.py): each
"name grams" pair in reading order; the slip's other numbers are not herbs."""

import pytest

from external_rx.ocr_lines import propose_lines

pytestmark = pytest.mark.pure

CASES = [
    ("two to a row", "党参 9g              白术 9g", [("党参", "9"), ("白术", "9")]),
    ("克 and no space", "茯苓12克 炙甘草6克", [("茯苓", "12"), ("炙甘草", "6")]),
    ("a decimal dose", "细辛 1.5g", [("细辛", "1.5")]),
    ("a misread name is proposed as read", "灾甘草 6g", [("灾甘草", "6")]),
    ("the packets and the date are not herbs", "共7剂，每日1剂 日期：2026-12-04", []),
    ("a number without grams is not a line", "No. DC-2026-000815", []),
    ("nothing read", "", []),
]


@pytest.mark.parametrize("text, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_proposed_lines(text, expected):
    assert [(p.name, p.grams) for p in propose_lines(text)] == expected


def test_the_text_read_is_kept_beside_each_proposal():
    assert propose_lines("灾甘草 6g")[0].read_as == "灾甘草 6g"
