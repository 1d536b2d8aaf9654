"""Shape of GB/T 15657-2021 (中医病证分类与代码) codes: diseases A.., syndromes/patterns B...

Pure: standard library only. Codes are hierarchical with dots, e.g. A01.01.01 感冒 and
A01.01.01.01 伤风; patterns use the same shape with the letter B.
"""

import re

DISEASE_CODE = re.compile(r"^A\d{2}(\.\d{2}){0,4}$")
SYNDROME_CODE = re.compile(r"^B\d{2}(\.\d{2}){0,4}$")


def is_disease_code(code: str) -> bool:
    return bool(DISEASE_CODE.match(code))


def is_syndrome_code(code: str) -> bool:
    return bool(SYNDROME_CODE.match(code))
