// Janu's service worker: keeps the live page, its scripts, the in-browser pose
// engine and the models, so that live coaching opens and runs offline after
// the first visit. The engine and the models are named by their content hash
// and never change: they are served from the cache first. Pages and scripts
// come from the network first, from the cache when it is unreachable.
// Nothing else (the API, uploads, the history) is touched.
"use strict";

const CACHE = "janu-live-1";
const IMMUTABLE = /^\/(web|models)\//;
const OFFLINE = /^\/(live$|assets\/|manifest\.webmanifest$)/;

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

// Keep only the newest build of the engine and the models in use: an entry
// under /web/ or /models/ is dropped when another of the same file name comes.
async function keepNewest(cache, url) {
  const name = url.pathname.split("/").pop();
  for (const req of await cache.keys()) {
    const old = new URL(req.url);
    if (old.pathname !== url.pathname && IMMUTABLE.test(old.pathname) &&
        old.pathname.split("/").pop() === name) {
      await cache.delete(req);
    }
  }
}

async function cacheFirst(request, url) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request);
  if (hit) return hit;
  const res = await fetch(request);
  if (res.ok) {
    await cache.put(request, res.clone());
    await keepNewest(cache, url);
  }
  return res;
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const res = await fetch(request);
    if (res.ok) await cache.put(request, res.clone());
    return res;
  } catch (e) {
    const hit = await cache.match(request, { ignoreSearch: true });
    if (hit) return hit;
    throw e;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (IMMUTABLE.test(url.pathname)) {
    event.respondWith(cacheFirst(request, url));
  } else if (OFFLINE.test(url.pathname)) {
    event.respondWith(networkFirst(request));
  }
});
