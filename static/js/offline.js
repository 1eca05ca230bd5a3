/* Lan Tỏa offline, page side (progressive enhancement): registers the service worker (sw.js),
   offers "Lưu để học khi không có mạng" on a lesson with the download size shown first, and
   says what became of answers kept on the phone. Without service workers nothing here runs
   and every page works as it does without JavaScript. Texts come from the server, translated:
   this script tag's data-* attributes and the save box's. */
(function () {
  "use strict";
  var me = document.currentScript, sw = navigator.serviceWorker;
  if (!me || !sw || !window.caches || !window.fetch) return;
  var say = me.dataset, box = document.getElementById("offline-save"), bar, button, out, pack;
  sw.register("/sw.js").catch(function () {});

  function tell(message) {
    if (sw.controller) sw.controller.postMessage(message);
    else sw.ready.then(function (reg) { if (reg.active) reg.active.postMessage(message); });
  }

  function line(text, url, link) {
    var p = document.createElement("span");
    p.textContent = text + " ";
    if (url) {
      var a = document.createElement("a");
      a.href = url;
      a.textContent = link;
      p.appendChild(a);
    }
    p.appendChild(document.createElement("br"));
    return p;
  }

  // The banner at the top of the page: answers sent (with their result), refused, or waiting.
  function show(d) {
    var parts = d.sent.map(function (s) {
      return s.ok ? line(say.sent, s.url, say.see) : line(say.failed + " " + (s.message || ""));
    });
    if (d.queued) parts.push(line(say.queued));
    if (!parts.length) return;
    if (!bar) {
      bar = document.createElement("p");
      bar.className = "notice";
      bar.setAttribute("role", "status");
      var main = document.querySelector("main") || document.body;
      main.insertBefore(bar, main.firstChild);
    }
    bar.textContent = "";
    parts.forEach(function (p) { bar.appendChild(p); });
  }

  // The offline page after an answer was kept (/offline?luu=1): no page is missing.
  var missing = document.getElementById("offline-missing");
  if (missing && /[?&]luu=1/.test(location.search)) missing.hidden = true;

  sw.onmessage = function (e) {
    var d = e.data || {};
    if ("saved" in d) saved(d.saved);
    else if ("queued" in d) { show(d); retry(d.queued); }
  };

  // Send what waits now, again whenever the connection returns, and, while answers wait and
  // the phone believes it is online (a weak signal seldom fires "online"), every 2, 4, 8…
  // up to 30 seconds.
  var timer = 0, wait = 2000;
  function flush() { timer = 0; tell({ flush: 1 }); }
  function retry(waiting) {
    clearTimeout(timer);
    timer = 0;
    if (!waiting) { wait = 2000; return; }
    if (navigator.onLine === false) return;
    timer = setTimeout(flush, wait);
    wait = Math.min(wait * 2, 30000);
  }
  flush();
  window.addEventListener("online", function () { wait = 2000; flush(); });

  // "Không phải tôi" on a shared phone: the pages kept for the last person go too.
  document.addEventListener("submit", function (e) {
    if (/\/not-me$/.test(e.target.action || "")) tell({ forget: 1 });
  });

  function saved(ok) {
    if (!box) return;
    button.disabled = false;
    out.textContent = ok ? box.dataset.saved : box.dataset.error;
  }

  if (!box) return;
  button = box.querySelector("button");
  out = box.querySelector("[role=status]");
  fetch(box.dataset.pack, { credentials: "same-origin" }).then(function (r) {
    return r.ok ? r.json() : null;
  }).then(function (p) {
    if (!p) return;
    pack = p;
    out.textContent = p.size;
    box.hidden = false;
    return caches.match(p.url).then(function (hit) {
      if (hit) out.textContent = box.dataset.saved;
    });
  }).catch(function () {});
  button.addEventListener("click", function () {
    button.disabled = true;
    out.textContent = box.dataset.saving;
    tell({ save: pack });
  });
})();
