"""What a bag label tells the patient to do, by product: decocted bags (代煎) say how many bags a
day and how to warm them; herb pieces (饮片) say how to decoct them at home, step by step, with the
plan's own times and methods (先煎, 后下, 包煎, 另煎, 烊化, 冲服).

Source: 《医疗机构中药煎药室管理规范》(国中医药发〔2009〕3号) for the decoction steps and times;
the warming advice follows common hospital instructions for sealed decoction bags (warm in hot
water, never in a microwave or over a flame). Pure: plain values in, Chinese text out."""

SPECIAL = {
    "decoct_first": "先煎",
    "add_near_end": "后下",
    "decoct_separately": "另煎",
    "melt": "烊化",
    "take_mixed": "冲服",
}


def decocted_usage(bags_per_packet: int, packets_per_day: int = 1) -> str:
    """Sealed bags: how many a day, and how to warm one."""
    per_day = bags_per_packet * packets_per_day
    return (
        f"每日 {per_day} 袋，分 {per_day} 次饭后温服。"
        "服前将药袋连袋放入 60–70 ℃ 热水中浸泡 5–10 分钟（或隔水加热）后剪开服用；"
        "勿用微波炉或明火直接加热。"
    )


def _step(plan: dict, code: str) -> dict | None:
    return next((s for s in plan.get("steps", []) if s["code"] == code), None)


def _special_lines(plan: dict) -> list[str]:
    lines = []
    first = _step(plan, "decoct_first")
    if first:
        lines.append(f"{'、'.join(first['herbs'])}先煎 {first['minutes']} 分钟，再下其余药。")
    near_end = _step(plan, "add_near_end")
    if near_end:
        lines.append(
            f"{'、'.join(near_end['herbs'])}后下：一煎结束前 {near_end['minutes']} 分钟放入。"
        )
    wrapped = [h["name"] for h in plan.get("herbs", []) if h.get("method") == "wrap"]
    if wrapped:
        lines.append(f"{'、'.join(wrapped)}包煎：装入纱布袋同煎。")
    for code in ("decoct_separately", "melt", "take_mixed"):
        step = _step(plan, code)
        if step:
            lines.append(f"{'、'.join(step['herbs'])}{SPECIAL[code]}：{step['note']}。")
    return lines


def home_decoction(plan: dict) -> list[str]:
    """Herb pieces: how to decoct one packet at home, from the order's decoction plan."""
    packets = max(int(plan.get("packets") or 1), 1)
    soak = _step(plan, "soak") or {"minutes": 30}
    first_ml = int(plan.get("first_water_ml", 0)) // packets
    second_ml = int(plan.get("second_water_ml", 0)) // packets
    return [
        f"煎法（每剂）：冷水约 {first_ml} ml 浸泡 {soak['minutes']} 分钟，水没过药面 2–3 cm。",
        *_special_lines(plan),
        f"武火煮沸后文火煎 {plan.get('first_decoction_minutes', 25)} 分钟，滤出药液；"
        f"再加水约 {second_ml} ml 煎 {plan.get('second_decoction_minutes', 20)} 分钟。",
        "两煎药液合并，每日 1 剂，分早晚 2 次温服。",
    ]
