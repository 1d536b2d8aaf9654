"""The care advice per constitution (constitution/data/advice.yaml: diet, daily routine,
exercise, emotions, seasons, acupoint self-massage, each with its source), read once. Advice is
health education shown beside a result, never a prescription."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

ADVICE_FILE = Path(__file__).resolve().parent.parent / "data" / "advice.yaml"
TOPICS = ("diet", "routine", "exercise", "emotions", "seasons", "acupoints")


@dataclass(frozen=True)
class Section:
    topic: str
    text: str
    text_en: str
    source: str


@dataclass(frozen=True)
class TypeAdvice:
    code: str
    name: str
    name_en: str
    summary: str
    summary_en: str
    sections: tuple[Section, ...]


@cache
def _data() -> dict:
    return yaml.safe_load(ADVICE_FILE.read_text(encoding="utf-8"))


@cache
def advice_for(code: str) -> TypeAdvice:
    row = _data()["types"][code]
    return TypeAdvice(
        code=code,
        name=row["name"],
        name_en=row["name_en"],
        summary=row["summary"],
        summary_en=row["summary_en"],
        sections=tuple(
            Section(s["topic"], s["text"], s["text_en"], s["source"]) for s in row["sections"]
        ),
    )


def sources() -> dict[str, str]:
    """Source code → its title (and address), as the advice cites them."""
    return {
        row["code"]: " ".join(filter(None, (row.get("title"), row.get("url"))))
        for row in _data()["sources"]
    }
