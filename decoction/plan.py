"""Decoction plan (煎药方案) for one prescription: soaking, the two decoctions, each herb's special
handling (先煎, 后下, 包煎, 另煎, 烊化, 冲服), water, and the bags to fill.

Times and volumes follow 《医疗机构中药煎药室管理规范》(国中医药发〔2009〕3号) as quoted
by a hospital SOP (tcm-domain.md §2.1): soak ≥ 30 min; after boiling, ordinary 20–30 min,
解表/芳香 15–20 min, 滋补 40–60 min; the second decoction a little shorter; 后下 5–10 min before
the end; 另煎 about 2 h; adult 400–600 ml a packet (剂), child 100–300 ml, usually in two bags.
Every figure is a `PlanSettings` field so a hospital can set its own SOP.

Command line: `flask decoction plan` (decoction/cli.py) reads a JSON request on stdin and prints
the plan.
"""

from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from tcm_app.common.errors import RuleError


class Method(StrEnum):
    DECOCT_FIRST = "decoct_first"  # 先煎
    ADD_NEAR_END = "add_near_end"  # 后下
    WRAP = "wrap"  # 包煎
    DECOCT_SEPARATELY = "decoct_separately"  # 另煎 (另炖), juice mixed in
    MELT = "melt"  # 烊化 / 溶化
    TAKE_MIXED = "take_mixed"  # 冲服
    NORMAL = "normal"


# Prescription notation (herbs.catalogue.METHODS) → plan method.
METHOD_OF_NOTATION = {
    "先煎": Method.DECOCT_FIRST,
    "后下": Method.ADD_NEAR_END,
    "包煎": Method.WRAP,
    "另煎": Method.DECOCT_SEPARATELY,
    "另炖": Method.DECOCT_SEPARATELY,
    "烊化": Method.MELT,
    "溶化": Method.MELT,
    "冲服": Method.TAKE_MIXED,
}


class FormulaType(StrEnum):
    ORDINARY = "ordinary"  # 一般药
    AROMATIC = "aromatic"  # 解表、清热、芳香类: short
    TONIC = "tonic"  # 滋补类: long, 文火


@dataclass(frozen=True)
class PlanSettings:
    """The hospital's SOP figures (minutes after boiling, millilitres)."""

    soak_minutes: int = 30
    first_minutes: dict = field(
        default_factory=lambda: {"ordinary": (20, 30), "aromatic": (15, 20), "tonic": (40, 60)}
    )
    second_shorter_by: int = 5  # the 2nd decoction is a little shorter than the 1st
    decoct_first_minutes: int = 30  # SOP; the regulation text says 10–15
    long_decoct_first_minutes: int = 60  # 先煎久煎 for the aconite roots
    long_decoct_first: frozenset = frozenset({"附子", "制附子", "川乌", "制川乌", "草乌", "制草乌"})
    add_near_end_minutes: int = 5  # SOP 5–10
    decoct_separately_minutes: int = 120
    bags_per_packet: int = 2
    # (age below which it applies, ml a packet); adults 400 (the SOP allows up to 600)
    volume_by_age: tuple = ((3, 100), (7, 150), (14, 200), (200, 400))
    first_water_ml_per_g: Decimal = Decimal(8)  # rule of thumb: covers the herbs by 2–5 cm
    second_water_ml_per_g: Decimal = Decimal(5)


DEFAULT_SETTINGS = PlanSettings()


class PlanError(RuleError):
    """A refused plan request (the JSON of `flask decoction plan`), with a stable code."""


@dataclass(frozen=True)
class HerbInput:
    name: str
    dose_g: Decimal  # per packet
    method: Method = Method.NORMAL


@dataclass(frozen=True)
class Step:
    code: str
    title: str  # Chinese, as printed on the work sheet
    minutes: int
    herbs: tuple[str, ...] = ()
    note: str = ""
    min_minutes: int = 0  # a stage may not finish before this


@dataclass(frozen=True)
class DecoctionPlan:
    packets: int
    formula_type: FormulaType
    herbs: tuple[dict, ...]
    steps: tuple[Step, ...]
    first_decoction_minutes: int
    second_decoction_minutes: int
    first_water_ml: int
    second_water_ml: int
    ml_per_packet: int
    bags_per_packet: int
    ml_per_bag: int
    total_bags: int

    def to_dict(self) -> dict:
        data = asdict(self)
        data["formula_type"] = str(self.formula_type)
        data["steps"] = [asdict(step) for step in self.steps]
        data["total_minutes"] = machine_minutes(self)
        return data


