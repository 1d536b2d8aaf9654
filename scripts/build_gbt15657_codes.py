"""Rebuild tcm_app/data/gbt15657_codes.csv from two public repositories (issue 16).

    python scripts/build_gbt15657_codes.py CDSS_CLONE LEMON_CLONE OUT.csv

CDSS_CLONE: a clone of github.com/anonymous-temp/TCM-CDSS (GB/T 15657-2021 disease extraction,
GB/T 16751.2-2021 and 16751.3-2023 term indexes); LEMON_CLONE: a clone of
github.com/lemon03390/aspiratcm-clinic (a Traditional-Chinese copy of the B and C code tables).
Needs OpenCC (`pip install opencc`), which the application does not use. A row is written only
when it is checked: diseases as extracted from the standard; patterns and 治法 when the copy's
name, converted to Simplified, is a term of the standard's term index and its parent is kept.
Neither repository states a licence: see tcm_app/data/gbt15657_codes.README.md.
"""

import csv
import json
import re
import subprocess
import sys
from collections import Counter

import opencc

CDSS, LEMON = sys.argv[1], sys.argv[2]
T2S = opencc.OpenCC("t2s")


def show(repo, path):
    return subprocess.run(
        ["git", "-C", repo, "show", "HEAD:" + path], capture_output=True, text=True, check=True
    ).stdout


def head(repo):
    return subprocess.run(
        ["git", "-C", repo, "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()


cc, lc = head(CDSS), head(LEMON)
U_DIS = f"https://github.com/anonymous-temp/TCM-CDSS/blob/{cc}/src/data/tcm-disease-lexicon.json"
U_DIS_CAT = f"https://github.com/anonymous-temp/TCM-CDSS/blob/{cc}/scripts/ingest/gbt15657-disease-lexicon.mjs"
U_SYN = f"https://github.com/anonymous-temp/TCM-CDSS/blob/{cc}/src/data/tcm-syndrome-lexicon.json"
U_THR = f"https://github.com/anonymous-temp/TCM-CDSS/blob/{cc}/src/data/tcm-treatment-principle-lexicon.json"
U_LB = f"https://github.com/lemon03390/aspiratcm-clinic/blob/{lc}/backend/data/tcm_codes_fung_version_full.json"
U_LC = (
    f"https://github.com/lemon03390/aspiratcm-clinic/blob/{lc}/backend/data/tcm_treatment_rule.json"
)
KEEP = ("A01", "A04", "A05", "A06", "A07", "A08", "A09", "A10", "A17")
rows, skipped = [], {}


def skip(kind, why):
    skipped[(kind, why)] = skipped.get((kind, why), 0) + 1


def parent_of(code):
    parts = code.rstrip(".").split(".")
    return "" if len(parts) == 1 else ".".join(parts[:-1])


# diseases
dis = json.loads(show(CDSS, "src/data/tcm-disease-lexicon.json"))["entries"]
script = show(CDSS, "scripts/ingest/gbt15657-disease-lexicon.mjs")
cats = dict(re.findall(r'(A\d\d): "([^"]+)"', script))
codes = set()
for pfx in KEEP:
    rows.append(
        dict(
            code=pfx + ".",
            name=cats[pfx],
            kind="disease",
            parent="",
            temporary="1" if pfx == "A17" else "0",
            source=f"GB/T 15657-2021 表1 类目 via {U_DIS_CAT}",
        )
    )
    codes.add(pfx)
for e in dis:
    c = e["code"]
    if c.startswith("EXT-") or "SRC-GBT-15657-2021" not in e["sourceRefs"]:
        skip("disease", "not from the standard (project extension)")
        continue
    if c[:3] not in KEEP:
        skip("disease", "outside the starter departments")
        continue
    if not re.fullmatch(r"A\d{2}(\.\d{2}){1,4}", c):
        skip("disease", "code shape")
        continue
    p = parent_of(c)
    if p not in codes:
        skip("disease", "parent not in source")
        continue
    codes.add(c)
    rows.append(
        dict(
            code=c,
            name=e["canonical"],
            kind="disease",
            parent=p if p[:3] != p else p + ".",
            temporary="1" if e["temporary"] else "0",
            source=f"GB/T 15657-2021 {c} via {U_DIS}",
        )
    )
# patterns: code from the Traditional copy of 15657-2021; name confirmed in GB/T 16751.2-2021
syn_terms = {
    e["standardTerm"]
    for e in json.loads(show(CDSS, "src/data/tcm-syndrome-lexicon.json"))["entries"]
    if e.get("standardTerm")
}


def to_simplified_pattern(name):
    s = T2S.convert(name)
    if s.endswith("症"):
        s = s[:-1] + "证"
    s = s.replace("症候", "证候")
    return s


pcodes = {}
for e in json.loads(show(LEMON, "backend/data/tcm_codes_fung_version_full.json")):
    c = e["code"]
    if not c.startswith("B"):
        continue
    base = to_simplified_pattern(e["name"])
    cands = [
        base,
        base.replace("症类", "证候类术语"),
        base.replace("症", "证"),
        base + "类术语",
        base.replace("症", "证") + "类术语",
    ]
    hit = [x for x in cands if x in syn_terms]
    if not hit:
        skip("pattern", "name not found in GB/T 16751.2-2021 term index")
        continue
    name = hit[0]
    p = e["parent"] or ""
    if p and p.rstrip(".") != ".".join(c.rstrip(".").split(".")[:-1]):
        skip("pattern", "parent in the copy skips a level")
        continue
    if p and p not in pcodes:
        skip("pattern", "parent not shipped")
        continue
    pcodes[c] = name
    rows.append(
        dict(
            code=c,
            name=name,
            kind="pattern",
            parent=p,
            temporary="0",
            source=(
                f"GB/T 15657-2021 {c} via {U_LB}; name checked in GB/T 16751.2-2021 index {U_SYN}"
            ),
        )
    )
# methods (治法): C02
thr = {
    e["standardTerm"]
    for e in json.loads(show(CDSS, "src/data/tcm-treatment-principle-lexicon.json"))["entries"]
    if e.get("standardTerm")
}
mcodes = {}
for e in json.loads(show(LEMON, "backend/data/tcm_treatment_rule.json")):
    c = e["code"]
    if not c.startswith("C02"):
        continue
    name = T2S.convert(e["name"])
    if name not in thr:
        skip("method", "name not found in GB/T 16751.3-2023 term index")
        continue
    p = e["parent"] or ""
    if p and p not in mcodes:
        skip("method", "parent not shipped")
        continue
    mcodes[c] = name
    rows.append(
        dict(
            code=c,
            name=name,
            kind="method",
            parent=p,
            temporary="0",
            source=f"{c} via {U_LC}; name checked in GB/T 16751.3-2023 index {U_THR}",
        )
    )
with open(sys.argv[3], "w", newline="", encoding="utf-8") as out:
    w = csv.DictWriter(out, fieldnames=["code", "name", "kind", "parent", "temporary", "source"])
    w.writeheader()
    w.writerows(rows)
print(Counter(r["kind"] for r in rows), Counter(r["kind"] for r in rows if r["temporary"] == "1"))
for k, v in sorted(skipped.items()):
    print(k, v)
