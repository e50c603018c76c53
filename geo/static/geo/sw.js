// The service worker (geo.offline): pages and static files the user opened are kept, so a
// form opens again with no network; its records wait in offline.js's queue. Pages are
// taken from the network first (always current when online), static files from the cache
// first. Nothing else (tiles, APIs, event streams, POSTs) passes through here.
"use strict";
var PAGES = "safeatlas-pages-v1", FILES = "safeatlas-static-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function kept(cacheName, request, response) {
  if (response.ok && response.type === "basic" && !response.redirected) {
    var copy = response.clone();
    caches.open(cacheName).then(function (cache) { cache.put(request, copy); });
  }
  return response;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).then(function (response) {
      return kept(PAGES, request, response);
    }).catch(function () {
      return caches.match(request, {cacheName: PAGES}).then(function (hit) {
        return hit || new Response("<!doctype html><meta charset=utf-8><p>离线 · Offline</p>",
                                   {status: 503, headers: {"Content-Type": "text/html"}});
      });
    }));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request, {cacheName: FILES}).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        return kept(FILES, request, response);
      });
    }));
  }
});

// Signing out: the pages of the user who left are dropped from this phone.
self.addEventListener("message", function (event) {
  if (event.data === "forget-pages") {
    caches.delete(PAGES);
  }
});
