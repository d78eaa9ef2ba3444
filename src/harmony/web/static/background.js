// The background panel: queued and running operations with Cancel, and the worker pools' statistics.
"use strict";

(() => {
  const { api, el, onOperation, number } = window.Harmony;
  const toggle = document.getElementById("background-toggle");
  const panel = document.getElementById("background-panel");
  const list = document.getElementById("background-operations");
  const count = document.getElementById("background-count");
  const statsBody = document.querySelector("#pool-stats tbody");
  const active = new Map(); // operation_id -> latest event
  let statsTimer = null;

  const NAMES = { import: "Import from Traktor", export: "Export to Traktor", preview: "Preview sync",
    export_preview: "Preview export" };

  // Each operation keeps its row while it runs: progress events update its text and bar in place, so the
  // Cancel button stays where it is (redrawn on every event, it moved under the DJ's pointer and a click missed).
  const rows = new Map(); // operation_id -> { item, text, bar }

  function row(event) {
    const cancel = el("button", { type: "button", class: "danger small", onclick: async () => {
      cancel.disabled = true;
      try {
        await api("POST", `/api/operations/${encodeURIComponent(event.operation_id)}/cancel`);
      } catch (error) {
        window.HarmonyNotifications.show(`cancel-${event.operation_id}`,
          { title: "Cancel failed", message: error.message, color: "red", autoClose: 5000 });
      }
    } }, "Cancel");
    const text = el("span", { class: "muted" });
    const bar = el("progress", { max: "100" });
    const item = el("li", { "data-operation": event.operation_id },
      el("strong", {}, NAMES[event.operation] || event.operation), text, bar, cancel);
    return { item, text, bar };
  }

  function render() {
    count.textContent = String(active.size);
    count.classList.toggle("busy", active.size > 0);
    for (const [id, shown] of rows) {
      if (!active.has(id)) {
        shown.item.remove();
        rows.delete(id);
      }
    }
    const empty = list.querySelector("li.muted:not([data-operation])");
    if (active.size === 0) {
      if (!empty) list.append(el("li", { class: "muted" }, "Nothing is running."));
      return;
    }
    if (empty) empty.remove();
    for (const event of active.values()) {
      let shown = rows.get(event.operation_id);
      if (!shown) {
        shown = row(event);
        rows.set(event.operation_id, shown);
        list.append(shown.item);
      }
      shown.text.textContent = ` ${event.status} — ${event.phase}: ${event.message} (${Math.round(event.percent)}%)`;
      shown.bar.value = event.percent;
    }
  }

  function ms(seconds) {
    return `${Math.round(seconds * 1000)} ms`;
  }

  async function refreshStats() {
    try {
      const stats = await api("GET", "/api/stats");
      statsBody.replaceChildren(...Object.entries(stats.pools).map(([name, pool]) => el("tr", {},
        el("td", {}, name), el("td", {}, pool.total_workers), el("td", {}, pool.busy_workers),
        el("td", {}, pool.queued_tasks), el("td", {}, number(pool.completed)), el("td", {}, pool.failed + pool.crashed),
        el("td", {}, ms(pool.run_time.p50)), el("td", {}, ms(pool.run_time.p90)))));
    } catch (_) {
      // the server is restarting; the next tick retries
    }
  }

  toggle.addEventListener("click", () => {
    const open = panel.hidden;
    panel.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    clearInterval(statsTimer);
    if (open) {
      refreshStats();
      statsTimer = setInterval(refreshStats, 2000);
    }
  });

  onOperation((event) => {
    if (event.status === "queued" || event.status === "running") active.set(event.operation_id, event);
    else active.delete(event.operation_id);
    render();
  });
})();
