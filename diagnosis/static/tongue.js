// Tongue photos (舌象): guided capture with live hints, upload and status polling, the doctor's
// still from the video consult, and the outline editor on the review page.
"use strict";

(function () {
  const GUIDE = {cx: 0.5, cy: 0.58, rx: 0.24, ry: 0.30};  // the SVG ellipse, in 0..1 of the frame

  function post(url, csrf, blob, source) {
    const body = new FormData();
    body.append("photo", blob, "tongue.jpg");
    body.append("source", source);
    return fetch(url, {method: "POST", body, credentials: "same-origin",
                       headers: {"X-CSRFToken": csrf, "Accept": "application/json"}})
      .then((r) => r.json().then((data) => ({ok: r.ok, data})));
  }

  function poll(statusUrl, show) {
    // The verdict usually arrives with the upload answer; a worker may take a few seconds.
    let tries = 0;
    const tick = () => fetch(statusUrl, {headers: {"Accept": "application/json"}})
      .then((r) => r.json()).then((s) => {
        show(s);
        if (s.status === "received" && ++tries < 30) setTimeout(tick, 1000);
      });
    tick();
  }

  function describe(s) {
    const hints = (s.hints || []).join(" ");
    return hints ? `${s.status_label}: ${hints}` : s.status_label;
  }

  // Frame statistics inside the guide, on a small copy: brightness, sharpness, redness.
  function frameHints(video, canvas) {
    const w = 96, h = 128;
    canvas.width = w; canvas.height = h;
    const ctx = canvas.getContext("2d", {willReadFrequently: true});
    ctx.drawImage(video, 0, 0, w, h);
    const px = ctx.getImageData(0, 0, w, h).data;
    let n = 0, luma = 0, red = 0, lap = 0, lap2 = 0;
    const gray = new Float32Array(w * h);
    for (let i = 0; i < w * h; i++) gray[i] = 0.299 * px[4 * i] + 0.587 * px[4 * i + 1] + 0.114 * px[4 * i + 2];
    for (let y = 1; y < h - 1; y++) {
      for (let x = 1; x < w - 1; x++) {
        const dx = (x / w - GUIDE.cx) / GUIDE.rx, dy = (y / h - GUIDE.cy) / GUIDE.ry;
        if (dx * dx + dy * dy > 1) continue;
        const i = y * w + x, r = px[4 * i], g = px[4 * i + 1], b = px[4 * i + 2];
        n++; luma += gray[i];
        if (r > g + 25 && r > b + 10) red++;
        const l = 4 * gray[i] - gray[i - 1] - gray[i + 1] - gray[i - w] - gray[i + w];
        lap += l; lap2 += l * l;
      }
    }
    luma /= n;
    const variance = lap2 / n - (lap / n) ** 2;
    if (luma < 50) return "dark";
    if (luma > 210) return "bright";
    if (red / n < 0.35) return "far";
    if (variance < 12) return "blurred";
    return "good";
  }

  function capturePage(root) {
    const d = root.dataset;
    const video = root.querySelector("#tongue-preview");
    const stage = root.querySelector(".tongue-stage");
    const hint = root.querySelector("#tongue-hint");
    const result = root.querySelector("#tongue-result");
    const start = root.querySelector("#tongue-start");
    const shutter = root.querySelector("#tongue-shutter");
    const switcher = root.querySelector("#tongue-switch");
    const gallery = root.querySelector("#tongue-gallery");
    const small = document.createElement("canvas");
    let facing = "user", stream = null, timer = null;

    const show = (s) => {
      result.textContent = describe(s);
      result.dataset.status = s.status;
      if (s.status !== "received") setTimeout(() => location.reload(), 2500);
    };
    const send = (blob, source) => {
      result.textContent = d.tSending;
      return post(d.uploadUrl, d.csrf, blob, source).then(({ok, data}) => {
        if (!ok) { result.textContent = data.error ? data.error.message : d.tFailed; return; }
        show(data);
        if (data.status === "received") poll(data.status_url, show);
      }).catch(() => { result.textContent = d.tFailed; });
    };
    const open = () => {
      if (stream) stream.getTracks().forEach((t) => t.stop());
      const constraints = {audio: false, video: {facingMode: facing, width: {ideal: 1920}, height: {ideal: 1440}}};
      return navigator.mediaDevices.getUserMedia(constraints).then((s) => {
        stream = s; video.srcObject = s;
        stage.hidden = false; shutter.hidden = false; switcher.hidden = false; start.hidden = true;
        clearInterval(timer);
        timer = setInterval(() => {
          if (video.readyState < 2) return;
          const verdict = frameHints(video, small);
          hint.textContent = d["t" + verdict[0].toUpperCase() + verdict.slice(1)];
          hint.dataset.verdict = verdict;
        }, 250);
      }).catch(() => { result.textContent = d.tNoCamera; });
    };
    start.addEventListener("click", open);
    switcher.addEventListener("click", () => { facing = facing === "user" ? "environment" : "user"; open(); });
    shutter.addEventListener("click", () => {
      const full = document.createElement("canvas");
      full.width = video.videoWidth; full.height = video.videoHeight;
      full.getContext("2d").drawImage(video, 0, 0);
      full.toBlob((blob) => send(blob, "camera"), "image/jpeg", 0.92);
    });
    gallery.addEventListener("submit", (event) => {
      event.preventDefault();
      const file = gallery.querySelector("input[type=file]").files[0];
      if (file) send(file, "gallery");
    });
  }

  // The doctor's still from the patient's video in a running consult.
  function consultCapture(button) {
    const d = button.dataset;
    const status = document.getElementById("tongue-capture-status");
    button.addEventListener("click", () => {
      const video = document.getElementById("remote");
      if (!video || !video.videoWidth) { status.textContent = d.tNoVideo; return; }
      const canvas = document.createElement("canvas");
      canvas.width = video.videoWidth; canvas.height = video.videoHeight;
      canvas.getContext("2d").drawImage(video, 0, 0);
      status.textContent = d.tSending;
      canvas.toBlob((blob) => post(d.uploadUrl, d.csrf, blob, "consult").then(({ok, data}) => {
        if (!ok) { status.textContent = data.error ? data.error.message : d.tFailed; return; }
        const show = (s) => { status.textContent = describe(s); status.dataset.status = s.status; };
        show(data);
        if (data.status === "received") poll(data.status_url, show);
      }), "image/jpeg", 0.92);
    });
  }

  // Outline editor: drag the polygon's points; the hidden field carries them as JSON.
  function outlineEditor(figure) {
    const polygon = figure.querySelector("#tongue-outline");
    const field = document.querySelector("#observation-form input[name=outline]");
    const svg = figure.querySelector("svg");
    const detected = JSON.parse(figure.dataset.detected || "[]");
    let points = detected.map((p) => p.slice());
    let dragging = -1;
    const draw = () => {
      polygon.setAttribute("points", points.map(([x, y]) => `${x * 1000},${y * 1000}`).join(" "));
      svg.querySelectorAll("circle").forEach((c) => c.remove());
      points.forEach(([x, y], i) => {
        const c = document.createElementNS("http://www.w3.org/2000/svg", "circle");
        c.setAttribute("cx", x * 1000); c.setAttribute("cy", y * 1000); c.setAttribute("r", 9);
        c.dataset.index = i;
        svg.appendChild(c);
      });
      if (field) field.value = JSON.stringify(points.map(([x, y]) => [+x.toFixed(4), +y.toFixed(4)]));
    };
    const at = (event) => {
      const box = svg.getBoundingClientRect();
      return [Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)),
              Math.min(1, Math.max(0, (event.clientY - box.top) / box.height))];
    };
    svg.addEventListener("pointerdown", (e) => {
      if (e.target.tagName !== "circle") return;
      dragging = +e.target.dataset.index; svg.setPointerCapture(e.pointerId); e.preventDefault();
    });
    svg.addEventListener("pointermove", (e) => { if (dragging >= 0) { points[dragging] = at(e); draw(); } });
    svg.addEventListener("pointerup", () => { dragging = -1; });
    const reset = document.getElementById("outline-reset");
    if (reset) reset.addEventListener("click", () => { points = detected.map((p) => p.slice()); draw(); });
    draw();
  }

  document.addEventListener("DOMContentLoaded", () => {
    const root = document.getElementById("tongue-capture");
    if (root) capturePage(root);
    const button = document.getElementById("btn-tongue-capture");
    if (button) consultCapture(button);
    const figure = document.getElementById("tongue-figure");
    if (figure && figure.dataset.editable === "true") outlineEditor(figure);
  });
})();
