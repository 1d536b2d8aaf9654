// The call page's signaling socket, built to last a whole consult on a real network:
// - heartbeats: the page pings every `pingMs`; the server answers. Nothing heard for two pings
//   (or for 3 s while the media has stalled) means the socket is dead: it is dropped and a new
//   one opened, without waiting for TCP to notice;
// - every new socket uses a room token renewed through the signed-in session (never a
//   long-lived token in the page); tokens are renewed ahead of their expiry while connected;
// - the server's close codes decide what follows: 4000 idle → reconnect; 4001 refused → renew the
//   token once more; 4002 ended and 4003 replaced → stop.
// It knows nothing of WebRTC: consult.js gives it callbacks.
(function () {
  "use strict";

  var CONNECT_TIMEOUT_MS = 2500;  // a socket not welcomed by then is given up and opened anew
  var TOKEN_TIMEOUT_MS = 4000;
  var BACKOFF_FIRST_MS = 250;
  var BACKOFF_MAX_MS = 2000;
  var STALL_HEARD_MS = 3000;      // while media has stalled, a socket silent this long is dead
  // Answers of the token endpoint that mean "do not try again" (and what the page says then).
  var FINAL_REFUSALS = {call_ended: "ended", consult_closed: "ended", not_participant: "refused",
                        not_found: "refused", forbidden: "refused", unauthenticated: "signedOut",
                        csrf: "signedOut"};

  function ConsultSocket(options) {
    this.o = options;  // {url, tokenUrl, csrf, tokenSeconds, pingMs, pageId(), on: {...}}
    this.ws = null;
    this.welcomed = false;
    this.stopped = false;
    this.url = options.url;
    this.expiresAt = Date.now() + options.tokenSeconds * 1000;
    this.lastHeard = 0;
    this.lostAt = null;
    this.lostCause = "";
    this.backoff = BACKOFF_FIRST_MS;
    this.renewing = null;
    this.pingsPaused = false;
    this.stalled = false;
    this.opened = 0;
    this.closes = [];
    var self = this;
    setInterval(function () { self.tick(); }, 1000);
    setInterval(function () { self.ping(); }, options.pingMs);
  }

  ConsultSocket.prototype.open = function () {
    var self = this;
    clearTimeout(this.retryTimer);
    if (this.stopped) { return; }
    var fresh = this.url && Date.now() < this.expiresAt - 5000;
    (fresh ? Promise.resolve(this.url) : this.renew()).then(function (url) {
      self.connectTo(url);
    }, function (refusal) {
      if (refusal && refusal.final) { self.stop(refusal.final); } else { self.retry(); }
    });
  };

  ConsultSocket.prototype.connectTo = function (url) {
    var self = this;
    var socket = new WebSocket(url + "&page=" + encodeURIComponent(this.o.pageId()));
    this.ws = socket;
    this.welcomed = false;
    var timer = setTimeout(function () {
      if (socket === self.ws && !self.welcomed) { self.drop("connect_timeout"); }
    }, CONNECT_TIMEOUT_MS);
    socket.onmessage = function (e) {
      if (socket !== self.ws) { return; }
      self.lastHeard = Date.now();
      var message;
      try { message = JSON.parse(e.data); } catch (err) { return; }
      if (message.type === "welcome") { clearTimeout(timer); self.onWelcome(); }
      self.o.on.message(message);
    };
    socket.onclose = function (e) {
      clearTimeout(timer);
      self.closes.push({code: e.code, reason: e.reason, at: Date.now()});
      if (socket === self.ws) { self.onClose(e.code, e.reason); }
    };
  };

  ConsultSocket.prototype.onWelcome = function () {
    var resumed = this.lostAt;
    this.welcomed = true;
    this.opened += 1;
    this.backoff = BACKOFF_FIRST_MS;
    this.lostAt = null;
    this.ping();
    this.o.on.open(resumed ? {lostAt: resumed, cause: this.lostCause} : null);
  };

  ConsultSocket.prototype.onClose = function (code, reason) {
    this.ws = null;
    this.welcomed = false;
    if (this.stopped) { return; }
    if (code === 4002) { this.stop("ended"); return; }
    if (code === 4003) { this.stop("replaced"); return; }
    if (code === 4001) { this.url = null; }  // the token was refused: the next one is new
    this.lost(code === 4000 ? "idle" : code === 4001 ? "refused" : "closed");
    if (code === 4000) { this.open(); } else { this.retry(); }
  };

  // Give up a socket that is no longer heard (its close would wait for the dead network).
  ConsultSocket.prototype.drop = function (cause) {
    var socket = this.ws;
    if (!socket) { return; }
    socket.onmessage = null;
    socket.onclose = null;
    this.closes.push({code: 0, reason: cause, at: Date.now()});
    try { socket.close(); } catch (e) { /* already closing */ }
    this.ws = null;
    this.welcomed = false;
    this.lost(cause);
    this.open();
  };

  ConsultSocket.prototype.lost = function (cause) {
    if (this.lostAt) { return; }
    this.lostAt = Date.now();
    this.lostCause = cause;
    this.o.on.lost(cause, this.lostAt);
  };

  ConsultSocket.prototype.retry = function () {
    var self = this;
    if (this.stopped) { return; }
    clearTimeout(this.retryTimer);
    var wait = this.backoff + Math.random() * 100;
    this.backoff = Math.min(this.backoff * 2, BACKOFF_MAX_MS);
    this.retryTimer = setTimeout(function () { self.open(); }, wait);
  };

  // Now, not at the next backoff step: the browser is back online, or the person asked.
  ConsultSocket.prototype.reconnectNow = function (cause) {
    this.backoff = BACKOFF_FIRST_MS;
    if (this.ws) { this.drop(cause); } else { this.open(); }
  };

  ConsultSocket.prototype.renew = function () {
    var self = this;
    if (this.renewing) { return this.renewing; }
    var abort = new AbortController();
    var timer = setTimeout(function () { abort.abort(); }, TOKEN_TIMEOUT_MS);
    this.renewing = fetch(this.o.tokenUrl, {
      method: "POST", credentials: "same-origin", signal: abort.signal, cache: "no-store",
      headers: {"X-CSRFToken": this.o.csrf, "Accept": "application/json"}
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok && body.ws_url) {
          self.url = body.ws_url;
          self.expiresAt = Date.now() + body.expires_in * 1000;
          return body.ws_url;
        }
        var code = (body.error && body.error.code) || "";
        var final = FINAL_REFUSALS[code] || (response.status === 401 ? "signedOut" : null);
        throw {final: response.status < 500 ? final : null};
      });
    }).finally(function () {
      clearTimeout(timer);
      self.renewing = null;
    });
    return this.renewing;
  };

  ConsultSocket.prototype.tick = function () {
    if (this.stopped || !this.ws || !this.welcomed) { return; }
    var now = Date.now();
    var silent = now - this.lastHeard;
    if (silent > 2 * this.o.pingMs + 1000 || (this.stalled && silent > STALL_HEARD_MS)) {
      this.drop("heartbeat");
      return;
    }
    var lifetime = this.o.tokenSeconds * 1000;
    if (this.expiresAt - now < lifetime / 2) {
      this.renew().catch(function () { /* tried again at the next tick */ });
    }
  };

  ConsultSocket.prototype.ping = function () {
    if (!this.pingsPaused) { this.send({type: "ping", t: Date.now()}); }
  };

  // The media stalled (or came back): ask the server at once whether the socket still lives.
  ConsultSocket.prototype.mediaStalled = function (stalled) {
    this.stalled = stalled;
    if (stalled && this.lastHeard < Date.now() - 1000) { this.ping(); }
  };

  ConsultSocket.prototype.send = function (message) {
    if (!this.ws || !this.welcomed || this.ws.readyState !== WebSocket.OPEN) { return false; }
    this.ws.send(JSON.stringify(message));
    return true;
  };

  ConsultSocket.prototype.stop = function (why) {
    if (this.stopped) { return; }
    this.stopped = true;
    clearTimeout(this.retryTimer);
    var socket = this.ws;
    this.ws = null;
    if (socket) {
      socket.onmessage = null;
      socket.onclose = null;
      try { socket.close(1000, "bye"); } catch (e) { /* closing already */ }
    }
    this.o.on.stopped(why);
  };

  // Leaving on purpose: the other side reads "left", not "lost".
  ConsultSocket.prototype.leave = function () {
    this.send({type: "bye"});
    this.stop("left");
  };

  window.TcmConsultSocket = ConsultSocket;
})();
