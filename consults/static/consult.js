// Video consult page: WebRTC between doctor and patient, signaling through consult-socket.js,
// chat beside the video. A socket reconnect is not a new call: the same peer connection goes on,
// and is rebuilt only when its media path has failed or the other side opened a new page.
// Outages: no media bytes for 2 s shows 网络中断，正在重连 at once; ICE is restarted after 3 s
// disconnected (only the doctor's side offers; the patient asks with "restart"); a failed
// connection offers 重新加入. Every outage and repair is reported with the browser's time.
// No inline styles: the page's CSP forbids them.
(function () {
  "use strict";
  var root = document.getElementById("call");
  if (!root) { return; }
  var d = root.dataset;
  var polite = d.polite === "true";
  var STALL_MS = 2000;          // no media this long: an outage (sampled every 250 ms)
  var ICE_RESTART_MS = 3000;    // ICE disconnected this long: restart it
  var REPAIR_EVERY_MS = 4000;   // while the media path is down, try again this often
  var REBUILD_AFTER_MS = 12000; // ICE failed this long with signaling up: rebuild both sides
  var FAILED_AFTER_MS = 20000;  // an outage this long offers 重新加入 (repairs go on meanwhile)
  var remoteVideo = document.getElementById("remote");
  var localVideo = document.getElementById("local");
  var statusEl = document.getElementById("status");
  var qualityEl = document.getElementById("quality");
  var remoteNote = document.getElementById("remote-note");
  var rejoinButton = document.getElementById("btn-rejoin");
  var callBack = document.getElementById("call-back");
  var callBackState = document.getElementById("call-back-state");
  var chatLog = document.getElementById("chat-log");
  var chatState = document.getElementById("chat-state");
  var shown = {};
  var pageId = newPageId();
  var state = {ended: false, stopped: "", makingOffer: false, facing: "user",
               everConnected: false, peerPresent: false, peerPage: null, peerLeft: false,
               failed: false, iceDownSince: null, lastQualityDrop: 0, remoteVideoOn: true,
               lastRestart: 0};
  var media = {bytes: 0, progressAt: 0, flowing: false, stalledAt: null, frames: 0, packets: 0,
               lost: 0, sampledAt: 0, bestFps: 0};
  var events = [];  // reported, not yet acknowledged
  var eventSeq = 0;
  var sentThrough = 0;  // on the current socket
  var localStream = null;
  var pc = null;
  var repairTimer = null;
  var call = window.tcmCall = {pc: null, phase: "", phaseLog: [], pcGeneration: 0,
                               stats: readStats, pausePings: pausePings};
  Object.defineProperty(call, "socketsOpened", {get: function () { return socket.opened; }});
  Object.defineProperty(call, "closes", {get: function () { return socket.closes; }});

  function newPageId() {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  // ---- what the page says -------------------------------------------------------------------
  var PHASE_TEXT = {connecting: "tConnecting", waiting: "tWaiting", connected: "tConnected",
                    outage: "tOutage", failed: "tFailed", "peer-away": "tPeerLeft",
                    ended: "tEnded", replaced: "tReplaced", refused: "tRefused",
                    signedOut: "tSignedOut"};

  var MEDIA_PHASES = {connecting: true, connected: true, outage: true, failed: true};

  function phaseNow() {
    if (state.ended) { return "ended"; }
    if (state.stopped) { return state.stopped; }
    if (state.peerLeft && !state.peerPresent) { return "peer-away"; }
    if (state.failed) { return "failed"; }
    // Without any media (neither side has a camera or microphone) ICE alone tells.
    if (media.stalledAt || (pc && state.everConnected && iceDown())) { return "outage"; }
    if (media.flowing || (pc && iceUp())) { return "connected"; }
    return state.peerPresent ? "connecting" : (socket.welcomed ? "waiting" : "connecting");
  }

  function showPhase() {
    var phase = phaseNow();
    if (phase === call.phase) { return; }
    call.phase = phase;
    call.phaseLog.push({phase: phase, at: Date.now()});
    statusEl.dataset.phase = phase;
    statusEl.textContent = d[PHASE_TEXT[phase]] || "";
    rejoinButton.hidden = phase !== "failed";
    if (callBack) { callBack.hidden = !(phase === "failed" || phase === "peer-away"); }
    if (phase === "outage" || phase === "failed") { setQuality("poor"); }
    if (!MEDIA_PHASES[phase]) { setQuality("unknown"); }  // no call to rate
  }

  function showChatState() {
    chatState.textContent = socket.welcomed || state.ended || state.stopped ? "" : d.tChatWaiting;
  }

  // ---- the process record: events carry when they happened in this browser -----------------
  // Each is numbered and kept until the server acknowledges it: a socket that dies takes what
  // was in flight with it, so the next socket sends the unacknowledged ones again.
  function event(name, detail, at) {
    eventSeq += 1;
    events.push({type: "event", name: name, detail: detail || {}, at: at || Date.now(),
                 seq: eventSeq});
    if (events.length > 200) { events.shift(); }
    flushEvents();
  }

  function flushEvents() {
    events.forEach(function (e) {
      if (e.seq > sentThrough && socket.send(e)) { sentThrough = e.seq; }
    });
  }

  function acknowledged(m) {
    events = events.filter(function (e) { return e.seq > m.seq; });
  }

  // ---- media ---------------------------------------------------------------------------------
  function getMedia() {
    var constraints = {video: {facingMode: state.facing, width: 640, height: 480}, audio: true};
    return navigator.mediaDevices.getUserMedia(constraints).then(function (stream) {
      localStream = stream;
      localVideo.srcObject = stream;
      localVideo.play().catch(function () {});
    }).catch(function (error) {
      event("media_error", {error: String(error && error.name)});  // continue receive-only
    });
  }

  // ---- peer connection -----------------------------------------------------------------------
  function newPeer() {
    var servers = [];
    try { servers = JSON.parse(d.iceServers || "[]"); } catch (e) { servers = []; }
    pc = call.pc = new RTCPeerConnection({iceServers: servers});
    call.pcGeneration += 1;
    // The doctor's side names each connection (page and count) so that a message of an earlier
    // one is dropped; the patient's side takes the name of the offer it answers.
    state.gen = polite ? null : pageId + "." + call.pcGeneration;
    media.bytes = 0;  // a new connection counts from zero, and is rated on its own
    media.frames = 0;
    media.packets = 0;
    media.lost = 0;
    media.sampledAt = 0;
    media.bestFps = 0;
    state.iceDownSince = null;
    if (localStream) {
      localStream.getTracks().forEach(function (track) { pc.addTrack(track, localStream); });
    } else {
      pc.addTransceiver("video", {direction: "recvonly"});
      pc.addTransceiver("audio", {direction: "recvonly"});
    }
    var mine = pc;
    pc.ontrack = function (e) {
      if (remoteVideo.srcObject !== e.streams[0]) {
        remoteVideo.srcObject = e.streams[0];
        remoteVideo.play().catch(function () {});
      }
      if (e.track.kind === "video") {
        // A new connection brings a new stream: a recording of the old one ends with it, and
        // the recording goes on in a new part (the patient's page may reload after consenting).
        if (recorder && recorder.stream !== e.streams[0]) { stopRecording(); }
        setTimeout(startRecording, 1000);
      }
    };
    pc.onicecandidate = function (e) {
      if (mine === pc) { socket.send({type: "ice", candidate: e.candidate, gen: state.gen}); }
    };
    pc.onnegotiationneeded = function () { if (mine === pc) { offer(); } };
    pc.oniceconnectionstatechange = function () { if (mine === pc) { onIceState(); } };
  }

  // Only the doctor's side offers, and only with somebody there to answer.
  function offer() {
    if (polite || !state.peerPresent || !socket.welcomed || state.makingOffer) { return; }
    if (pc.signalingState !== "stable") { return; }
    state.makingOffer = true;
    pc.setLocalDescription().then(function () {
      socket.send({type: pc.localDescription.type, sdp: pc.localDescription.sdp, gen: state.gen});
    }).catch(function () {}).then(function () { state.makingOffer = false; });
  }

  // Both sides start from a new connection: a new page on the other side, or a failed path.
  function rebuild(cause) {
    if (pc) {
      if (pc.currentRemoteDescription) { event("peer_rebuilt", {cause: cause}); }
      pc.close();
    }
    media.flowing = false;  // the stall watch starts again with the new connection's media
    newPeer();
    offer();
  }

  function onIceState() {
    var s = pc.iceConnectionState;
    if (s === "connected" || s === "completed") {
      if (!state.everConnected) { state.everConnected = true; reportConnected(); }
      if (state.iceDownSince) {
        event("reconnected", {after_ms: Date.now() - state.iceDownSince});
        state.iceDownSince = null;
      }
      state.failed = false;
      clearTimeout(repairTimer);
      repairTimer = null;
    } else if (s === "disconnected" || s === "failed") {
      if (!state.iceDownSince) {
        state.iceDownSince = Date.now();
        event("reconnecting", {state: s});
      }
      if (s === "failed") {
        if (!state.failed) { event("call_failed", {state: s}); }
        state.failed = true;
        repair("ice_failed");
      } else if (!repairTimer) {
        repairTimer = setTimeout(function () { repair("ice_disconnected"); }, ICE_RESTART_MS);
      }
    }
    showPhase();
  }

  // Restart ICE (the doctor offers; the patient asks), again every few seconds while the path is
  // down, and rebuild both sides once ICE has been failed a while with signaling working.
  function repair(reason) {
    clearTimeout(repairTimer);
    repairTimer = null;
    if (state.ended || state.stopped || !pc || !iceDown()) { return; }
    repairTimer = setTimeout(function () { repair(reason); }, REPAIR_EVERY_MS);
    if (!socket.welcomed || !state.peerPresent) { return; }
    var failedLong = pc.iceConnectionState === "failed" &&
      Date.now() - state.iceDownSince > REBUILD_AFTER_MS;
    if (failedLong) {
      rebuildTogether("ice_failed");
    } else if (polite) {
      socket.send({type: "restart"});
    } else {
      restartIce(reason);
    }
  }

  function iceUp() {
    var s = pc.iceConnectionState;
    return s === "connected" || s === "completed";
  }

  function iceDown() {
    var s = pc.iceConnectionState;
    return s === "disconnected" || s === "failed" || (s === "checking" && state.everConnected);
  }

  function restartIce(reason) {
    if (pc.signalingState === "have-local-offer") { resendOffer(); return; }
    // The patient's request and our own timer often come together: one restart serves both.
    if (reason === "asked" && Date.now() - state.lastRestart < REPAIR_EVERY_MS / 2) { return; }
    state.lastRestart = Date.now();
    event("ice_restart", {reason: reason});
    pc.restartIce();  // negotiationneeded follows: offer() sends the restart
  }

  function resendOffer() {
    if (!polite && pc.signalingState === "have-local-offer" && pc.localDescription) {
      socket.send({type: "offer", sdp: pc.localDescription.sdp, gen: state.gen});
    }
  }

  // The doctor's side: a new connection here, and the patient's side told to start one too
  // (the notice goes before the new offer, which waits for setLocalDescription).
  function rebuildBoth(cause) {
    rebuild(cause);
    socket.send({type: "restart", rebuild: true, gen: state.gen});
  }

  // A failed path is rebuilt on both sides or not at all: the doctor's side leads (the patient
  // asks, and rebuilds when the doctor's "rebuild" arrives just before the new offer).
  function rebuildTogether(cause) {
    if (polite) {
      socket.send({type: "restart", rebuild: true, gen: state.gen});
    } else {
      rebuildBoth(cause);
    }
  }

  // -1: a message of an earlier connection; 0: of this one; 1: of a newer one (the patient's
  // side moves to it). Messages without a name (older clients) count as this one.
  function genOrder(gen) {
    if (!gen || gen === state.gen) { return 0; }
    if (!state.gen) { return 1; }
    var got = gen.split("."), have = state.gen.split(".");
    if (got[0] !== have[0]) { return 1; }
    return Number(got[1]) < Number(have[1]) ? -1 : 1;
  }

  function onDescription(message) {
    if (message.type === "offer" ? !polite : polite) { return; }  // only the doctor offers
    if (!polite) {
      if (genOrder(message.gen) !== 0 || pc.signalingState !== "have-local-offer") { return; }
    } else {
      var order = genOrder(message.gen);
      if (order < 0) { return; }
      if (order > 0 && pc.currentRemoteDescription) { rebuild("new_connection"); }
      if (message.gen) { state.gen = message.gen; }
    }
    var mine = pc;
    pc.setRemoteDescription({type: message.type, sdp: message.sdp}).then(function () {
      if (message.type === "offer") {
        return pc.setLocalDescription().then(function () {
          if (mine !== pc) { return; }
          socket.send({type: "answer", sdp: pc.localDescription.sdp, gen: state.gen});
        });
      }
    }).catch(function () {});
  }

  function onIce(message) {
    if (genOrder(message.gen) !== 0) { return; }
    pc.addIceCandidate(message.candidate || null).catch(function () {
      /* a candidate of an earlier round, after a restart: harmless */
    });
  }

  function onRestartAsked(message) {
    if (polite) {
      if (message.rebuild && genOrder(message.gen) > 0) {  // the doctor rebuilt: so do we
        rebuild("asked");
        state.gen = message.gen;
      }
      return;
    }
    if (!message.rebuild) {
      restartIce("asked");
    } else if (genOrder(message.gen) === 0) {
      rebuildBoth("asked");
    } else {  // the patient is behind: tell it again which connection is current
      socket.send({type: "restart", rebuild: true, gen: state.gen});
      resendOffer();
    }
  }

  // The other side is here: keep the call if it is the same page coming back, else start anew.
  function peerHere(peer) {
    var newPage = !peer.page || peer.page !== state.peerPage;
    state.peerPresent = true;
    state.peerLeft = false;
    state.peerPage = peer.page || null;
    if (newPage || !pc || pc.connectionState === "closed") {
      rebuild(newPage ? "new_page" : "closed");
    } else if (pc.connectionState === "failed") {
      rebuildTogether("failed");
    } else {
      resume();
    }
    if (localStream && !videoOn()) { socket.send({type: "media", video: false}); }
    showPhase();
  }

  // Signaling is back (ours or theirs): finish what was lost meanwhile.
  function resume() {
    resendOffer();
    if (iceDown()) { repair("signaling_resumed"); }
  }

  // ---- stats: outages and quality ------------------------------------------------------------
  function readStats() {
    var result = {framesDecoded: 0, bytesReceived: 0, audioBytesReceived: 0, candidateType: "",
                  connectionState: pc ? pc.connectionState : "new", packetsLost: 0,
                  packetsReceived: 0, rtt: 0};
    if (!pc) { return Promise.resolve(result); }
    return pc.getStats().then(function (report) {
      var locals = {};
      var pair = null;
      report.forEach(function (s) {
        if (s.type === "inbound-rtp" && s.kind === "video") {
          result.framesDecoded = s.framesDecoded || 0;
          result.bytesReceived = s.bytesReceived || 0;
          result.packetsLost = s.packetsLost || 0;
          result.packetsReceived = s.packetsReceived || 0;
        } else if (s.type === "inbound-rtp" && s.kind === "audio") {
          result.audioBytesReceived = s.bytesReceived || 0;
        } else if (s.type === "local-candidate") {
          locals[s.id] = s;
        } else if (s.type === "candidate-pair" && s.state === "succeeded" && (s.nominated || !pair)) {
          pair = s;
        }
      });
      if (pair) {
        result.rtt = pair.currentRoundTripTime || 0;
        var local = locals[pair.localCandidateId];
        result.candidateType = local ? local.candidateType : "";
      }
      return result;
    });
  }

  function reportConnected() {
    readStats().then(function (s) {
      event("connected", {candidate_type: s.candidateType, rtt_ms: Math.round(s.rtt * 1000)});
    });
  }

  // Every quarter second: has any media (audio or video) arrived since the last look?
  function sampleMedia() {
    // Nothing to watch once the other side left on purpose (its last packets are no call).
    if (!pc || state.ended || state.stopped || state.peerLeft) { return; }
    var mine = pc;
    readStats().then(function (s) {
      if (mine !== pc) { return; }
      var now = Date.now();
      var bytes = s.bytesReceived + s.audioBytesReceived;
      if (bytes > media.bytes) {
        media.bytes = bytes;
        media.progressAt = now;
        media.flowing = true;
        if (media.stalledAt) { mediaResumed(now); }
      } else if (media.flowing && !media.stalledAt && now - media.progressAt >= STALL_MS &&
                 !state.peerLeft) {
        mediaStalled(now);
      }
      if (media.stalledAt && now - media.stalledAt >= FAILED_AFTER_MS && !state.failed) {
        state.failed = true;
        event("call_failed", {stalled_ms: now - media.stalledAt});
      }
      if (now - media.sampledAt >= 2000) { judgeQuality(s, now); }
      showPhase();
    }).catch(function () { /* the connection closed meanwhile */ });
  }

  function mediaStalled(now) {
    media.stalledAt = media.progressAt;  // the outage began with the last media that arrived
    socket.mediaStalled(true);
    event("media_stalled", {detected_after_ms: now - media.progressAt}, media.stalledAt);
  }

  function mediaResumed(now) {
    event("media_resumed", {stalled_ms: now - media.stalledAt}, now);
    media.stalledAt = null;
    state.failed = false;
    socket.mediaStalled(false);
  }

  // Quality from what arrives per second (frames and packets), not only the loss among packets
  // that arrive: a frozen picture with no loss is poor, not good.
  function judgeQuality(s, now) {
    var seconds = media.sampledAt ? (now - media.sampledAt) / 1000 : 0;
    var fps = seconds ? (s.framesDecoded - media.frames) / seconds : 0;
    var received = s.packetsReceived - media.packets;
    var lost = s.packetsLost - media.lost;
    media.sampledAt = now;
    media.frames = s.framesDecoded;
    media.packets = s.packetsReceived;
    media.lost = s.packetsLost;
    if (!seconds || !media.flowing) { return; }
    media.bestFps = Math.max(media.bestFps, fps);
    var loss = lost + received > 0 ? lost / (lost + received) : 0;
    var fpsRatio = state.remoteVideoOn && media.bestFps >= 5 ? fps / media.bestFps : 1;
    var level = "good";
    var nothing = received <= 0 && state.remoteVideoOn;
    if (media.stalledAt || nothing || fpsRatio < 0.35 || loss > 0.08 || s.rtt > 0.6) {
      level = "poor";
    } else if (fpsRatio < 0.7 || loss > 0.02 || s.rtt > 0.25) {
      level = "fair";
    }
    setQuality(level);
    if (level === "poor" && now - state.lastQualityDrop > 30000) {
      state.lastQualityDrop = now;
      event("quality_drop", {level: level, packet_loss: Math.round(loss * 1000) / 1000,
                             fps: Math.round(fps), rtt_ms: Math.round(s.rtt * 1000)});
    }
  }

  function setQuality(level) {
    if (!MEDIA_PHASES[call.phase]) { level = "unknown"; }
    qualityEl.dataset.level = level;
    qualityEl.textContent = d["tQuality" + level.charAt(0).toUpperCase() + level.slice(1)] || "";
  }

  // ---- signaling -----------------------------------------------------------------------------
  var socket = new window.TcmConsultSocket({
    url: d.wsUrl, tokenUrl: d.tokenUrl, csrf: d.csrf,
    tokenSeconds: Number(d.tokenSeconds) || 120, pingMs: (Number(d.pingSeconds) || 15) * 1000,
    pageId: function () { return pageId; },
    on: {message: onMessage, open: onSocketOpen, lost: onSocketLost, stopped: onStopped}
  });

  function pausePings(paused) { socket.pingsPaused = Boolean(paused); }

  function onSocketOpen(resumed) {
    sentThrough = 0;  // a new socket: everything unacknowledged goes again
    if (resumed) {
      event("signaling_resumed", {after_ms: Date.now() - resumed.lostAt, cause: resumed.cause});
    }
    flushEvents();
    showChatState();
  }

  function onSocketLost(cause, at) {
    event("signaling_lost", {cause: cause}, at);
    showChatState();
  }

  // Replaced by another tab, refused, or signed out: this page lets go of camera and call.
  function onStopped(why) {
    if (why === "ended") { finish(); return; }
    if (why !== "left") {
      state.stopped = why;
      releaseMedia();
    }
    showPhase();
    showChatState();
  }

  function releaseMedia() {
    clearTimeout(repairTimer);
    stopRecording();
    if (localStream) { localStream.getTracks().forEach(function (t) { t.stop(); }); }
    if (pc) { pc.close(); }
  }

  function otherPeer(peers) {
    var others = (peers || []).filter(function (p) { return String(p.id) !== d.userId; });
    return others.length ? others[others.length - 1] : null;
  }

  var handlers = {
    welcome: function (m) {
      (m.chat || []).forEach(showChat);
      var peer = otherPeer(m.peers);
      if (peer) { peerHere(peer); } else { state.peerPresent = false; }
      showPhase();
    },
    "peer-joined": function (m) { if (String(m.peer.id) !== d.userId) { peerHere(m.peer); } },
    "peer-left": function (m) {
      if (String(m.peer.id) === d.userId || (m.peer.page || null) !== state.peerPage) { return; }
      state.peerPresent = false;
      state.peerLeft = m.reason === "left";
      if (state.peerLeft) {  // gone on purpose: the media stops, and that is no outage
        media.flowing = false;
        media.stalledAt = null;
        state.failed = false;
        socket.mediaStalled(false);
      }
      showPhase();
    },
    offer: onDescription,
    answer: onDescription,
    ice: onIce,
    restart: onRestartAsked,
    media: function (m) {
      state.remoteVideoOn = m.video;
      remoteNote.textContent = m.video ? "" : d.tRemoteCameraOff;
    },
    chat: showChat,
    hangup: function () { finish(); },
    error: function (m) {
      if (m.code === "rate_limited") { chatState.textContent = d.tChatTooFast; }
      if (m.code === "invalid_characters" || m.code === "too_deeply_nested") {
        chatState.textContent = d.tChatRefused;
      }
    },
    pong: function () {},
    ack: acknowledged,
    recording: function (m) {
      if (m.state === "consented") { d.recordingConsent = "yes"; startRecording(); }
    }
  };

  function onMessage(message) {
    var handler = handlers[message.type];
    if (handler && (pc || message.type === "welcome")) { handler(message); }
  }

  // ---- optional recording (hospital setting + patient consent; the doctor's browser records) --
  var recorder = null;
  function startRecording() {
    if (d.recording !== "on" || d.role !== "doctor" || d.recordingConsent !== "yes") { return; }
    if (recorder && recorder.state !== "inactive") { return; }  // a stopped one is replaced
    if (!remoteVideo.srcObject || !window.MediaRecorder) { return; }
    var first = true;
    recorder = new MediaRecorder(remoteVideo.srcObject, {mimeType: "video/webm"});
    recorder.ondataavailable = function (e) {
      if (!e.data || !e.data.size) { return; }
      var url = d.recordingUrl + (first ? "?first=1" : "");
      first = false;
      fetch(url, {method: "POST", body: e.data, credentials: "same-origin",
                  headers: {"X-CSRFToken": d.csrf, "Content-Type": "video/webm"}})
        .catch(function () {});
    };
    recorder.start(5000);
    var badge = document.getElementById("recording-state");
    if (badge) { badge.hidden = false; }
  }

  function stopRecording() {
    if (recorder && recorder.state !== "inactive") { recorder.stop(); }
    recorder = null;
  }

  // ---- chat ----------------------------------------------------------------------------------
  function showChat(m) {
    if (shown[m.id]) { return; }
    shown[m.id] = true;
    var item = document.createElement("li");
    if (String(m.sender.id) === d.userId) { item.className = "mine"; }
    var who = document.createElement("strong");
    appendShowingHidden(who, m.sender.name + "：");
    item.appendChild(who);
    if (m.image_url) {
      var img = document.createElement("img");
      img.src = m.image_url;
      img.alt = "";
      item.appendChild(img);
    } else {
      appendShowingHidden(item, m.text);
    }
    chatLog.appendChild(item);
    chatLog.scrollTop = chatLog.scrollHeight;
  }

  // Invisible characters and direction controls (e.g. U+202E turns the rest of a line around)
  // are shown as a marker such as ⟨U+202E⟩, as on the server's pages (tcm_app/common/text.py:
  // controls and format characters, line and paragraph separators; tabs and line breaks stay).
  var HIDDEN = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
  function appendShowingHidden(parent, text) {
    var run = "";
    Array.from(String(text)).forEach(function (ch) {
      if (!HIDDEN.test(ch) || ch === "\t" || ch === "\n" || ch === "\r") { run += ch; return; }
      if (run) { parent.appendChild(document.createTextNode(run)); run = ""; }
      var mark = document.createElement("span");
      mark.className = "hidden-char";
      mark.textContent = "\u27e8U+" + ch.codePointAt(0).toString(16).toUpperCase().padStart(4, "0") + "\u27e9";
      mark.title = d.tHiddenChar;
      parent.appendChild(mark);
    });
    if (run) { parent.appendChild(document.createTextNode(run)); }
  }

  document.getElementById("chat-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = document.getElementById("chat-text");
    var image = document.getElementById("chat-image");
    // Kept in the box if the socket is reconnecting: nothing typed is lost.
    if (text.value.trim() && socket.send({type: "chat", text: text.value.trim()})) {
      text.value = "";
      chatState.textContent = "";
    }
    if (image.files && image.files[0]) {
      var body = new FormData();
      body.append("image", image.files[0]);
      // A refused image (too large, not a picture) is said under the chat, in the page's
      // language; the file stays chosen so that nothing seems to have been sent.
      fetch(d.chatUploadUrl, {method: "POST", body: body, credentials: "same-origin",
                              headers: {"X-CSRFToken": d.csrf, "Accept": "application/json"}})
        .then(function (r) {
          if (r.ok) { image.value = ""; chatState.textContent = ""; return; }
          return r.json().then(function (data) {
            chatState.textContent = data.error ? data.error.message : d.tChatImageFailed;
          });
        })
        .catch(function () { chatState.textContent = d.tChatImageFailed; });
    }
  });

  // ---- controls ------------------------------------------------------------------------------
  function videoOn() {
    var tracks = localStream ? localStream.getVideoTracks() : [];
    return Boolean(tracks[0] && tracks[0].enabled);
  }

  function toggle(kind, button, offKey, onKey) {
    if (!localStream) { return; }
    var tracks = kind === "audio" ? localStream.getAudioTracks() : localStream.getVideoTracks();
    var enabled = !(tracks[0] && tracks[0].enabled);
    tracks.forEach(function (t) { t.enabled = enabled; });
    button.setAttribute("aria-pressed", String(!enabled));
    button.textContent = d[enabled ? offKey : onKey];
    if (kind === "video") { socket.send({type: "media", video: enabled}); }
  }

  document.getElementById("btn-mute").addEventListener("click", function () {
    toggle("audio", this, "tMute", "tUnmute");
  });
  document.getElementById("btn-camera").addEventListener("click", function () {
    toggle("video", this, "tCameraOff", "tCameraOn");
  });
  document.getElementById("btn-switch").addEventListener("click", function () {
    state.facing = state.facing === "user" ? "environment" : "user";
    navigator.mediaDevices.getUserMedia({video: {facingMode: state.facing}}).then(function (s) {
      var track = s.getVideoTracks()[0];
      var sender = pc && pc.getSenders().find(function (x) { return x.track && x.track.kind === "video"; });
      if (sender) { sender.replaceTrack(track); }
      if (localStream) {
        localStream.getVideoTracks().forEach(function (t) { t.stop(); localStream.removeTrack(t); });
        localStream.addTrack(track);
      }
    }).catch(function () {});
  });
  document.getElementById("btn-hangup").addEventListener("click", function () {
    socket.send({type: "hangup"});
    finish();
  });
  // 回拨患者 (doctor): a message to the patient's phone; the doctor stays in the call.
  if (callBack) {
    callBack.addEventListener("submit", function (e) {
      e.preventDefault();
      fetch(callBack.action, {method: "POST", body: new FormData(callBack), credentials: "same-origin",
                              headers: {"Accept": "application/json", "X-CSRFToken": d.csrf}})
        .then(function (response) { return response.json(); })
        .then(function (body) {
          callBackState.textContent = body.message || (body.error && body.error.message) || "";
        })
        .catch(function () { callBackState.textContent = d.tCallBackFailed; });
    });
  }

  // 重新加入: a new page as far as the other side knows, so both start from a new connection.
  rejoinButton.addEventListener("click", function () {
    event("rejoined", {phase: call.phase});
    pageId = newPageId();
    state.failed = false;
    state.peerPage = null;
    media.stalledAt = null;
    media.flowing = false;  // 正在连接… until the new connection carries media
    socket.mediaStalled(false);
    rebuild("rejoin");
    socket.reconnectNow("rejoin");
    showPhase();
  });

  function finish() {
    if (state.ended) { return; }
    state.ended = true;
    releaseMedia();
    socket.stop("left");
    showPhase();
    showChatState();
  }

  window.addEventListener("online", function () {
    if (!socket.welcomed && !socket.stopped) { socket.reconnectNow("online"); }
  });
  window.addEventListener("pagehide", function () { socket.leave(); });
  // Back from the browser's page cache: the socket was closed on leaving; start the page anew.
  window.addEventListener("pageshow", function (e) { if (e.persisted) { location.reload(); } });

  showPhase();
  getMedia().then(function () {
    newPeer();
    socket.open();
    setInterval(sampleMedia, 250);
    setInterval(showChatState, 1000);
  });
})();
