"""The visit's consult record shows what the call page reports in Chinese: each event's label, how
long an outage lasted, when the message channel came back, and (for the doctor only, folded) why
a connection dropped and when a late report arrived. No English label or raw key shows."""

import re
from datetime import timedelta

import pytest

from consults.labels import LABELS
from consults.services import calls
from tcm_app.extensions import db
from tests.factories import login

# event name -> its Chinese label on the record
EVENT_LABELS = {
    "connected": "已接通",
    "quality_drop": "网络质量下降",
    "reconnecting": "连接中断",
    "reconnected": "已重新连接",
    "media_stalled": "网络中断（无画面和声音）",
    "media_resumed": "画面和声音恢复",
    "signaling_lost": "消息通道断开",
    "signaling_resumed": "消息通道恢复",
    "ice_restart": "重新建立音视频连接",
    "peer_rebuilt": "重建通话连接",
    "rejoined": "重新加入通话",
    "call_failed": "通话中断",
    "media_error": "摄像头或麦克风不可用",
    "joined": "加入",
    "left": "离开",
}
# Causes the page (consult.js, consult-socket.js) and the server put in an event's detail.
CAUSES = {
    "idle": "长时间无响应",
    "heartbeat": "心跳无应答",
    "closed": "连接关闭",
    "refused": "拒绝进入",
    "connect_timeout": "连接超时",
    "rejoin": "手动重新加入",
    "online": "网络恢复",
    "replaced": "在其他页面打开",
    "bye": "离开页面",
    "error": "服务器错误",
    "hangup": "挂断",
    "new_page": "对方打开了新页面",
    "new_connection": "对方建立了新连接",
    "failed": "连接失败",
    "ice_failed": "连接失败",
    "asked": "对方请求",
}


def timeline_of(client, encounter_id) -> str:
    page = client.get(f"/encounters/{encounter_id}").get_data(as_text=True)
    return re.search(r'<ol class="timeline">(.*?)</ol>', page, re.S).group(1)


def entries(timeline: str) -> list[str]:
    return re.findall(r"<li class=\"timeline-event\">(.*?)</li>", timeline, re.S)


def shown_to_doctor(client, consult, events) -> list[str]:
    for name, detail in events:
        calls.record_event(consult.id, consult.doctor_id, name, detail)
    db.session.commit()
    login(client, consult.doctor)
    return entries(timeline_of(client, consult.id))


@pytest.mark.parametrize(
    "name,chinese",
    EVENT_LABELS.items(),
    ids=[f"event {name} has its Chinese label" for name in EVENT_LABELS],
)
def test_each_event_reads_in_chinese(client, consult, name, chinese):
    (entry,) = shown_to_doctor(client, consult, [(name, {})])
    assert f"<strong>{chinese}</strong>" in entry
    assert f"<strong>{LABELS['consult_' + name]._args[0]}</strong>" not in entry  # the English


LENGTHS = [
    ("media_resumed", {"stalled_ms": 5000}, "中断 5.0 秒"),
    ("media_resumed", {"stalled_ms": 1500}, "中断 1.5 秒"),
    ("media_resumed", {"stalled_ms": 65_000}, "中断 65.0 秒"),
    ("signaling_resumed", {"after_ms": 2500, "cause": "idle"}, "2.5 秒后"),
    ("signaling_resumed", {"after_ms": 30_000}, "30.0 秒后"),
]


@pytest.mark.parametrize(
    "name,detail,shown",
    LENGTHS,
    ids=[f"{name} {detail} in seconds" for name, detail, _ in LENGTHS],
)
def test_how_long_an_outage_lasted_is_shown_in_seconds(client, consult, name, detail, shown):
    (entry,) = shown_to_doctor(client, consult, [(name, detail)])
    assert shown in entry
    assert "interrupted" not in entry and " s<" not in entry


def test_a_length_that_is_not_a_number_is_left_out(client, consult):
    (entry,) = shown_to_doctor(client, consult, [("media_resumed", {"stalled_ms": "5000"})])
    assert "中断" not in entry and "5000" not in entry


@pytest.mark.parametrize(
    "cause,chinese", CAUSES.items(), ids=[f"cause {c} has its Chinese label" for c in CAUSES]
)
def test_the_doctor_sees_why_in_chinese_folded_away(client, consult, cause, chinese):
    (entry,) = shown_to_doctor(client, consult, [("signaling_lost", {"cause": cause})])
    folded = re.search(r'<details class="technical">(.*?)</details>', entry, re.S).group(1)
    assert f"原因：{chinese}" in folded
    assert "consult_cause" not in entry and "Cause" not in entry


def test_a_late_report_says_when_it_arrived(client, consult):
    happened = calls.utcnow() - timedelta(seconds=40)
    calls.record_event(
        consult.id,
        consult.doctor_id,
        "media_stalled",
        {},
        occurred=happened,
        browser_at=happened,
    )
    (entry,) = shown_to_doctor(client, consult, [])
    assert "上报于" in entry and "reported at" not in entry


def test_the_patient_sees_the_outage_but_not_the_technical_details(client, consult):
    calls.record_event(consult.id, consult.doctor_id, "signaling_lost", {"cause": "heartbeat"})
    calls.record_event(consult.id, consult.doctor_id, "media_resumed", {"stalled_ms": 5000})
    db.session.commit()
    login(client, consult.patient.user)
    timeline = timeline_of(client, consult.id)
    assert "消息通道断开" in timeline and "中断 5.0 秒" in timeline
    assert "技术细节" not in timeline and "心跳无应答" not in timeline


def test_a_whole_outage_reads_in_order_and_without_english(client, consult):
    shown = shown_to_doctor(
        client,
        consult,
        [
            ("connected", {"candidate_type": "host"}),
            ("media_stalled", {}),
            ("signaling_lost", {"cause": "heartbeat"}),
            ("ice_restart", {"cause": "ice_failed"}),
            ("signaling_resumed", {"after_ms": 4200, "cause": "heartbeat"}),
            ("media_resumed", {"stalled_ms": 5000}),
        ],
    )
    html = re.sub(r"<code>.*?</code>", "", "".join(shown))  # the route (host) is a value
    text = re.sub(r"<[^>]+>", " ", html)
    labels = [EVENT_LABELS[n] for n in ("connected", "media_stalled", "signaling_lost")]
    assert [text.index(label) for label in labels] == sorted(text.index(x) for x in labels)
    assert "中断 5.0 秒" in text and "4.2 秒后" in text
    english = re.findall(r"[A-Za-z]{3,}", text)
    assert english == [], english
