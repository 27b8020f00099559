// coi-serviceworker.js: cross-origin isolation for hosts that cannot send
// headers. sabkit build --coi-serviceworker ships it and loads it first
// from every page.
//
// On a page it registers itself as a service worker and reloads the page
// once, so that the page comes through the worker, which adds the isolation
// headers to every same-origin response. It tries once per tab: when the
// page still is not isolated after that reload, or the browser has no
// service workers (a private window, plain HTTP off localhost), it says why
// on the console and in <html data-coi="failed: …"> and leaves the page
// alone. <html data-coi> is "pending" while it registers, "reloading", and
// "isolated" once it works.
//
// What it cannot do: add headers to cross-origin responses (those still
// need Cross-Origin-Resource-Policy or CORS from their own server), isolate
// the very first load (hence the reload), or work where the browser keeps
// service workers off.
(() => {
  // Filled in by sabkit build from the same table as every host
  // configuration it writes.
  const HEADERS = /*HEADERS*/ {};

  if (typeof window === "undefined") {
    self.addEventListener("install", () => self.skipWaiting());
    self.addEventListener("activate", (e) => e.waitUntil(self.clients.claim()));
    self.addEventListener("fetch", (e) => {
      const req = e.request;
      // Same-origin only: a cross-origin response keeps its own headers.
      if (new URL(req.url).origin !== self.location.origin) return;
      if (req.cache === "only-if-cached" && req.mode !== "same-origin") return;
      e.respondWith(fetch(req).then((resp) => {
        if (resp.status === 0 || resp.type === "opaqueredirect") return resp;
        const headers = new Headers(resp.headers);
        for (const [name, value] of Object.entries(HEADERS)) headers.set(name, value);
        return new Response(resp.body, { status: resp.status, statusText: resp.statusText, headers });
      }));
    });
    return;
  }

  const KEY = "sabkit-coi-serviceworker";
  const root = document.documentElement;
  const store = (() => {
    try {
      return window.sessionStorage;
    } catch (e) {
      return null;
    }
  })();
  const fail = (why) => {
    root.dataset.coi = "failed: " + why;
    console.warn("sabkit coi-serviceworker: this page is not cross-origin isolated: " + why +
      ". Serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp instead.");
  };
  if (window.crossOriginIsolated) {
    root.dataset.coi = "isolated";
    if (store) store.removeItem(KEY);
    return;
  }
  if (!window.isSecureContext) return fail("not a secure context (HTTPS, or http://localhost), so there are no service workers");
  if (!("serviceWorker" in navigator) || !navigator.serviceWorker) return fail("this browser offers no service workers here (a private window, or they are turned off)");
  if (!store) return fail("sessionStorage is unavailable, so a reload could not be counted");
  if (store.getItem(KEY)) {
    // Tried once in this tab: the page came back without isolation.
    return fail("the page was reloaded through the service worker and still is not isolated (the browser does not apply headers a service worker adds)");
  }
  const reload = () => {
    store.setItem(KEY, "1");
    root.dataset.coi = "reloading";
    window.location.reload();
  };
  root.dataset.coi = "pending";
  const script = document.currentScript && document.currentScript.src;
  navigator.serviceWorker.register(script).then(() => {
    if (navigator.serviceWorker.controller) return reload();
    navigator.serviceWorker.addEventListener("controllerchange", reload, { once: true });
  }, (e) => fail("registering the service worker failed: " + (e && e.message || e)));
})();
