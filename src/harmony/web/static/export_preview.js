// "Preview Export" on the library and Traktor pages: runs the export's dry run (what `harmony traktor export
// --dry-run` prints) and shows, in a dialog, exactly what the export would write to collection.nml, with Export
// and Close.
"use strict";

(() => {
  const { api, latestOnly, onOperation, number, plural } = window.Harmony;
  const $ = (id) => document.getElementById(id);
  const dialog = $("export-dialog");
  const status = $("export-preview-status");
  const diff = $("export-preview-diff");
  const exportButton = $("export-confirm");
  let previewId = null; // the dry run this dialog waits for
  let finished = new Map(); // operation id -> its last event, in case it ends before its id is known

  function say(text, kind) {
    status.textContent = text;
    status.className = kind ? `export-status ${kind}` : "export-status";
  }

  function reset() {
    diff.textContent = "";
    diff.hidden = true;
    exportButton.hidden = true; // offered only once there is something to write
    exportButton.disabled = false;
  }

  async function showResult(operationId) {
    let op;
    try {
      op = await api("GET", `/api/operations/${encodeURIComponent(operationId)}`);
    } catch (error) {
      say(`The preview could not be read: ${error.message}`, "error");
      return;
    }
    if (operationId !== previewId) return;
    if (op.result.nothing_to_export && !op.result.left_out) {
      // Not "the file holds every edit": a backup restored since, or Traktor's own save, may have put older values
      // back (a sync brings those in), and the line said otherwise (found in a walk-through).
      say("Nothing to export: every edit made in Harmony has been exported.", "done");
      return;
    }
    if (op.result.nothing_to_export) {
      // Left out, and nothing else to write: saying "nothing to export" hid what Traktor will never get.
      say(`Nothing can be written: ${plural(op.result.left_out, "edit is", "edits are")} left out, and why:`, "error");
      showDiff(op);
      return;
    }
    say("The export will write these changes to collection.nml:", "done");
    showDiff(op);
    exportButton.hidden = false;
  }

  function showDiff(op) {
    const more = op.diff_lines > op.diff.length
      ? [`… and ${number(op.diff_lines - op.diff.length)} more lines`] : [];
    diff.textContent = [...op.diff, ...more].join("\n");
    diff.hidden = false;
  }

  function onEvent(event) {
    if (event.status === "succeeded") showResult(event.operation_id);
    else if (event.status === "failed") say(`The preview failed: ${event.error || event.message}`, "error");
    else if (event.status === "cancelled") say("The preview was cancelled.", "error");
    else say(event.message || "Working out what the export would write...");
  }

  onOperation((event) => {
    if (event.operation !== "export_preview") return;
    if (event.operation_id === previewId) onEvent(event);
    else if (previewId === null) finished.set(event.operation_id, event);
  });

  // Closed and opened again before the first preview had started: the first one's answer is not this dialog's.
  const askPreview = latestOnly();
  async function open() {
    const latest = askPreview();
    reset();
    previewId = null;
    finished = new Map();
    say("Working out what the export would write...");
    dialog.showModal();
    let accepted;
    try {
      accepted = await api("POST", "/api/traktor/export", { dry_run: true });
    } catch (error) {
      if (latest()) say(`The preview could not start: ${error.message}`, "error");
      return;
    }
    if (!latest()) return;
    previewId = accepted.operation_id;
    if (finished.has(previewId)) onEvent(finished.get(previewId));
  }

  exportButton.addEventListener("click", async () => {
    exportButton.disabled = true;
    try {
      await api("POST", "/api/traktor/export");
    } catch (error) {
      say(`The export could not start: ${error.message}`, "error");
      return;
    }
    dialog.close(); // the export's progress and outcome come as a notification, like any export
  });
  $("export-close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => { previewId = null; });
  $("preview-export").addEventListener("click", open);
})();
