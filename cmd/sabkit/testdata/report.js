// Test fixture, added to a built app by build_test.go: POSTs the app's
// result line to /report once it is final, with what the page saw. It waits
// while coi-serviceworker.js is about to reload the page.
(() => {
  const tick = () => {
    const r = document.getElementById("result");
    const coi = document.documentElement.dataset.coi || "";
    if (r && (r.dataset.done === "true" || r.dataset.ok === "false") && coi !== "pending" && coi !== "reloading") {
      const nav = performance.getEntriesByType("navigation")[0];
      fetch("/report", {
        method: "POST",
        body: JSON.stringify({ ok: r.dataset.ok === "true", text: r.textContent, isolated: crossOriginIsolated === true, coi, navigation: nav ? nav.type : "" }),
      });
      return;
    }
    setTimeout(tick, 100);
  };
  tick();
})();
