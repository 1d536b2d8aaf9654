"""Formula safety checks (处方安全审查): 十八反, 十九畏, pregnancy, the 28 toxic herbs, dose
ranges, duplicates and unknown names. Data-driven: the herbs and pair rules come from the reviewed
files in herbs/data/. Pure: standard library and this package's pure modules only.

Severities:
- `block`: the prescription cannot be signed until the line is changed (unknown herb, the same
  herb twice, a toxic herb above its two-day maximum).
- `double_sign`: allowed only with a reason and a second signature by the doctor
  (《中药处方格式及书写规范》 第(七)款: 配伍禁忌和超剂量使用时，应当在药品上方再次签名).
- `warn`: shown to the doctor and the pharmacist; no extra act needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from herbs.catalogue import CatalogueIndex, Herb

BLOCK = "block"
DOUBLE_SIGN = "double_sign"
WARN = "warn"

INCOMPATIBLE_18 = "incompatible_18"
INCOMPATIBLE_19 = "incompatible_19"
PREGNANCY_FORBIDDEN = "pregnancy_forbidden"
PREGNANCY_CAUTION = "pregnancy_caution"
TOXIC = "toxic"
DOSE_ABOVE_MAX = "dose_above_max"
DOSE_BELOW_MIN = "dose_below_min"
DUPLICATE_HERB = "duplicate_herb"
UNKNOWN_HERB = "unknown_herb"

PAIR_LABELS = {INCOMPATIBLE_18: "十八反", INCOMPATIBLE_19: "十九畏"}
TOXIC_DAYS_LIMIT = 2  # 《医疗用毒性药品管理办法》第九条: 每次处方剂量不得超过二日极量
CATALOGUE_SOURCE = "医院中药饮片目录"


@dataclass(frozen=True)
class HerbLine:
    """One written line: the name as the doctor wrote it and the grams per packet (one day)."""

    name: str
    dose_g: float


@dataclass(frozen=True)
class PatientFacts:
    pregnant: bool = False
    age: int | None = None
    # A woman of child-bearing age whose pregnancy status nobody recorded: forbidden herbs are
    # flagged so that the doctor asks before prescribing them.
    pregnancy_unknown: bool = False


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    herbs: tuple[str, ...]
    message: str
    source: str
    lines: tuple[int, ...] = ()

    @property
    def key(self) -> str:
        """Stable identity across re-checks, to match a doctor's acknowledgement to a finding."""
        return f"{self.code}:{'+'.join(self.herbs)}"

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "herbs": list(self.herbs),
            "message": self.message,
            "source": self.source,
            "lines": list(self.lines),
            "key": self.key,
        }


@dataclass(frozen=True)
class PairRule:
    code: str
    group: str
    a: frozenset[str]  # root herb codes
    b: frozenset[str]
    source: str


@dataclass(frozen=True)
class ChildFraction:
    below_age: int
    fraction: Fraction
    label: str


@dataclass(frozen=True)
class RuleBook:
    """Everything the checker knows besides the herbs: pair rules, child dosing, sources."""

    pairs_by_root: dict[str, tuple[tuple[PairRule, frozenset[str]], ...]]
    child_fractions: tuple[ChildFraction, ...]
    sources: dict[str, str]


def build_rule_book(document: dict, index: CatalogueIndex) -> tuple[RuleBook, list[str]]:
    """Compile rules.yaml against the catalogue; names that do not resolve are reported."""
    unresolved: list[str] = []
    pairs: dict[str, list] = {}
    for code in (INCOMPATIBLE_18, INCOMPATIBLE_19):
        for row in document.get(code) or []:
            rule = PairRule(
                code=code,
                group=row["group"],
                a=_roots(row["a"], index, unresolved),
                b=_roots(row["b"], index, unresolved),
                source=row["source"],
            )
            for root in rule.a:
                pairs.setdefault(root, []).append((rule, rule.b))
    fractions = tuple(
        ChildFraction(row["below_age"], Fraction(row["fraction"]), row["label"])
        for row in document.get("child_dose_fractions") or []
    )
    sources = {key: document.get(key, "") for key in _SOURCE_KEYS}
    book = RuleBook({k: tuple(v) for k, v in pairs.items()}, fractions, sources)
    return book, unresolved


