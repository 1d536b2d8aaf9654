"""Formula safety checks (处方安全审查): 十八反, 十九畏, pregnancy, the 28 toxic herbs, dose
ranges, duplicates and unknown names. Data-driven: the herbs and pair rules come from the reviewed
files in herbs/data/. Pure: standard library and this package's pure modules only.

Severities:
- `block`: the prescription cannot be signed until the line is changed (unknown herb, the same
  herb twice, a toxic herb above its two-day maximum).
- `double_sign`: allowed only with a reason and a second signature by the doctor
  (《中药处方格式及书写规范》 第(七)款: 配伍禁忌和超剂量使用时，应当在药品上方再次签名).
- `warn`: shown to the doctor and the pharmacist; no extra act needed.
- `info`: for the prescribing doctor only (a dose below the usual range, which processed form is
  dispensed for an unmarked toxic name); not a pharmacist warning and never a 双签 reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from herbs.catalogue import CatalogueIndex, Herb, is_written_raw, normalise_name

BLOCK = "block"
DOUBLE_SIGN = "double_sign"
WARN = "warn"
INFO = "info"

INCOMPATIBLE_18 = "incompatible_18"
INCOMPATIBLE_19 = "incompatible_19"
PREGNANCY_FORBIDDEN = "pregnancy_forbidden"
PREGNANCY_CAUTION = "pregnancy_caution"
TOXIC = "toxic"
DOSE_ABOVE_MAX = "dose_above_max"
DOSE_BELOW_MIN = "dose_below_min"
DUPLICATE_HERB = "duplicate_herb"
UNKNOWN_HERB = "unknown_herb"
TOXIC_DISPENSED_PROCESSED = "toxic_dispensed_processed"
WITHDRAWN_HERB = "withdrawn_herb"
ARISTOLOCHIC_ACID = "aristolochic_acid"
NOT_SUPPLIED = "not_supplied"

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
    # Kidney disease or impaired function as the doctor recorded it; None: not recorded.
    kidney_disease: bool | None = None


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
class Withdrawn:
    """A name doctors still write whose drug is no longer supplied (banned, standard revoked)."""

    name: str
    reason: str
    instead: str | None
    source: str


@dataclass(frozen=True)
class AristolochicRule:
    """Herbs containing aristolochic acid (马兜铃酸, nephrotoxic): reason, 双签, short course."""

    names: frozenset[str]  # as written, for herbs the catalogue does not carry
    roots: frozenset[str]  # root herb codes of those the catalogue carries
    children_below_age: int
    max_packets: int  # the short course, as hospital policy sets it
    source: str


@dataclass(frozen=True)
class RuleBook:
    """Everything the checker knows besides the herbs: pair rules, child dosing, sources."""

    pairs_by_root: dict[str, tuple[tuple[PairRule, frozenset[str]], ...]]
    child_fractions: tuple[ChildFraction, ...]
    sources: dict[str, str]
    withdrawn: dict[str, Withdrawn] = field(default_factory=dict)
    aristolochic: AristolochicRule | None = None


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
    book = RuleBook(
        {k: tuple(v) for k, v in pairs.items()},
        fractions,
        sources,
        _withdrawn(document),
        _aristolochic(document.get("aristolochic_acid"), index),
    )
    return book, unresolved


def _withdrawn(document: dict) -> dict[str, Withdrawn]:
    found = {}
    for row in document.get("withdrawn") or []:
        entry = Withdrawn(row["name"], row["reason"], row.get("instead"), row["source"])
        for written in (row["name"], *(row.get("aliases") or ())):
            found[normalise_name(written)] = entry
    return found


def _aristolochic(section: dict | None, index: CatalogueIndex) -> AristolochicRule | None:
    if not section:
        return None
    names = frozenset(normalise_name(name) for name in section["herbs"])
    roots = frozenset(
        index.root(herb).code for name in section["herbs"] if (herb := index.resolve(name))
    )
    return AristolochicRule(
        names,
        roots,
        int(section["children_below_age"]),
        int(section["max_packets"]),
        section["source"],
    )


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
    herb: Herb  # what is dispensed
    root: str
    dose_g: float
    raw: Herb | None = None  # the raw toxic herb an unmarked name named (第九条: processed given)

    @property
    def label(self) -> str:
        """The name as written, with the dispensed herb when they differ: 半夏（法半夏）."""
        name = self.herb.name
        return name if self.written == name else f"{self.written}（{name}）"


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
        findings += _named_rules(position, line.name, herb, patient, packets, rules)
        if herb is None:
            if normalise_name(line.name) not in rules.withdrawn:
                findings.append(_unknown(position, line.name))
            continue
        root = index.root(herb).code
        raw = index.substituted_raw(line.name)
        resolved.append(_Resolved(position, line.name, herb, root, float(line.dose_g), raw))
    findings += _duplicates(resolved)
    findings += _pairs(resolved, rules)
    fraction = _child_fraction(patient.age, rules)
    for item in resolved:
        findings += _line_findings(item, packets, patient, fraction, index, rules)
    return sorted(findings, key=_finding_order)


_SEVERITY_ORDER = {BLOCK: 0, DOUBLE_SIGN: 1, WARN: 2, INFO: 3}


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


def _named_rules(position, written, herb, patient, packets, rules) -> list[Finding]:
    """Rules that follow the written name, whether or not the catalogue carries the herb."""
    key = normalise_name(written)
    withdrawn = rules.withdrawn.get(key)
    if withdrawn is not None and herb is None:
        instead = f"，请改用{withdrawn.instead}" if withdrawn.instead else ""
        message = f"「{written}」{withdrawn.reason}，本院不供应、不得开具{instead}。"
        return [Finding(WITHDRAWN_HERB, BLOCK, (written,), message, withdrawn.source, (position,))]
    aa = rules.aristolochic
    if aa is None:
        return []
    if herb is None and key in aa.names:
        return _aristolochic_findings(position, written, patient, packets, aa)
    return []


def _aristolochic_findings(position, name, patient, packets, aa) -> list[Finding]:
    """Forbidden for children, in pregnancy and in kidney disease, and beyond the short course;
    otherwise a reason and a second signature, naming the nephrotoxicity."""
    refusal = _aristolochic_refusal(name, patient, packets, aa)
    if refusal:
        return [Finding(ARISTOLOCHIC_ACID, BLOCK, (name,), refusal, aa.source, (position,))]
    kidney = (
        "患者肾功能已记录为正常"
        if patient.kidney_disease is False
        else "患者资料未记录肾功能，请先在就诊页记录肾功能"
    )
    message = (
        f"{name}含马兜铃酸，有肾毒性（可致马兜铃酸肾病）：仅可短期使用"
        f"（每张处方不超过{aa.max_packets}剂，本处方{packets}剂），"
        f"儿童、孕妇及肾病患者禁用；{kidney}。如确需使用，请注明理由并再次签名。"
    )
    return [Finding(ARISTOLOCHIC_ACID, DOUBLE_SIGN, (name,), message, aa.source, (position,))]


def _aristolochic_refusal(name, patient, packets, aa) -> str | None:
    what = f"{name}含马兜铃酸（肾毒性）"
    if patient.age is not None and patient.age < aa.children_below_age:
        return f"{what}，儿童禁用（患者{patient.age}岁）。"
    if patient.pregnant:
        return f"{what}，孕妇禁用。"
    if patient.kidney_disease:
        return f"{what}，肾脏疾病或肾功能不全者禁用（患者肾功能已记录为异常）。"
    if packets > aa.max_packets:
        return (
            f"{what}，仅可短期使用：每张处方不超过{aa.max_packets}剂（本处方{packets}剂），"
            "请减少剂数。"
        )
    return None


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
        f"{first.label}与{second.label}属{label}（{rule.group}），原则上不宜同用；"
        "如确需同用，请注明理由并再次签名。"
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
    if herb.stock_g <= 0 and herb.price_per_g <= 0:
        findings.append(_not_supplied(item))
    if item.raw is not None:
        findings.append(_dispensed_processed(item, item.raw, rules))
    if herb.toxic_28:
        findings += _toxic(item, packets, index, rules)
    aa = rules.aristolochic
    if aa is not None and item.root in aa.roots:
        findings += _aristolochic_findings(item.position, herb.name, patient, packets, aa)
    findings += _dose(item, fraction, rules)
    return findings


def _not_supplied(item: _Resolved) -> Finding:
    name = item.herb.name
    message = f"{name}本院不供应（无库存、未定价），不能开具和调配，请改用其他药物。"
    return Finding(NOT_SUPPLIED, BLOCK, (name,), message, CATALOGUE_SOURCE, (item.position,))


def _dispensed_processed(item: _Resolved, raw: Herb, rules: RuleBook) -> Finding:
    herb = item.herb
    usual = (
        f"，按{herb.name}常用量{_grams(float(herb.dose_min_g))}～{_grams(float(herb.dose_max_g))}审核"
        if herb.dose_min_g is not None and herb.dose_max_g is not None
        else ""
    )
    message = (
        f"处方写「{item.written}」未注明生用：{raw.name}生品属医疗用毒性药品，"
        f"调配时付炮制品{herb.name}{usual}；如需生品，请写「生{raw.name}」。"
    )
    source = rules.sources["toxic_source"]
    return Finding(TOXIC_DISPENSED_PROCESSED, INFO, (herb.name,), message, source, (item.position,))


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
    if is_written_raw(item.written):
        message = f"{herb.name}（生品）属医疗用毒性药品，已注明生用，需再次签名并经药师双人核对。"
    else:
        # Listed as written (斑蝥, 雄黄) or without a processed form in the catalogue (天仙子):
        # the herb itself is dispensed.
        message = f"{herb.name}属医疗用毒性药品，按原品调配，需再次签名并经药师双人核对。"
    findings.append(Finding(TOXIC, DOUBLE_SIGN, (herb.name,), message, source, where))
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
        message = (
            f"{herb.name}日用量{_grams(item.dose_g)}低于常用量下限{_grams(low)}{who}，供参考。"
        )
        return [Finding(DOSE_BELOW_MIN, INFO, (herb.name,), message, source, where)]
    return []


def _grams(value: float) -> str:
    return f"{round(value, 3):g}g"


def needs_double_signature(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.severity == DOUBLE_SIGN]


def for_pharmacist(findings: list) -> list:
    """What the pharmacist's review shows: everything but the doctor's information."""
    return [f for f in findings if _severity_of(f) != INFO]


def _severity_of(finding) -> str:
    return finding["severity"] if isinstance(finding, dict) else finding.severity


def blocking(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.severity == BLOCK]
