"""Rebuild herbs/data/commonness.yaml: how many of the 100 formulas of
《古代经典名方目录（第一批）》 (2018) use each herb family (a base herb with its processed forms),
from the reviewed composition in herbs/data/formulas/classical_2018.yaml. Search uses it to break
ties before the clinic has its own prescribing history. Run:
    .venv/bin/python scripts/build_herb_commonness.py > herbs/data/commonness.yaml
"""

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from herbs.catalogue import CatalogueIndex, parse_documents
from herbs.services.data_files import read_yaml_file, read_yaml_folder

HEADER = """\
# Commonness of each herb family before the clinic has its own prescribing history
# (search tie-break). Source: 国家中医药管理局《古代经典名方目录（第一批）》
# （国中医药科技发〔2018〕9号）, as transcribed and reviewed in formulas/classical_2018.yaml.
# Method: in every formula each herb family (a base herb and its processed forms, e.g. 半夏 with
# 法半夏 and 姜半夏) counts once; `formulas` is how many of the 100 formulas use the family.
# Built by scripts/build_herb_commonness.py; a family not listed counts 0.
# Rebuild and review this file when the formula list changes.
"""


def family_counts() -> Counter:
    herbs, errors = parse_documents(read_yaml_folder("herbs"))
    if errors:
        raise SystemExit("\n".join(errors))
    index = CatalogueIndex(herbs)
    counts: Counter = Counter()
    for formula in read_yaml_file("formulas/classical_2018.yaml")["formulas"]:
        families = set()
        for line in formula["lines"]:
            if "herb" not in line:  # an adjuvant line (白酒): not a herb of the catalogue
                continue
            herb = index.resolve(line["herb"])
            if herb is not None:
                families.add(herb.root_code)
        counts.update(families)
    return counts


def render(counts: Counter) -> str:
    lines = [
        HEADER.rstrip("\n"),
        "source: 国家中医药管理局《古代经典名方目录（第一批）》（国中医药科技发〔2018〕9号）",
        "families:",
    ]
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        lines.append(f"  - {{code: {code}, formulas: {count}}}")
    return "\n".join(lines) + "\n"


def main() -> None:
    print(render(family_counts()), end="")


if __name__ == "__main__":
    main()
