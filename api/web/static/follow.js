// Live steps of a run: server-sent events from /web/runs/<id>/events update the table without reloading.
"use strict";
(function () {
  const run = document.getElementById("run");
  if (!run || !window.EventSource) return;
  const cell = (text) => { const td = document.createElement("td"); td.textContent = text; return td; };

  function show(status) {
    const state = document.getElementById("run-state");
    if (state.textContent !== status.state) {
      document.getElementById("live").textContent = "Run " + status.state.toLowerCase();
    }
    state.textContent = status.state;
    state.className = "state state-" + status.state.toLowerCase();
    const rows = status.steps.map((step) => {
      const tr = document.createElement("tr");
      const seconds = step.duration_s === null ? "" : step.duration_s.toFixed(1);
      tr.append(cell(step.name), cell(step.state), cell(seconds));
      return tr;
    });
    document.getElementById("steps").replaceChildren(...rows);
    const list = document.getElementById("fallback-list");
    list.replaceChildren(...status.fallbacks.map((f) => {
      const li = document.createElement("li"); li.textContent = "Scene " + (f.scene + 1) + ": " + f.reason; return li;
    }));
    document.getElementById("fallbacks").hidden = status.fallbacks.length === 0;
    const outcome = document.getElementById("outcome");
    if (status.watch_url) {
      const a = document.createElement("a");
      a.className = "button"; a.href = status.watch_url; a.textContent = "Watch the video";
      outcome.replaceChildren(a);
    } else if (status.failed_step) {
      const span = document.createElement("span");
      span.className = "error"; span.textContent = "Failed at " + status.failed_step + ": " + status.error;
      outcome.replaceChildren(span);
    }
  }

  const source = new EventSource(run.dataset.events);
  source.addEventListener("status", (event) => show(JSON.parse(event.data)));
  source.addEventListener("done", () => source.close());
})();
