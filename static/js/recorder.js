/* The editor's "Ghi âm bài học" (templates/authoring/_recorder.html), progressive enhancement:
   with getUserMedia and MediaRecorder, each language's form gets a recorder (record, stop,
   elapsed time and size, listen back, record again) and sends the recording as the form's
   "file" field, the way the file input would; the answer (JSON) updates the lesson's audio
   field above without reloading the page, so nothing typed in the editor is lost. Without
   this script, or without a microphone, the form posts a chosen file as it is. */
(function () {
  "use strict";
  if (!window.fetch || !window.FormData || !document.querySelector) return;
  var canRecord = !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia &&
    window.MediaRecorder);
  // What browsers record: Chrome/Firefox WebM (Opus), Firefox Ogg, Safari MP4.
  var TYPES = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"];
  var SUFFIX = { "audio/webm": "webm", "audio/ogg": "ogg", "audio/mp4": "m4a" };
  var number = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 1 });

  function size(bytes) { // as the server writes it (media_files.human_size): "42 KB", "2,1 MB"
    if (bytes < 1024 * 1024) return Math.max(1, Math.round(bytes / 1024)) + " KB";
    return number.format(Math.round(bytes / 1024 / 1024 * 10) / 10) + " MB";
  }

  function clock(ms) {
    var s = Math.floor(ms / 1000);
    return Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
  }

  function chosenType() {
    if (!MediaRecorder.isTypeSupported) return "";
    for (var i = 0; i < TYPES.length; i++) if (MediaRecorder.isTypeSupported(TYPES[i])) return TYPES[i];
    return "";
  }

  function setUp(form) {
    var t = form.dataset, tools = form.querySelector("[data-tools]");
    var start = form.querySelector("[data-rec=start]"), stop = form.querySelector("[data-rec=stop]");
    var status = form.querySelector("[data-status]"), player = form.querySelector("[data-playback]");
    var file = form.querySelector("input[type=file]"), current = form.querySelector("[data-current]");
    var max = parseInt(t.maxBytes, 10);
    var recorder = null, stream = null, chunks = [], began = 0, timer = null, recording = null;

    function say(text, cls) {
      status.textContent = text;
      status.className = "rec-status" + (cls ? " " + cls : "");
    }

    function finish() {
      clearInterval(timer);
      if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
      var type = (recorder.mimeType || chunks[0] && chunks[0].type || "audio/webm").split(";")[0];
      recording = new Blob(chunks, { type: type });
      recording.suffix = SUFFIX[type] || "webm";
      var took = clock(Date.now() - began);
      if (player.src) URL.revokeObjectURL(player.src);
      player.src = URL.createObjectURL(recording);
      player.hidden = false;
      start.disabled = false;
      stop.disabled = true;
      start.textContent = "● " + t.tAgain;
      if (recording.size > max) say(t.tRecorded + " " + took + " · " + size(recording.size) + ". " + t.tTooBig, "err");
      else say(t.tRecorded + " " + took + " · " + t.tSize + " " + size(recording.size));
      status.setAttribute("data-bytes", String(recording.size));
    }

    start.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (s) {
        stream = s;
        chunks = [];
        recording = null;
        player.hidden = true;
        var type = chosenType();
        recorder = type ? new MediaRecorder(s, { mimeType: type }) : new MediaRecorder(s);
        recorder.addEventListener("dataavailable", function (e) { if (e.data && e.data.size) chunks.push(e.data); });
        recorder.addEventListener("stop", finish);
        recorder.start(1000);
        began = Date.now();
        start.disabled = true;
        stop.disabled = false;
        var tick = function () {
          var bytes = chunks.reduce(function (n, c) { return n + c.size; }, 0);
          say(t.tRecording + " " + clock(Date.now() - began) + " · " + size(bytes), "recording");
          if (bytes > max) recorder.stop();
        };
        tick();
        timer = setInterval(tick, 500);
      }, function () { say(t.tDenied, "err"); });
    });

    stop.addEventListener("click", function () {
      if (recorder && recorder.state !== "inactive") recorder.stop();
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new FormData(form);
      var chosen = file.files && file.files.length;
      if (recording && !chosen) {
        if (recording.size > max) { say(t.tTooBig, "err"); return; }
        data.set("file", recording, "ghi-am-" + t.lang + "." + recording.suffix);
      } else if (!chosen) {
        say(t.tNothing, "err");
        return;
      }
      say(t.tSending);
      fetch(form.action, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { Accept: "application/json" }
      }).then(function (response) {
        return response.json().then(function (body) { return [response.ok, body]; },
          function () { return [false, { errors: [String(response.status)] }]; });
      }).then(function (result) {
        var ok = result[0], body = result[1];
        if (!ok) { say(t.tFailed + " " + (body.errors || []).join(" "), "err"); return; }
        var field = document.getElementById(t.audioField);
        if (field) field.value = body.path;
        current.textContent = body.path + " · " + t.tVoice + " " + body.reader;
        say(t.tSent + " (" + body.size + ")", "sent");
        file.value = "";
      }, function () { say(t.tFailed, "err"); });
    });

    if (canRecord) tools.hidden = false;
  }

  var forms = document.querySelectorAll("form.recorder");
  for (var i = 0; i < forms.length; i++) setUp(forms[i]);
})();
