"""The elderly mode and family proxies on a phone (issue 22), as the people do it in Chromium:
李奶奶 switches 长辈模式 on, sees the large buttons (body text measured at 20 px or more, every
target 56 px or more, text at 7:1 or more against its background), taps 我的药 and finds her
prescription, switches the mode off; she lets her son act for her; he signs in and opens her
prescription; she revokes it and his next look finds nothing."""

from datetime import timedelta

from tcm_app.extensions import db
from tcm_app.services.clock import clinic_today
from tests.factories import PASSWORD, create_patient, signed_prescription
from tests.journeys.conftest import sign_in

# Every visible element that holds text of its own: its font size, its colour and the colour of
# the first opaque background behind it, and each target's size. Colours as rgb(a) strings.
MEASURE = """() => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const behind = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const shown = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0
    && getComputedStyle(el).visibility !== "hidden"; };
  const texts = [], low = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (!shown(el) || el.closest(".skip-link")) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const style = getComputedStyle(el);
    texts.push(parseFloat(style.fontSize));
    const ratio = ((a, b) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05))(
      lum(rgb(style.color)), lum(behind(el)));
    const what = `${el.tagName}.${el.className} "${el.textContent.trim().slice(0, 20)}"`;
    if (ratio < 7) low.push(`${what} ${ratio.toFixed(2)}`);
  }
  const small = [];
  const TARGETS = "a, button, select, summary, input:not([type=hidden])";
  for (const el of document.querySelectorAll(TARGETS)) {
    if (!shown(el) || el.closest(".skip-link")) continue;
    // A box to tick is reached through its label too: the label is its target.
    const box = ["checkbox", "radio"].includes(el.type) && el.labels.length ? el.labels[0] : el;
    const r = box.getBoundingClientRect();
    const what = `${el.tagName} "${el.textContent.trim().slice(0, 20)}"`;
    if (r.height < 56 || r.width < 56) {
      small.push(`${what} ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  const root = document.documentElement;
  return {body: parseFloat(getComputedStyle(document.body).fontSize),
          smallest: Math.min(...texts), low, small,
          sideways: root.scrollWidth > root.clientWidth};
}"""


def test_elder_mode_and_a_family_proxy_on_a_phone(app, live_server, person, watcher):
    elder = create_patient(birth=clinic_today() - timedelta(days=78 * 366), name="李奶奶")
    son = create_patient(birth=clinic_today() - timedelta(days=50 * 366), sex="male", name="李建国")
    son.user.username = "jianguo"
    prescription = signed_prescription(patient=elder)
    elder_login, rx_id = elder.user.username, prescription.id
    db.session.commit()
    db.session.remove()

    grandma = person("elder", phone=True)
    sign_in(grandma, live_server, elder_login, PASSWORD)
    grandma.get_by_role("button", name="长辈模式：关").first.click()
    grandma.wait_for_load_state()
    tasks = grandma.locator(".elder-task-label").all_inner_texts()
    assert tasks == ["我今天的就诊", "我的药", "我的下次治疗", "打电话给医院"]
    assert grandma.get_by_role("link", name="打电话给医院").get_attribute("href").startswith("tel:")
    measured = grandma.evaluate(MEASURE)
    assert measured["body"] >= 20 and measured["smallest"] >= 20, measured
    assert measured["low"] == [], measured["low"]
    assert measured["small"] == [], measured["small"]
    print(f"elder home: body {measured['body']} px, smallest text {measured['smallest']} px")

    grandma.get_by_role("link", name="我的药").first.click()
    grandma.wait_for_load_state()
    assert grandma.url.endswith("/herbs/mine")
    assert grandma.get_by_role("link", name="李奶奶").count() == 1
    body = grandma.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert body >= 20

    grandma.get_by_role("button", name="长辈模式：开").first.click()
    grandma.wait_for_load_state()
    assert grandma.locator(".elder-tasks").count() == 0
    assert grandma.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)") < 20

    grandma.get_by_role("link", name="家人代办").click()
    grandma.wait_for_load_state()
    grandma.get_by_label("家人的用户名").fill("jianguo")
    grandma.get_by_label("家人的真实姓名").fill("李建国")
    grandma.get_by_label("他/她是我的").select_option("family_child")
    grandma.get_by_label("我同意这位家人").check()
    grandma.get_by_role("button", name="同意并添加").click()
    grandma.wait_for_load_state()
    assert "这位家人现在可以替您办事" in grandma.content()

    helper = person("son", phone=True)
    sign_in(helper, live_server, "jianguo", PASSWORD)
    assert "李奶奶" in helper.locator("#family-title + ul").inner_text()
    helper.get_by_role("link", name="我的处方").click()
    helper.wait_for_load_state()
    helper.get_by_role("link", name="李奶奶").click()
    helper.wait_for_load_state()
    assert helper.url.endswith(f"/herbs/prescriptions/{rx_id}")
    assert "黄芪" in helper.content()

    grandma.get_by_role("button", name="不再让李建国替我办事").click()
    grandma.wait_for_load_state()
    assert "现在没有人替您办事" in grandma.content()

    # His next look: her prescription is gone from his list and from his home page (opening its
    # address answers 404: tests/core/test_family_proxies.py).
    helper.get_by_role("link", name="我的处方").click()
    helper.wait_for_load_state()
    assert helper.get_by_role("link", name="李奶奶").count() == 0
    helper.goto(f"{live_server}/me")
    assert "李奶奶" not in helper.content()


def test_every_page_of_an_elder_keeps_large_text_and_contrast(app, live_server, person):
    """Every page the elder reaches by links in 长辈模式 (one of each shape), on a phone: no text
    under 20 px or under 7:1, no target under 56 px, no sideways scroll."""
    from tests.a11y.walk import links_on
    from tests.a11y.walk import path_shape as shape
    from tests.journeys.test_every_page_speaks_chinese import build_world

    users = build_world()
    page = person("elder", phone=True)
    sign_in(page, live_server, users["elder"], PASSWORD)
    queue, seen, shapes, problems = [page.url], set(), set(), []
    while queue and len(seen) < 30:
        url = queue.pop(0)
        if url in seen or shape(url) in shapes:
            continue
        seen.add(url)
        shapes.add(shape(url))
        response = page.goto(url)
        if (
            response is None
            or response.status >= 400
            or "text/html" not in (response.headers.get("content-type", ""))
        ):
            continue
        measured = page.evaluate(MEASURE)
        if measured["smallest"] < 20:
            problems.append(f"{url}: text of {measured['smallest']} px")
        problems += [f"{url}: contrast {low}" for low in measured["low"]]
        problems += [f"{url}: target {target}" for target in measured["small"]]
        if measured["sideways"]:
            problems.append(f"{url}: scrolls sideways")
        queue += links_on(page, live_server)
    print(f"elder mode: {len(seen)} pages measured")
    assert problems == [], "\n".join(problems)