_SOURCE_KEYS = ("dose_source", "pregnancy_source", "toxic_source", "child_dose_source")


def _roots(names: list[str], index: CatalogueIndex, unresolved: list[str]) -> frozenset[str]:
    roots = set()
    for name in names:
        herb = index.resolve(name)
        if herb is None:
            unresolved.append(name)
        else:
            roots.add(index.root(herb).code)
    return frozenset(roots)


@dataclass(frozen=True)
class _Resolved:
    position: int
    written: str
    herb: Herb
    root: str
    dose_g: float


def check_formula(
    lines: list[HerbLine],
    packets: int,
    patient: PatientFacts,
    index: CatalogueIndex,
    rules: RuleBook,
) -> list[Finding]:
    """Every finding for a formula, in a stable order: blocking first, then by line."""
    findings: list[Finding] = []
    resolved: list[_Resolved] = []
    for position, line in enumerate(lines):
        herb = index.resolve(line.name)
        if herb is None:
            findings.append(_unknown(position, line.name))
            continue
        root = index.root(herb).code
        resolved.append(_Resolved(position, line.name, herb, root, float(line.dose_g)))
    findings += _duplicates(resolved)
    findings += _pairs(resolved, rules)
    fraction = _child_fraction(patient.age, rules)
    for item in resolved:
        findings += _line_findings(item, packets, patient, fraction, index, rules)
    return sorted(findings, key=_finding_order)


_SEVERITY_ORDER = {BLOCK: 0, DOUBLE_SIGN: 1, WARN: 2}


def _finding_order(finding: Finding) -> tuple:
    return (_SEVERITY_ORDER[finding.severity], finding.lines, finding.code)


def _unknown(position: int, written: str) -> Finding:
    return Finding(
        UNKNOWN_HERB,
        BLOCK,
        (written,),
        f"「{written}」不在本院中药饮片目录中，请从目录中选择。",
        CATALOGUE_SOURCE,
        (position,),
    )


def _duplicates(resolved: list[_Resolved]) -> list[Finding]:
    findings = []
    by_root: dict[str, list[_Resolved]] = {}
    for item in resolved:
        by_root.setdefault(item.root, []).append(item)
    for items in by_root.values():
        if len(items) < 2:
            continue
        same_piece = len({item.herb.code for item in items}) < len(items)
        names = tuple(dict.fromkeys(item.herb.name for item in items))
        positions = tuple(item.position for item in items)
        if same_piece:
            message = f"{'、'.join(names)}重复开具，请合并为一行。"
            findings.append(
                Finding(DUPLICATE_HERB, BLOCK, names, message, CATALOGUE_SOURCE, positions)
            )
        else:
            message = f"{'、'.join(names)}为同一药物的不同炮制品，请确认是否有意同用。"
            findings.append(
                Finding(DUPLICATE_HERB, WARN, names, message, CATALOGUE_SOURCE, positions)
            )
    return findings


def _pairs(resolved: list[_Resolved], rules: RuleBook) -> list[Finding]:
    present: dict[str, list[_Resolved]] = {}
    for item in resolved:
        present.setdefault(item.root, []).append(item)
    findings = []
    for root, items in present.items():
        for rule, others in rules.pairs_by_root.get(root, ()):
            for other_root in others & present.keys():
                findings.append(_pair_finding(rule, items[0], present[other_root][0]))
    return findings


def _pair_finding(rule: PairRule, first: _Resolved, second: _Resolved) -> Finding:
    a, b = first.herb.name, second.herb.name
    label = PAIR_LABELS[rule.code]
    message = (
        f"{a}与{b}属{label}（{rule.group}），原则上不宜同用；如确需同用，请注明理由并再次签名。"
    )
    positions = tuple(sorted((first.position, second.position)))
    return Finding(rule.code, DOUBLE_SIGN, (a, b), message, rule.source, positions)


def _child_fraction(age: int | None, rules: RuleBook) -> ChildFraction | None:
    if age is None:
        return None
    return next((row for row in rules.child_fractions if age < row.below_age), None)


