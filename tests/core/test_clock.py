"""The clinic clock: the clinic's day and hour in its own zone, whatever the server's zone is (a
server on UTC would otherwise start the clinic's day at 08:00)."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from tcm_app.services import clock


@pytest.mark.parametrize(
    ("utc", "clinic_day", "clinic_hour"),
    [
        pytest.param(datetime(2026, 3, 9, 16, 30, tzinfo=UTC), date(2026, 3, 10), 0, id="00h30"),
        pytest.param(datetime(2026, 3, 10, 0, 30, tzinfo=UTC), date(2026, 3, 10), 8, id="08h30"),
        pytest.param(datetime(2026, 3, 10, 15, 30, tzinfo=UTC), date(2026, 3, 10), 23, id="23h30"),
        pytest.param(datetime(2026, 12, 31, 16, 0, tzinfo=UTC), date(2027, 1, 1), 0, id="new-year"),
    ],
)
def test_the_clinics_day_and_hour_on_a_utc_server(app, utc, clinic_day, clinic_hour):
    with time_machine.travel(utc, tick=False):
        assert clock.clinic_today() == clinic_day
        assert clock.clinic_now().hour == clinic_hour
        assert clock.clinic_now().tzinfo == clock.clinic_zone()
        assert clock.utc_now() == utc
        assert clock.to_clinic(utc).date() == clinic_day


def test_the_zone_is_the_clinics_setting(app):
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Asia/Urumqi"
    with time_machine.travel(datetime(2026, 3, 9, 16, 30, tzinfo=UTC), tick=False):
        assert clock.clinic_today() == date(2026, 3, 9)  # 22:30 in Urumqi (UTC+6)