def machine_minutes(plan: DecoctionPlan) -> int:
    """Soak, then the decoctions in sequence (另煎 runs beside them in its own vessel)."""
    sequential = {"soak", "decoct_first", "first_decoction", "second_decoction"}
    main = sum(s.minutes for s in plan.steps if s.code in sequential)
    separate = sum(s.minutes for s in plan.steps if s.code == "decoct_separately")
    return max(main, plan.steps[0].minutes + separate)


MAX_PACKETS = 60
MAX_DOSE_G = Decimal(500)


def parse_request(data) -> tuple[list[HerbInput], int, FormulaType, int | None]:
    """Validate the plan request: {"herbs": [{"name", "dose_g", "method"?}], "packets",
    "formula_type", "patient": {"age"}}. Raises PlanError with a stable code."""
    if not isinstance(data, dict):
        raise PlanError("invalid_request", "the request must be a JSON object")
    herbs = [_parse_herb(i, row) for i, row in enumerate(_list(data.get("herbs")))]
    names = [h.name for h in herbs]
    if len(set(names)) != len(names):
        raise PlanError("duplicate_herb", "a herb is listed twice")
    packets = data.get("packets")
    if not isinstance(packets, int) or isinstance(packets, bool) or not 1 <= packets <= MAX_PACKETS:
        raise PlanError(
            "invalid_packets", f"packets must be a whole number from 1 to {MAX_PACKETS}"
        )
    try:
        formula_type = FormulaType(data.get("formula_type", "ordinary"))
    except ValueError as exc:
        allowed = ", ".join(FormulaType)
        raise PlanError("invalid_formula_type", f"formula_type must be one of {allowed}") from exc
    return herbs, packets, formula_type, _age(data.get("patient") or {})


def _list(value) -> list:
    if not isinstance(value, list) or not value:
        raise PlanError("no_herbs", "the request needs a non-empty list of herbs")
    return value


def _parse_herb(index: int, row) -> HerbInput:
    where = f"herbs[{index}]"
    if not isinstance(row, dict) or not isinstance(row.get("name"), str) or not row["name"].strip():
        raise PlanError("invalid_herb", f"{where} needs a name")
    try:
        dose = Decimal(str(row.get("dose_g")))
    except (InvalidOperation, ValueError) as exc:
        raise PlanError("invalid_dose", f"{where}: dose_g must be a number of grams") from exc
    if not dose.is_finite() or not Decimal(0) < dose <= MAX_DOSE_G:
        raise PlanError("invalid_dose", f"{where}: dose_g must be above 0 and at most {MAX_DOSE_G}")
    try:
        method = Method(row.get("method") or Method.NORMAL)
    except ValueError as exc:
        allowed = ", ".join(Method)
        raise PlanError("invalid_method", f"{where}: method must be one of {allowed}") from exc
    return HerbInput(row["name"].strip(), dose, method)


def _age(patient) -> int | None:
    age = patient.get("age") if isinstance(patient, dict) else None
    if age is None:
        return None
    if not isinstance(age, int) or isinstance(age, bool) or not 0 <= age <= 130:
        raise PlanError("invalid_age", "patient.age must be whole years from 0 to 130")
    return age


def ml_per_packet(age: int | None, settings: PlanSettings = DEFAULT_SETTINGS) -> int:
    """Output volume of one packet: the adult volume when the age is not given."""
    if age is None:
        return settings.volume_by_age[-1][1]
    return next(ml for below, ml in settings.volume_by_age if age < below)


def build_plan(
    herbs: list[HerbInput],
    packets: int,
    formula_type: FormulaType,
    age: int | None = None,
    settings: PlanSettings = DEFAULT_SETTINGS,
) -> DecoctionPlan:
    """The ordered steps with minutes, the water and the bags for `packets` packets."""
    low, high = settings.first_minutes[formula_type]
    first = high if formula_type == FormulaType.TONIC else (low + high) // 2
    second = max(low - settings.second_shorter_by, first - settings.second_shorter_by)
    by_method = {m: [h for h in herbs if h.method == m] for m in Method}
    in_pot = [
        h
        for h in herbs
        if h.method not in {Method.MELT, Method.TAKE_MIXED, Method.DECOCT_SEPARATELY}
    ]
    pot_grams = sum((h.dose_g for h in in_pot), Decimal(0)) * packets
    volume = ml_per_packet(age, settings)
    soaked = [h for h in herbs if h.method not in {Method.MELT, Method.TAKE_MIXED}]
    steps = _steps(by_method, _names(soaked), first, second, low, settings)
    return DecoctionPlan(
        packets=packets,
        formula_type=formula_type,
        herbs=tuple(_herb_row(h, packets) for h in herbs),
        steps=tuple(steps),
        first_decoction_minutes=first,
        second_decoction_minutes=second,
        first_water_ml=_round_50(pot_grams * settings.first_water_ml_per_g),
        second_water_ml=_round_50(pot_grams * settings.second_water_ml_per_g),
        ml_per_packet=volume,
        bags_per_packet=settings.bags_per_packet,
        ml_per_bag=volume // settings.bags_per_packet,
        total_bags=packets * settings.bags_per_packet,
    )


