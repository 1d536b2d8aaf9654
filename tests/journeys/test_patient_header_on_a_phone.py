"""On a phone (390×844) the masked resident ID fits its place: it never runs into the age or the
next fact (it once overflowed its grid cell on the visit page and on the patient's home)."""

from tcm_app.extensions import db
from tests.factories import PASSWORD, create_encounter
from tests.journeys.conftest import sign_in

# For each masked value: its text's box, and the boxes of the other items on its line.
OVERLAPS = """() => {
  const clashes = [];
  for (const el of document.querySelectorAll(".masked")) {
    const range = document.createRange();
    range.selectNodeContents(el);
    const text = range.getBoundingClientRect();
    const row = el.closest(".facts, .item-meta");
    const near = row ? [...row.querySelectorAll("dd, span")] : [];
    const others = near.filter((o) => !o.contains(el) && !el.contains(o));
    for (const other of others) {
      const r = other.getBoundingClientRect();
      const apart = text.right <= r.left || r.right <= text.left
        || text.bottom <= r.top || r.bottom <= text.top;
      const id = el.textContent.trim();
      if (!apart) clashes.push(`${id} runs into "${other.textContent.trim()}"`);
    }
    if (text.right > document.documentElement.clientWidth) {
      clashes.push(`${el.textContent.trim()} leaves the screen`);
    }
  }
  return clashes;
}"""


def test_the_masked_id_keeps_clear_of_the_age_on_a_phone(app, live_server, person, tmp_path):
    encounter = create_encounter()
    patient, encounter_id = encounter.patient.user.username, encounter.id
    db.session.commit()
    db.session.remove()

    page = person("patient", phone=True)
    sign_in(page, live_server, patient, PASSWORD)
    assert page.evaluate(OVERLAPS) == []  # the patient's home: people in my care
    page.get_by_role("link", name="在线复诊").first.click()
    page.wait_for_load_state()
    assert f"/encounters/{encounter_id}" in page.url
    page.screenshot(path=str(tmp_path / "visit-on-a-phone.png"), full_page=True)
    assert page.evaluate(OVERLAPS) == []
