// Video consult page: WebRTC between doctor and patient, signaling over the app's WebSocket,
// chat beside the video. Protocol: perfect negotiation (the patient is "polite"), ICE restart
// after a drop, quality from getStats. No inline styles: the page's CSP forbids them.
(function () {
  "use strict";
  var root = document.getElementById("call");
  if (!root) { return; }
  var d = root.dataset;
  var polite = d.polite === "true";
  var remoteVideo = document.getElementById("remote");
  var localVideo = document.getElementById("local");
  var statusEl = document.getElementById("status");
  var qualityEl = document.getElementById("quality");
  var chatLog = document.getElementById("chat-log");
  var shown = {};
  var state = {ended: false, stopReconnect: false, makingOffer: false, ignoreOffer: false,
               facing: "user", connectedOnce: false, lastQualityDrop: 0, backoff: 500};
  var localStream = null;
  var ws = null;
  var pc = null;
  var call = window.tcmCall = {pc: null, ws: null, state: state, stats: readStats};

  function setStatus(key) { statusEl.textContent = d["t" + key] || key; }

  function send(message) {
    if (ws && ws.readyState === WebSocket.OPEN) { ws.send(JSON.stringify(message)); }
  }

  function event(name, detail) { send({type: "event", name: name, detail: detail || {}}); }

  // ---- media -------------------------------------------------------------------------------
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

  // ---- peer connection (perfect negotiation) -------------------------------------------------
  function newPeer() {
    var servers = [];
    try { servers = JSON.parse(d.iceServers || "[]"); } catch (e) { servers = []; }
    pc = call.pc = new RTCPeerConnection({iceServers: servers});
    if (localStream) {
      localStream.getTracks().forEach(function (track) { pc.addTrack(track, localStream); });
    } else {
      pc.addTransceiver("video", {direction: "recvonly"});
      pc.addTransceiver("audio", {direction: "recvonly"});
    }
    pc.ontrack = function (e) {
      if (remoteVideo.srcObject !== e.streams[0]) {
        remoteVideo.srcObject = e.streams[0];
        remoteVideo.play().catch(function () {});
      }
      if (e.track.kind === "video") { setTimeout(startRecording, 1000); }
    };
    pc.onicecandidate = function (e) { send({type: "ice", candidate: e.candidate}); };
    // Only the doctor's side offers, and only once somebody is there to answer.
    pc.onnegotiationneeded = function () { if (state.peerPresent && !polite) { makeOffer(); } };
    pc.oniceconnectionstatechange = onIceState;
  }

  function makeOffer() {
    state.makingOffer = true;
    pc.setLocalDescription().then(function () {
      send({type: pc.localDescription.type, sdp: pc.localDescription.sdp});
    }).catch(function () {}).then(function () { state.makingOffer = false; });
  }

  function freshPeer() {
    if (pc) { pc.close(); }
    state.connectedOnce = false;
    state.reconnecting = false;
    newPeer();
  }

  function onIceState() {
    var s = pc.iceConnectionState;
    if (s === "connected" || s === "completed") {
      setStatus("Connected");
      if (!state.connectedOnce) { state.connectedOnce = true; reportConnected(); }
      else if (state.reconnecting) { event("reconnected"); }
      state.reconnecting = false;
    } else if (s === "disconnected" || s === "failed") {
      if (!state.reconnecting) { event("reconnecting", {state: s}); }
      state.reconnecting = true;
      setStatus("Reconnecting");
      setTimeout(function () {
        if (state.reconnecting && pc && pc.restartIce) { pc.restartIce(); }
      }, 2000);
    }
  }

  function onDescription(message) {
    var description = {type: message.type, sdp: message.sdp};
    var collision = message.type === "offer" && (state.makingOffer || pc.signalingState !== "stable");
    state.ignoreOffer = !polite && collision;
    if (state.ignoreOffer) { return; }
    pc.setRemoteDescription(description).then(function () {
      if (message.type === "offer") {
        return pc.setLocalDescription().then(function () {
          send({type: pc.localDescription.type, sdp: pc.localDescription.sdp});
        });
      }
    }).catch(function () {});
  }

  function onIce(message) {
    pc.addIceCandidate(message.candidate || null).catch(function () {
      if (!state.ignoreOffer) { /* a late candidate after a restart: harmless */ }
    });
  }

  // ---- stats and quality ---------------------------------------------------------------------
  function readStats() {
    var result = {framesDecoded: 0, bytesReceived: 0, candidateType: "",
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

  function watchQuality() {
    var last = {lost: 0, received: 0};
    setInterval(function () {
      if (!pc || state.ended) { return; }
      readStats().then(function (s) {
        var lost = s.packetsLost - last.lost;
        var received = s.packetsReceived - last.received;
        last = {lost: s.packetsLost, received: s.packetsReceived};
        var loss = lost + received > 0 ? lost / (lost + received) : 0;
        var level = "good";
        if (loss > 0.08 || s.rtt > 0.6) { level = "poor"; }
        else if (loss > 0.02 || s.rtt > 0.25) { level = "fair"; }
        if (!received && !s.framesDecoded) { level = "unknown"; }
        qualityEl.dataset.level = level;
        qualityEl.textContent = level === "unknown" ? "" : d["tQuality" + level.charAt(0).toUpperCase() + level.slice(1)] || level;
        if (level === "poor" && Date.now() - state.lastQualityDrop > 30000) {
          state.lastQualityDrop = Date.now();
          event("quality_drop", {level: level, packet_loss: Math.round(loss * 1000) / 1000,
                                 rtt_ms: Math.round(s.rtt * 1000)});
        }
      });
    }, 2000);
  }

  // ---- signaling socket ----------------------------------------------------------------------
  var handlers = {
    welcome: function (m) {
      state.backoff = 500;
      (m.chat || []).forEach(showChat);
      state.peerPresent = Boolean(m.peers && m.peers.length);
      setStatus(state.peerPresent ? "Connecting" : "Waiting");
      if (state.peerPresent) { startNegotiation(); }
    },
    "peer-joined": function () {
      state.peerPresent = true;
      setStatus("Connecting");
      startNegotiation();
    },
    "peer-left": function () { state.peerPresent = false; setStatus("PeerLeft"); },
    offer: onDescription,
    answer: onDescription,
    ice: onIce,
    chat: showChat,
    hangup: function () { finish(); },
    error: function (m) {
      statusEl.textContent = m.message || m.code;
      if (m.code === "forbidden" || m.code === "ended" || m.code === "replaced") {
        state.stopReconnect = true;
      }
    },
    pong: function () {},
    recording: function (m) {
      if (m.state === "consented") { d.recordingConsent = "yes"; startRecording(); }
    }
  };

  // ---- optional recording (hospital setting + patient consent; the doctor's browser records) --
  var recorder = null;
  function startRecording() {
    if (d.recording !== "on" || d.role !== "doctor" || d.recordingConsent !== "yes") { return; }
    if (recorder || !remoteVideo.srcObject || !window.MediaRecorder) { return; }
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

  // Somebody (new) is on the other side: both start from a fresh connection; adding the tracks
  // fires negotiationneeded, on which the doctor's side offers.
  function startNegotiation() {
    freshPeer();
  }

  function connect() {
    ws = call.ws = new WebSocket(d.wsUrl);
    ws.onmessage = function (e) {
      var message;
      try { message = JSON.parse(e.data); } catch (err) { return; }
      var handler = handlers[message.type];
      if (handler) { handler(message); }
    };
    ws.onclose = function () {
      if (state.ended || state.stopReconnect) { return; }
      setTimeout(connect, state.backoff);
      state.backoff = Math.min(state.backoff * 2, 8000);
    };
  }

  // ---- chat ----------------------------------------------------------------------------------
  function showChat(m) {
    if (shown[m.id]) { return; }
    shown[m.id] = true;
    var item = document.createElement("li");
    if (String(m.sender.id) === d.userId) { item.className = "mine"; }
    var who = document.createElement("strong");
    who.textContent = m.sender.name + "：";
    item.appendChild(who);
    if (m.image_url) {
      var img = document.createElement("img");
      img.src = m.image_url;
      img.alt = "";
      item.appendChild(img);
    } else {
      item.appendChild(document.createTextNode(m.text));
    }
    chatLog.appendChild(item);
    chatLog.scrollTop = chatLog.scrollHeight;
  }

  document.getElementById("chat-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = document.getElementById("chat-text");
    var image = document.getElementById("chat-image");
    if (text.value.trim()) { send({type: "chat", text: text.value.trim()}); text.value = ""; }
    if (image.files && image.files[0]) {
      var body = new FormData();
      body.append("image", image.files[0]);
      fetch(d.chatUploadUrl, {method: "POST", body: body, credentials: "same-origin",
                              headers: {"X-CSRFToken": d.csrf}})
        .then(function () { image.value = ""; })
        .catch(function () {});
    }
  });

  // ---- controls ------------------------------------------------------------------------------
  function toggle(kind, button, offKey, onKey) {
    if (!localStream) { return; }
    var tracks = kind === "audio" ? localStream.getAudioTracks() : localStream.getVideoTracks();
    var enabled = !(tracks[0] && tracks[0].enabled);
    tracks.forEach(function (t) { t.enabled = enabled; });
    button.setAttribute("aria-pressed", String(!enabled));
    button.textContent = d[enabled ? offKey : onKey];
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
    send({type: "hangup"});
    finish();
  });

  function finish() {
    state.ended = true;
    if (recorder && recorder.state !== "inactive") { recorder.stop(); }
    setStatus("Ended");
    if (localStream) { localStream.getTracks().forEach(function (t) { t.stop(); }); }
    if (pc) { pc.close(); }
    if (ws) { ws.close(); }
  }

  window.addEventListener("pagehide", function () {
    state.stopReconnect = true;
    if (ws) { ws.close(); }
  });

  setStatus("Connecting");
  getMedia().then(function () {
    newPeer();
    connect();
    watchQuality();
  });
})();
