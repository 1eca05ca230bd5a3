/* Lan Tỏa service worker: copies of the learner pages a phone opened or saved, to read
   without signal, and answers kept on the phone until the connection returns.
   Served at /sw.js (scope /) with VERSION and ASSETS filled in by the server. */
"use strict";
var VERSION = "__VERSION__", ASSETS = __ASSETS__;
var STATIC = "lt-static-" + VERSION, PAGES = "lt-pages-1", QUEUE = "queue";
// Learner pages worth keeping: home, lessons, quiz and survey forms, results, the offline page.
// Never /staff, /identify, poster or class links, downloads (PDF), or any POST.
var PAGE = /^\/(|lessons\/[^/]+|quizzes\/[^/]+|surveys\/[^/]+|results\/[^/]+|offline)$/;
var MEDIA = /^\/(media|uploads)\//;
var FORM = /^\/(quizzes|surveys)\/[^/]+$/;

self.addEventListener("install", function (e) {
  e.waitUntil(
    caches.open(STATIC).then(function (c) {
      return c.addAll(ASSETS.map(function (u) { return new Request(u, { cache: "reload" }); }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (e) {
  e.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.map(function (k) {
        if (k.indexOf("lt-") === 0 && k !== STATIC && k !== PAGES) return caches.delete(k);
      }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (e) {
  var r = e.request, u = new URL(r.url), p = u.pathname;
  if (u.origin !== location.origin) return;
  if (r.method === "POST") {
    if (r.mode === "navigate" && FORM.test(p)) e.respondWith(post(r));
    return;
  }
  if (r.method !== "GET") return;
  if (p.indexOf("/static/") === 0) e.respondWith(cacheFirst(r, STATIC));
  else if (MEDIA.test(p)) e.respondWith(cacheFirst(r, PAGES));
  else if (r.mode === "navigate" && PAGE.test(p)) e.respondWith(networkFirst(r));
});

function cacheFirst(r, name) {
  return caches.match(r, { ignoreVary: true }).then(function (hit) {
    return hit || fetch(r).then(function (res) {
      // Whole files only (an audio range answer, 206, cannot be stored).
      if (res.status === 200 && res.type === "basic") {
        var copy = res.clone();
        caches.open(name).then(function (c) { c.put(r, copy); });
      }
      return res;
    });
  });
}

function networkFirst(r) {
  return fetch(r).then(function (res) {
    if (res.ok && res.type === "basic") {
      var copy = res.clone();
      caches.open(PAGES).then(function (c) { c.put(r, copy); });
    }
    return res;
  }, function () {
    return caches.open(PAGES).then(function (c) {
      return c.match(r, { ignoreVary: true }).then(function (hit) {
        return hit || c.match(r, { ignoreSearch: true, ignoreVary: true });
      });
    }).then(function (hit) {
      return hit || caches.match("/offline", { ignoreSearch: true });
    }).then(function (hit) { return hit || Response.error(); });
  });
}

// A quiz or survey form sent without signal: keep it (with the time it was answered) and say
// so; it is sent again, once, when the connection returns. Its idempotency token is its key.
function post(r) {
  var copy = r.clone();
  return fetch(r).then(function (res) {
    if (res.type === "opaqueredirect") forget(r.url); // recorded: the server redirected
    return res;
  }, function () {
    return copy.text().then(function (body) {
      var token = new URLSearchParams(body).get("submission_token") || String(Date.now());
      return store("readwrite", function (s) {
        s.put({ id: token, path: new URL(r.url).pathname, body: body, at: Date.now() });
      });
    }).then(function () {
      if (self.registration.sync) self.registration.sync.register("lt-send").catch(function () {});
      tell([]);
      return Response.redirect("/offline?luu=1", 303);
    });
  });
}

// A form already answered is not offered again from the cache.
function forget(url) {
  return caches.open(PAGES).then(function (c) {
    return c.delete(new URL(url, location.origin).pathname, { ignoreSearch: true });
  });
}

function store(mode, work) {
  return new Promise(function (ok, fail) {
    var open = indexedDB.open("lantoa", 1);
    open.onupgradeneeded = function () { open.result.createObjectStore(QUEUE, { keyPath: "id" }); };
    open.onerror = function () { fail(open.error); };
    open.onsuccess = function () {
      var t = open.result.transaction(QUEUE, mode), q = work(t.objectStore(QUEUE));
      t.oncomplete = function () { ok(q && q.result); };
      t.onerror = function () { fail(t.error); };
    };
  });
}

function queued() {
  return store("readonly", function (s) { return s.getAll(); });
}

var sending = null;
function flush() {
  if (!sending) sending = send().then(function (left) { sending = null; return left; },
    function (err) { sending = null; throw err; });
  return sending;
}

// Send each kept answer once. The server acknowledges (2xx), refuses for good (4xx: the
// learner is told why) or asks to retry (409, 429, 5xx, no network); only an acknowledged or
// refused answer leaves the phone.
function send() {
  var done = [];
  return queued().then(function (items) {
    return items.reduce(function (prev, it) {
      return prev.then(function (stop) {
        if (stop) return true;
        return fetch("/offline" + it.path, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Lantoa-Offline": "1" },
          body: it.body + "&answered_at=" + it.at + "&sent_at=" + Date.now()
        }).then(function (res) {
          if (res.status === 409 || res.status === 429 || res.status >= 500) return false;
          return res.json().catch(function () { return {}; }).then(function (j) {
            done.push({ ok: res.ok, url: j.result, message: j.message });
            return store("readwrite", function (s) { s.delete(it.id); }).then(function () {
              return forget(it.path);
            }).then(function () { return false; });
          });
        }, function () { return true; });
      });
    }, Promise.resolve(false));
  }).then(function () { return tell(done); });
}

// Every open page learns how many answers wait and which were just sent.
function tell(done) {
  return queued().then(function (items) {
    return self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (cs) {
      cs.forEach(function (c) { c.postMessage({ queued: items.length, sent: done }); });
      return items.length;
    });
  });
}

self.addEventListener("sync", function (e) {
  if (e.tag === "lt-send") {
    e.waitUntil(flush().then(function (left) { if (left) throw new Error("retry"); }));
  }
});

self.addEventListener("message", function (e) {
  var d = e.data || {};
  if (d.flush) e.waitUntil(flush());
  if (d.forget) e.waitUntil(caches.delete(PAGES));
  if (d.save) {
    e.waitUntil(save(d.save).then(function (ok) {
      e.source.postMessage({ saved: ok, pack: d.save.url });
    }));
  }
});

// "Lưu để học khi không có mạng": fetch every file of a topic's pack into the page cache
// (a quiz form is stored under its plain address, the one the lesson links to), then the
// pack itself, which marks the topic as saved.
function save(pack) {
  return caches.open(PAGES).then(function (c) {
    return pack.files.reduce(function (prev, f) {
      return prev.then(function () {
        return fetch(f.fetch || f.url, { credentials: "same-origin", headers: { "X-Lantoa-Save": "1" } })
          .then(function (res) {
            if (!res.ok || res.redirected) throw new Error(f.url);
            return c.put(f.url, res);
          });
      });
    }, Promise.resolve()).then(function () {
      return c.put(pack.url, new Response(JSON.stringify(pack), {
        headers: { "Content-Type": "application/json" }
      }));
    });
  }).then(function () { return true; }, function () { return false; });
}
