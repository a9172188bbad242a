// Service worker: keeps the app working offline once it has been loaded, and the example data,
// the workbook module (Excel files) and Kolada's list of groups once they have been used.
// Generated from scripts/sw.js by scripts/post-build.sh, which fills in the file list and the
// version (a hash of every built file). It only ever serves the app's own static files; user
// data never passes through it (files are read by the page, not fetched).
const VERSION = '__VERSION__';
const FILES = __FILES__;
const CACHE = 'kpb-' + VERSION;

// The example data, the workbook module and Kolada's groups are cached when first used, not on
// install.
const SCOPE = new URL(self.registration.scope).pathname;
const onDemand = (url) => ['exempel/', 'xlsx/', 'kolada/'].some((dir) => url.pathname.startsWith(SCOPE + dir)) && !url.search;

// A new version fetches, besides the app, the on-demand files the old one had kept (their new
// versions): an update never takes away what worked offline. One that is gone is left out.
async function usedBefore() {
  const used = new Set();
  for (const key of await caches.keys()) {
    if (key.startsWith('kpb-') && key !== CACHE) {
      for (const request of await (await caches.open(key)).keys()) {
        if (onDemand(new URL(request.url))) used.add(request.url);
      }
    }
  }
  return [...used];
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(FILES);
    await Promise.all((await usedBefore()).map((url) => cache.add(new Request(url, { cache: 'no-cache' })).catch(() => {})));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('kpb-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) {
    return;
  }
  // Navigations get the cached page; everything else comes from the cache first. The example
  // data, the workbook module and the groups, not cached on install, are kept once fetched whole
  // (fresh from the server, not from the browser's HTTP cache): offline, what the user has used
  // still works. Nothing else is added at run time.
  const url = new URL(request.url);
  const fetchAndKeep = onDemand(url) && request.mode !== 'navigate';
  const lookup = request.mode === 'navigate' ? caches.match('./index.html', { cacheName: CACHE }) : caches.match(request, { cacheName: CACHE });
  event.respondWith(lookup.then((hit) => hit || (fetchAndKeep ? fetch(request, { cache: 'no-cache' }).then((response) => {
    // Not a web page in place of the file (a host answering every address with one): kept, it
    // would stand in for the file until the next version of the app.
    const page = (response.headers.get('content-type') || '').startsWith('text/html');
    if (response.status === 200 && response.type === 'basic' && !page) {
      const copy = response.clone();
      event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
    }
    return response;
  }) : fetch(request))));
});
