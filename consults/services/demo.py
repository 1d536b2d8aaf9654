"""Demo consult hours: the demo doctor sees patients online every day, so a newcomer can book a
video consult (and open its waiting room) on the day they try it, whatever the weekday."""

from datetime import time

from consults.services import booking

# Mornings, afternoons and evenings in 15-minute slots, every day of the week.
HOURS = ((time(8, 0), time(12, 0)), (time(13, 30), time(17, 30)), (time(18, 30), time(22, 0)))


def seed_consult_hours(doctor) -> None:
    """Publish the demo doctor's weekly online sessions. Flushes."""
    for weekday in range(7):
        for start, end in HOURS:
            booking.add_session(doctor, weekday, start, end, 15)


def seed_demo(world) -> None:
    """The consults part of `flask seed-demo` (world: tcm_app.services.demo.DemoWorld)."""
    seed_consult_hours(world.doctor)
