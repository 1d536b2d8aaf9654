// Voice notes (a text consult, a follow-up questionnaire): record with the phone's microphone (MediaRecorder) and put the
// recording into the form's voice file field, so Send posts it like a chosen file. Without a
// microphone or MediaRecorder the file field alone remains (a recording made elsewhere).
(function () {
  "use strict";
  var box = document.querySelector("[data-voice-recorder]");
  var field = document.querySelector("input[type=file][name=voice]");
  if (!box || !field || !window.MediaRecorder || !navigator.mediaDevices || !window.DataTransfer) return;
  var button = box.querySelector("[data-record]");
  var status = box.querySelector("[data-voice-status]");
  var recorder = null;
  var chunks = [];
  var started = 0;
  box.hidden = false;

  function attach(blob) {
    var type = blob.type || "audio/webm";
    var name = "voice." + (type.indexOf("mp4") >= 0 ? "m4a" : type.indexOf("ogg") >= 0 ? "ogg" : "webm");
    var transfer = new DataTransfer();
    transfer.items.add(new File([blob], name, { type: type }));
    field.files = transfer.files;
    var seconds = Math.max(1, Math.round((Date.now() - started) / 1000));
    status.textContent = status.dataset.recorded.replace("{s}", seconds);
  }

  button.addEventListener("click", function () {
    if (recorder && recorder.state === "recording") {
      recorder.stop();
      return;
    }
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      chunks = [];
      recorder = new MediaRecorder(stream);
      recorder.ondataavailable = function (event) { if (event.data.size) chunks.push(event.data); };
      recorder.onstop = function () {
        stream.getTracks().forEach(function (track) { track.stop(); });
        button.textContent = button.dataset.start;
        attach(new Blob(chunks, { type: recorder.mimeType }));
      };
      started = Date.now();
      recorder.start();
      button.textContent = button.dataset.stop;
      status.textContent = "";
    }).catch(function () {
      status.textContent = status.dataset.denied;
    });
  });
})();
