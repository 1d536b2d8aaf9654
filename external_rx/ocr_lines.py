"""Lines a Chinese OCR engine read from a prescription photo, as proposals for the pharmacist to
confirm one by one (issue 20: an optional assist; the pharmacist transcribes, software never
does). A proposal is a herb name as read and its grams: "党参 9g", "白术9克", two to a row.

Pure: standard library only."""

import re
from dataclasses import dataclass

MAX_PROPOSALS = 40
# A name of 1–8 Chinese characters, then the grams (digits, maybe a decimal), then g or 克.
_LINE = re.compile(r"([\u4e00-\u9fff]{1,8})\s*[:：]?\s*(\d{1,3}(?:\.\d{1,2})?)\s*(?:g|G|克)")
# Words of the slip that precede a number of grams but are no herb.
_NOT_HERBS = frozenset({"共", "每日", "每次", "每剂", "日期", "剂量", "总量"})


@dataclass(frozen=True)
class Proposal:
    name: str  # as read; the pharmacist confirms or corrects it
    grams: str
    read_as: str  # the text the engine read, shown beside the row


def propose_lines(text: str) -> list[Proposal]:
    """Every "name grams" pair in reading order, at most MAX_PROPOSALS."""
    proposals = []
    for match in _LINE.finditer(text or ""):
        name, grams = match.group(1), match.group(2)
        if name in _NOT_HERBS:
            continue
        proposals.append(Proposal(name, grams, match.group(0).strip()))
        if len(proposals) == MAX_PROPOSALS:
            break
    return proposals