def _line_findings(item, packets, patient, fraction, index, rules) -> list[Finding]:
    findings = []
    herb = item.herb
    if patient.pregnant and herb.pregnancy:
        findings.append(_pregnancy(item, rules))
    elif patient.pregnancy_unknown and herb.pregnancy == "禁用":
        message = f"{herb.name}孕妇禁用，患者妊娠状态未记录：请先确认是否妊娠。"
        source = rules.sources["pregnancy_source"]
        findings.append(
            Finding(PREGNANCY_FORBIDDEN, WARN, (herb.name,), message, source, (item.position,))
        )
    if herb.toxic_28:
        findings += _toxic(item, packets, index, rules)
    findings += _dose(item, fraction, rules)
    return findings


def _pregnancy(item: _Resolved, rules: RuleBook) -> Finding:
    name = item.herb.name
    source = rules.sources["pregnancy_source"]
    if item.herb.pregnancy == "禁用":
        message = f"{name}孕妇禁用；如确需使用，请注明理由并再次签名。"
        return Finding(PREGNANCY_FORBIDDEN, DOUBLE_SIGN, (name,), message, source, (item.position,))
    message = f"{name}孕妇慎用，请权衡利弊并告知患者。"
    return Finding(PREGNANCY_CAUTION, WARN, (name,), message, source, (item.position,))


def _toxic(item: _Resolved, packets: int, index: CatalogueIndex, rules: RuleBook) -> list[Finding]:
    herb, source, where = item.herb, rules.sources["toxic_source"], (item.position,)
    findings = []
    total = item.dose_g * packets
    if herb.dose_max_g is None:
        forms = "、".join(form.name for form in index.processed_forms(herb))
        instead = f"；需内服请改开炮制品（{forms}）" if forms else ""
        message = f"{herb.name}属医疗用毒性药品，药典未规定其生品内服用量，不得开入汤剂{instead}。"
        findings.append(Finding(TOXIC, BLOCK, (herb.name,), message, source, where))
    elif total > (limit := TOXIC_DAYS_LIMIT * float(herb.dose_max_g)):
        message = (
            f"{herb.name}属医疗用毒性药品，每张处方不得超过二日极量"
            f"（{_grams(limit)}），本处方合计{_grams(total)}。"
        )
        findings.append(Finding(TOXIC, BLOCK, (herb.name,), message, source, where))
    if item.written.strip().startswith("生"):
        message = f"{herb.name}（生品）属医疗用毒性药品，已注明生用，需再次签名并经药师双人核对。"
        findings.append(Finding(TOXIC, DOUBLE_SIGN, (herb.name,), message, source, where))
    else:
        forms = "、".join(form.name for form in index.processed_forms(herb)) or "炮制品"
        message = f"{herb.name}生品属医疗用毒性药品；处方未注明生用，调配时付炮制品（{forms}）。"
        findings.append(Finding(TOXIC, WARN, (herb.name,), message, source, where))
    return findings


def _dose(item: _Resolved, fraction: ChildFraction | None, rules: RuleBook) -> list[Finding]:
    herb = item.herb
    if herb.dose_min_g is None or herb.dose_max_g is None:
        return []
    share = float(fraction.fraction) if fraction else 1.0
    low, high = float(herb.dose_min_g) * share, float(herb.dose_max_g) * share
    who = f"（{fraction.label}按成人量{fraction.fraction}计）" if fraction else ""
    source = rules.sources["child_dose_source" if fraction else "dose_source"]
    where = (item.position,)
    if item.dose_g > high + 1e-9:
        message = (
            f"{herb.name}日用量{_grams(item.dose_g)}超过常用量上限{_grams(high)}{who}；"
            "如确需超量，请注明理由并再次签名。"
        )
        return [Finding(DOSE_ABOVE_MAX, DOUBLE_SIGN, (herb.name,), message, source, where)]
    if item.dose_g < low - 1e-9:
        message = f"{herb.name}日用量{_grams(item.dose_g)}低于常用量下限{_grams(low)}{who}。"
        return [Finding(DOSE_BELOW_MIN, WARN, (herb.name,), message, source, where)]
    return []


def _grams(value: float) -> str:
    return f"{round(value, 3):g}g"


def needs_double_signature(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.severity == DOUBLE_SIGN]


def blocking(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.severity == BLOCK]
