// The Operations view: the operations journal (every finished import, export, preview, rebuild and restore), filterable.
"use strict";

(() => {
  const { api, el, latestOnly, onOperation, utc } = window.Harmony;
  const $ = (id) => document.getElementById(id);
  const OUTCOME = { succeeded: ["Succeeded", "green"], failed: ["Failed", "red"], cancelled: ["Cancelled", "gray"] };

  function phases(record) {
    return Object.entries(record.seconds_per_phase || {}).map(([phase, s]) => `${phase} ${s.toFixed(2)}`).join(", ");
  }

  function row(record) {
    const [label, color] = OUTCOME[record.status] || [record.status, "gray"];
    const text = record.error || record.summary || "";
    // Each cell carries its column's name: on a phone a row is a card, one labelled line per detail.
    return el("tr", { "data-operation": record.operation, "data-status": record.status },
      el("td", { "data-label": "Finished" }, utc(record.finished_at).toLocaleString()),
      el("td", { "data-label": "Kind" }, record.operation.replace(/_/g, " ")), // "export_preview": "export preview"
      el("td", { "data-label": "Started by" }, record.trigger === "manual" ? "You" : record.trigger),
      el("td", { "data-label": "Outcome" }, el("span", { class: `badge ${color}` }, label)),
      el("td", { "data-label": "Summary", class: record.error ? "summary error" : "summary", title: text }, text),
      el("td", { "data-label": "Seconds", class: "num" }, record.seconds === null ? "" : record.seconds.toFixed(1)),
      el("td", { "data-label": "Phases", class: "muted phases", title: phases(record) }, phases(record)));
  }

  // Each change of a filter asks again; on a busy machine the answer for a filter chosen first came last, and the
  // list showed it under the filters chosen since.
  const ask = latestOnly();
  async function load() {
    const asked = ask();
    const params = new URLSearchParams();
    for (const name of ["operation", "status", "trigger"]) {
      const value = $(`filter-${name}`).value;
      if (value) params.set(name, value);
    }
    const body = $("history-table").querySelector("tbody");
    try {
      const found = await api("GET", `/api/history?${params}`);
      if (!asked()) return;
      body.replaceChildren(...(found.operations.length ? found.operations.map(row)
        : [el("tr", {}, el("td", { colspan: "7", class: "muted" }, "No operations match."))]));
    } catch (error) {
      if (!asked()) return;
      body.replaceChildren(el("tr", {}, el("td", { colspan: "7", class: "error" }, error.message)));
    }
    document.body.dataset.ready = "true";
  }

  for (const select of document.querySelectorAll("#history-filters select")) select.addEventListener("change", load);
  $("history-refresh").addEventListener("click", load);
  onOperation((event) => { if (!["queued", "running"].includes(event.status)) setTimeout(load, 500); });
  // Read once the page is shown: after Back, the browser puts the filters the DJ had chosen back in their fields
  // once the scripts have run, and a list read at once listed every operation under "Import".
  window.addEventListener("pageshow", () => load());
})();
