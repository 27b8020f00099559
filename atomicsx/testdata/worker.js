// A Worker that runs one scenario from scenarios.js per message
// ({scenario, ...params}) and posts {ok, result} or {ok: false, error}.
// {scenario: "echo"} turns it into a postMessage echo server instead.
"use strict";
importScripts("/sabkit/sabkit-atomics.js", "scenarios.js");
onmessage = (e) => {
  const p = e.data;
  if (p.scenario === "echo") {
    onmessage = (m) => postMessage(m.data);
    postMessage({ ok: true, result: {} });
    return;
  }
  postMessage(Scenarios.run(p.scenario, p));
};
