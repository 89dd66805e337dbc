// Keeps the last loaded job sheet and the page's assets, so the sheet still opens without a connection.
// Reports are not handled here: the page queues them itself and retries with the same idempotency key.
"use strict";
var CACHE = "dispatch-sheet-v1";
var ASSETS = ["/static/app.css", "/static/sheet.js", "/static/icon.svg"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(ASSETS); }));
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n !== CACHE; }).map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname === "/tech/sheet") {
    // Network first: a fresh sheet when online, the last one kept when not.
    event.respondWith(
      fetch(request).then(function (response) {
        if (response.status === 401 || response.status === 403) {
          return Response.redirect("/tech/login", 303);
        }
        if (response.ok) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      }).catch(function () {
        // Each look-up is a promise (always truthy), so every fallback waits for the one before it.
        return caches.match(request).then(function (cached) {
          return cached || caches.match("/tech/sheet", { ignoreSearch: true });
        }).then(function (cached) {
          return cached ||
            new Response("Offline and no sheet kept yet.", { status: 503, headers: { "Content-Type": "text/plain" } });
        });
      })
    );
    return;
  }
  if (ASSETS.indexOf(url.pathname) >= 0) {
    event.respondWith(
      fetch(request).then(function (response) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        return response;
      }).catch(function () { return caches.match(request); })
    );
  }
});