def _herb_row(herb: HerbInput, packets: int) -> dict:
    return {
        "name": herb.name,
        "dose_g": float(herb.dose_g),
        "total_g": float(herb.dose_g * packets),
        "method": str(herb.method),
    }


def _round_50(ml: Decimal) -> int:
    return int((ml / 50).to_integral_value()) * 50


def _names(herbs: list[HerbInput]) -> tuple[str, ...]:
    return tuple(h.name for h in herbs)


def _steps(
    by_method, soaked: tuple[str, ...], first: int, second: int, low: int, settings: PlanSettings
) -> list[Step]:
    steps = [
        Step(
            "soak",
            "浸泡",
            settings.soak_minutes,
            soaked,
            "冷水浸泡，水没过药面 2–5 cm",
            min_minutes=settings.soak_minutes,
        )
    ]
    if by_method[Method.DECOCT_SEPARATELY]:
        minutes = settings.decoct_separately_minutes
        steps.append(
            Step(
                "decoct_separately",
                "另煎",
                minutes,
                _names(by_method[Method.DECOCT_SEPARATELY]),
                "单独煎煮，取汁兑入合并药液",
                min_minutes=minutes,
            )
        )
    if by_method[Method.DECOCT_FIRST]:
        names = _names(by_method[Method.DECOCT_FIRST])
        long = any(name in settings.long_decoct_first for name in names)
        minutes = settings.long_decoct_first_minutes if long else settings.decoct_first_minutes
        note = "先煎久煎（乌头类）" if long else "先煎，沸后计时，再下其余药"
        steps.append(Step("decoct_first", "先煎", minutes, names, note, min_minutes=minutes))
    main = [*by_method[Method.NORMAL], *by_method[Method.WRAP]]
    wrapped = _names(by_method[Method.WRAP])
    note = "沸后计时" + (f"；{'、'.join(wrapped)} 装入滤袋包煎" if wrapped else "")
    steps.append(Step("first_decoction", "一煎", first, _names(main), note, min_minutes=low))
    if by_method[Method.ADD_NEAR_END]:
        steps.append(
            Step(
                "add_near_end",
                "后下",
                settings.add_near_end_minutes,
                _names(by_method[Method.ADD_NEAR_END]),
                f"一煎结束前 {settings.add_near_end_minutes} 分钟加入",
            )
        )
    steps.append(
        Step(
            "second_decoction",
            "二煎",
            second,
            (),
            "加水再煎，沸后计时",
            min_minutes=max(1, low - settings.second_shorter_by),
        )
    )
    steps.append(
        Step(
            "combine",
            "合并",
            0,
            (),
            "滤取两煎药液合并" + ("，兑入另煎药汁" if by_method[Method.DECOCT_SEPARATELY] else ""),
        )
    )
    if by_method[Method.MELT]:
        steps.append(
            Step("melt", "烊化", 0, _names(by_method[Method.MELT]), "趁热加入合并药液中搅拌溶化")
        )
    if by_method[Method.TAKE_MIXED]:
        steps.append(
            Step(
                "take_mixed",
                "冲服",
                0,
                _names(by_method[Method.TAKE_MIXED]),
                "不入煎，按剂分装，随药液冲服",
            )
        )
    steps.append(Step("package", "包装", 0, (), f"每剂分装 {settings.bags_per_packet} 袋"))
    return steps


def plan_request(data, method_of=None, settings: PlanSettings = DEFAULT_SETTINGS) -> dict:
    """The plan for a JSON request. `method_of(name)` gives a herb's default method (from the
    catalogue) when the request names none."""
    herbs, packets, formula_type, age = parse_request(data)
    if method_of is not None:
        herbs = [
            h
            if h.method != Method.NORMAL or _named(data, h)
            else replace(h, method=method_of(h.name) or Method.NORMAL)
            for h in herbs
        ]
    return build_plan(herbs, packets, formula_type, age, settings).to_dict()


def _named(data: dict, herb: HerbInput) -> bool:
    """True when the request itself gave this herb a method (even "normal")."""
    return any(
        row.get("name", "").strip() == herb.name and row.get("method") for row in data["herbs"]
    )


if __name__ == "__main__":  # the README's `python -m decoction.plan`, kept working
    import runpy  # the catalogue lookup and stdin/stdout live in decoction/cli.py

    runpy.run_module("decoction.cli", run_name="__main__", alter_sys=True)
