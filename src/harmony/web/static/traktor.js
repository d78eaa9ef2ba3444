// The Traktor page: the collection and its badges, the sync options, auto-sync, Preview / Sync / Cancel.
"use strict";

(() => {
  const { api, el, latestOnly, onEvent, onOperation, onAutoSync, number, plural, utc, when } = window.Harmony;
  const $ = (id) => document.getElementById(id);
  const notify = window.HarmonyNotifications;
  const mine = new Set(); // operations started from this page, which Cancel stops
  let previewId = null;

  // A number field's whole value, or why it cannot be saved, in the field's own words and unit. A cleared field
  // is "" (so is text a number field cannot hold), which Number() reads as 0: the library then answered "must be
  // at least 1, not 0" to a DJ who had typed no 0.
  function wholeNumberIn(input, what, unit = "") {
    const text = input.value;
    const value = Number(text);
    const low = Number(input.min), high = Number(input.max);
    if (text !== "" && Number.isInteger(value) && value >= low && value <= high) return { value };
    const kind = unit ? `a whole number of ${unit}` : "a whole number";
    // Text the field cannot read as a number ("ten", "5 5") is "" too: the browser says which it was.
    if (!text) {
      const said = input.validity.badInput ? "not a number" : "empty";
      return { error: `${what} must be ${kind} from ${low} to ${high}: the field is ${said}.` };
    }
    return { error: `${what} must be ${kind} from ${low} to ${high}, not ${text}.` };
  }

  function fail(title, error, id = `error-${Date.now()}`) {
    notify.show(id, { title, message: error.message || String(error), color: "red", autoClose: 5000 });
  }

  // One notice for the settings' refusals: a DJ trying values one after the other saw a red stack grow.
  const SETTINGS_REFUSED = "settings-refused";

  // --- settings ---------------------------------------------------------------------------------------------

  // Mappings arrive as {NML prefix: local folder}; shown one per line as "prefix = folder". Either side may
  // hold "=", so a line is split at " = " when it has one, else at its first "=".
  function mappingsText(mappings) {
    return Object.entries(mappings).map(([prefix, folder]) => `${prefix} = ${folder}`).join("\n");
  }

  function mappingsObject(text) {
    const out = {};
    for (const line of text.split("\n")) {
      const spaced = line.indexOf(" = ");
      const at = spaced >= 0 ? spaced : line.indexOf("=");
      if (at < 0) continue;
      const prefix = line.slice(0, at).trim();
      const folder = line.slice(at + (spaced >= 0 ? 3 : 1)).trim();
      if (prefix && folder) out[prefix] = folder;
    }
    return out;
  }

  function fill(config) {
    $("nml-path").value = config.nml_path || "";
    $("track-strategy").value = config.track_strategy;
    $("cue-strategy").value = config.cue_strategy;
    $("auto-backup").checked = config.auto_backup;
    $("backups-to-keep").value = config.backups_to_keep;
    $("key-notation").value = config.key_notation;
    $("completion-sound").checked = config.completion_sound;
    document.dispatchEvent(new CustomEvent("harmony:settings", { detail: config }));
    $("path-mappings").value = mappingsText(config.path_mappings);
    // Every mapping in sight, and a line to add one (a DJ with four drives saw two and a half).
    $("path-mappings").rows = Math.min(10, Math.max(2, Object.keys(config.path_mappings || {}).length + 1));
    const auto = config.auto_sync;
    $("auto-sync-enabled").checked = auto.enabled;
    $("auto-sync-enabled").disabled = !config.nml_path;
    $("auto-sync-direction").value = auto.direction;
    $("auto-sync-startup").checked = auto.on_startup;
    $("auto-sync-library").checked = auto.on_library_change;
    $("auto-sync-debounce").value = Math.round(auto.debounce_ms / 1000);
    $("auto-sync-options").hidden = !auto.enabled;
    $("debounce-field").hidden = !auto.on_library_change;
  }

  // A setting saves as it changes, with no button: "Saved" beside the field it came from says that it took, for
  // a moment (a DJ could not tell whether a new strategy had been kept).
  const savedMarks = new Map();
  function markSaved(field) {
    const label = field && (field.closest("label") || field.parentElement);
    if (!label) return;
    let mark = label.querySelector(":scope > .saved-mark");
    if (!mark) {
      mark = el("span", { class: "saved-mark", role: "status" }, "Saved");
      label.append(mark);
    }
    clearTimeout(savedMarks.get(mark));
    savedMarks.set(mark, setTimeout(() => { mark.remove(); savedMarks.delete(mark); }, 2500));
  }

  // The settings drawn are the ones asked for last: on a busy machine the page's first read of them came after a
  // save the DJ had made meanwhile, and put back the path before it (the field went empty).
  const askConfig = latestOnly();
  function fillIfLatest(latest) {
    return (config) => { if (latest()) fill(config); };
  }

  async function save(changes, field = null) {
    const latest = askConfig();
    try {
      fillIfLatest(latest)(await api("PUT", "/api/traktor/config", changes));
      notify.hide(SETTINGS_REFUSED);
      markSaved(field);
      return true;
    } catch (error) {
      await refuseSetting(error);
      return false;
    }
  }

  // Say why, and put the saved values back in the fields.
  async function refuseSetting(error) {
    for (const mark of document.querySelectorAll(".saved-mark")) mark.remove(); // an earlier "Saved" is not this
    fail("Failed to save the settings", error, SETTINGS_REFUSED);
    const latest = askConfig();
    fillIfLatest(latest)(await api("GET", "/api/traktor/config"));
  }

  function badge(text, color) {
    return el("span", { class: `badge ${color}` }, text);
  }

  let autoSyncHeard = 0; // auto-sync events seen: an answer asked for before the latest one is older than it

  // The badges of a collection chosen before another (read at 100,000 tracks for seconds) must not replace the
  // later one's.
  const askInfo = latestOnly();
  // The export line is drawn from the badges' answer and from the status asked after an edit: whichever was asked
  // last (a status asked before an export came after the export's badges, and said edits were waiting again).
  const askExportLine = latestOnly();
  async function loadInfo() {
    const asked = autoSyncHeard;
    const latest = askInfo();
    const exportLine = askExportLine();
    $("nml-badges").replaceChildren(el("span", { class: "muted" }, "Reading the collection…"));
    let info;
    try {
      info = await api("GET", "/api/traktor/info");
      if (!latest()) return;
    } catch (error) {
      if (!latest()) return;
      $("nml-badges").replaceChildren();
      fail("Failed to parse collection.nml", error);
      return;
    }
    const c = info.collection;
    $("nml-badges").replaceChildren(...(c ? [
      badge(plural(c.tracks, "track"), "blue"), badge(plural(c.playlists, "playlist"), "green"),
      ...(c.smart_lists ? [badge(plural(c.smart_lists, "smart list"), "green")] : []),
      badge(plural(c.folders, "folder"), "violet"), badge(plural(c.cue_points.total, "cue point"), "orange"),
      el("span", { class: "muted" }, `NML v${c.version ?? "?"}`)] : []));
    $("nml-error").hidden = !info.error;
    $("nml-error").textContent = info.error || "";
    const suggestion = info.default_nml_path || null;
    $("nml-suggestion").hidden = !suggestion || suggestion === info.configured_nml_path;
    $("use-default").textContent = suggestion || "";
    if (!$("nml-path").value && info.nml_path) $("nml-path").placeholder = info.nml_path;
    // An auto-sync event heard meanwhile is newer than the answer's status: it is kept, with the answer's times
    // (the event drawn before the answer came had no "Last sync" to show).
    showAutoSync(autoSyncHeard === asked ? info.auto_sync : lastAutoSync, info.library);
    if (exportLine()) showExport(info.library, null);
    // The last sync's line survives a reload: it is read back from the operations journal, unless a sync heard
    // on this page has said it already.
    const synced = info.library && info.library.last_sync;
    if (synced && $("sync-result").hidden) showSyncResult(synced, utc(synced.finished_at));
    else if (!synced) dropSyncFailure();
  }

  // A failed or cancelled sync's line is about a file that a later write (an export, a rebuild, a restore) has
  // replaced: "Sync failed: the collection looks damaged" stayed after the DJ had restored a good copy. The
  // server says so (no `last_sync`, harmony.service.last_sync); the page asks again after each operation that
  // succeeded, and after a restore.
  function dropSyncFailure() {
    const line = $("sync-result");
    if (!line.hidden && line.dataset.status !== "succeeded") line.hidden = true;
  }

  let exportLibrary = null;
  function showExport(given, outcome) {
    const library = given || exportLibrary;
    exportLibrary = library;
    const parts = [];
    if (library) {
      parts.push(library.pending_export ? "Library edits are waiting to be exported." : "Nothing waits to be exported.");
      if (library.last_export_at && library.exported) {
        parts.push(`Last export: ${when(utc(library.last_export_at))}.`);
      }
    }
    if (outcome && outcome.backup_path) parts.push(`Backup: ${outcome.backup_path}`);
    if (parts.length) $("export-status").textContent = parts.join(" ");
  }

  // An edit made anywhere (the library page, another tab, the CLI) may leave edits waiting, or an undo none: the
  // line follows, asked once for a burst of edits. It said "Nothing waits to be exported" until a reload, and a
  // DJ trusting it would open Traktor without their edits.
  let exportAsk = null;
  onEvent("library_changed", () => {
    if (exportAsk !== null) return;
    exportAsk = setTimeout(async () => {
      exportAsk = null;
      if (!exportLibrary) return; // the badges' answer, still to come, draws the line
      const latest = askExportLine();
      try {
        const status = await api("GET", "/api/traktor/status");
        if (exportLibrary && latest()) showExport({ ...exportLibrary, pending_export: status.pending_export }, null);
      } catch (_) {
        // the next edit asks again; the line keeps what it knew
      }
    }, 300);
  });

  // What the last sync from Traktor did, kept on the page: its notification closes after a few seconds, and a
  // preview shown before it ("Would update 2 tracks") is out of date once it has applied.
  // `finished`: when it ended, for a sync read back from the journal (after a reload); a sync heard now ended now.
  function showSyncResult(event, finished = new Date()) {
    const line = $("sync-result");
    const at = when(finished);
    if (event.status === "succeeded") {
      const r = event.result;
      const missing = (r.files_not_found || 0) + (r.files_lost || 0);
      // The summary already counts the files not found; the page says where to go about them.
      line.replaceChildren(`Synced at ${at}: ${r.summary}`, ...(missing > 0
        ? [". See ", el("a", { href: "/missing" }, "Find missing files"), "."] : []));
      line.className = missing > 0 ? "warning" : "";
      const preview = previewId ? lastEvents.get(previewId) : null;
      if (!preview || (preview.status !== "queued" && preview.status !== "running")) $("preview").hidden = true;
    } else if (event.status === "cancelled") {
      line.textContent = `Sync cancelled at ${at}: nothing was changed.`;
      line.className = "";
    } else {
      line.textContent = `Sync failed at ${at}: ${event.error || event.message || "unknown error"}`;
      line.className = "error";
    }
    line.dataset.status = event.status;
    line.hidden = false;
  }

  // --- auto-sync --------------------------------------------------------------------------------------------

  let lastLibrary = null;
  let lastAutoSync = null; // the latest auto-sync status heard
  function showAutoSync(status, library) {
    if (library) lastLibrary = library;
    const b = $("auto-sync-badge");
    if (!status || status.state === "off") {
      b.textContent = "Off";
      b.className = "badge gray";
    } else if (status.running) {
      b.textContent = "Syncing...";
      b.className = "badge blue";
    } else if (status.state === "waiting_for_traktor") {
      b.textContent = "Waiting for Traktor";
      b.className = "badge orange";
    } else if (status.state === "damaged") {
      b.textContent = "Paused: damaged collection";
      b.className = "badge red";
    } else if (status.last_error) {
      b.textContent = "Error";
      b.className = "badge red";
    } else {
      b.textContent = "Idle";
      b.className = "badge gray";
    }
    // The later of auto-sync's last run and the last import (a sync by hand after auto-sync ran is the last).
    const times = [status && status.last_sync_at, lastLibrary && lastLibrary.last_import_at].filter(Boolean).map(utc);
    const last = times.length ? new Date(Math.max(...times)) : null;
    $("auto-sync-last").textContent = last ? `Last sync: ${when(last)}` : "";
    $("auto-sync-error").hidden = !(status && status.last_error && !status.running);
    $("auto-sync-error").textContent = (status && status.last_error) || "";
  }

  // --- the folder browser -----------------------------------------------------------------------------------

  const askListing = latestOnly(); // two folders clicked quickly: the last one is shown
  async function browse(path) {
    const latest = askListing();
    let listing;
    try {
      listing = await api("GET", `/api/files${path ? `?path=${encodeURIComponent(path)}` : ""}`);
      if (!latest()) return;
    } catch (error) {
      if (!latest()) return;
      fail("Failed to select file", error);
      return;
    }
    $("browser").hidden = false;
    $("browser-path").textContent = listing.path;
    $("browser-up").disabled = !listing.parent;
    $("browser-up").onclick = () => browse(listing.parent);
    $("browser-entries").replaceChildren(...listing.entries.map((entry) => el("li", {},
      el("button", { type: "button", class: `link ${entry.kind}`, onclick: async () => {
        if (entry.kind === "folder") return browse(entry.path);
        $("nml-path").value = entry.path;
        $("browser").hidden = true;
        if (await save({ nml_path: entry.path })) loadInfo();
      } }, entry.kind === "folder" ? `${entry.name}/` : `♪ ${entry.name}`))));
    if (!listing.entries.length) $("browser-entries").append(el("li", { class: "muted" }, "No folders or .nml files here."));
  }

  // --- operations -------------------------------------------------------------------------------------------

  function body() {
    const mappings = mappingsObject($("path-mappings").value);
    return Object.keys(mappings).length ? { path_mappings: mappings } : {};
  }

  // The operation each button starts, and the ones running now: a button is off while its kind runs, so a
  // second click cannot ask for the same work twice.
  const BUTTONS = { import: "sync-button", export: "export-button" };
  const running = new Map(); // operation id -> kind
  function updateButtons() {
    const kinds = new Set(running.values());
    for (const [kind, id] of Object.entries(BUTTONS)) {
      $(id).disabled = kinds.has(kind);
      $(id).title = kinds.has(kind) ? "Running: its progress is shown in the notification." : "";
    }
  }

  async function start(url, button, extra = {}) {
    button.disabled = true;
    const preview = url.endsWith("preview");
    try {
      const accepted = await api("POST", url, { ...body(), ...extra });
      // An operation that already ended (a sync refused at once) has nothing left to cancel: its last event came
      // before this answer, and Cancel stayed live with nothing running.
      const last = lastEvents.get(accepted.operation_id);
      if (!last || last.status === "queued" || last.status === "running") {
        mine.add(accepted.operation_id);
        $("cancel-button").disabled = false;
      }
      return accepted;
    } catch (error) {
      if (error.status === 409 && !preview) {
        // The same work is already running (another click, another page, auto-sync): follow that one.
        notify.show(`joined-${Date.now()}`, { title: "Already running",
          message: "This collection is already being synced; its progress is shown here.", color: "blue", autoClose: 4000 });
        return null;
      }
      fail(preview ? "Failed to analyze sync" : url.endsWith("sync") ? "Sync failed" : "Export failed", error);
      return null;
    } finally {
      button.disabled = false;
      updateButtons();
    }
  }

  function previewProgress(event) {
    const bar = $("preview-progress");
    bar.hidden = event.status !== "queued" && event.status !== "running";
    bar.querySelector(".bar").style.width = `${Math.round(event.percent)}%`;
    bar.querySelector(".message").textContent = notify.progressLine(event.phase, event.message, event.percent);
  }

  async function previewDone(event) {
    previewProgress(event);
    $("preview-error").hidden = event.status !== "failed" && event.status !== "cancelled";
    $("preview-error").textContent = event.error || (event.status === "cancelled" ? event.message : "");
    if (event.status !== "succeeded") return;
    const r = event.result;
    // What would happen, counted once: the summary line counts what would be imported, updated and removed, the
    // files not found and the conflicts (the list said "2 tracks would be updated" and then "Would update 2
    // tracks" under it). The lines after it count the tracks already in the library and explain the rest.
    $("preview-summary").replaceChildren(
      el("li", { class: "lead" }, r.summary),
      el("li", { class: "muted" }, `${plural(r.tracks_matched, "track")} already in the library`),
      ...(r.files_not_found > 0
        ? [el("li", {}, "A track whose file is not found is imported as a missing track (see Find missing files).")] : []),
      // A change made on both sides loses one of them: said beside the counts, not only in the diff below.
      ...(r.conflicts_total > 0
        ? [el("li", { class: "warning" }, `${r.conflicts_total === 1 ? "A conflict is a change" : "Conflicts are changes"} made in both Harmony and Traktor: the strategy settles ${r.conflicts_total === 1 ? "it" : "them"} (see “Conflicts” below).`)] : []));
    const op = await api("GET", `/api/operations/${encodeURIComponent(event.operation_id)}`);
    $("preview-diff").textContent = op.diff.join("\n");
    $("preview-diff-count").textContent = op.diff_lines > op.diff.length
      ? `(first ${number(op.diff.length)} of ${number(op.diff_lines)} lines)` : `(${plural(op.diff_lines, "line")})`;
    $("preview-diff-box").hidden = false;
  }

  const lastEvents = new Map(); // the latest event of each operation, for one that ends before its 202 arrives

  function onPreviewEvent(event) {
    if (event.status === "queued" || event.status === "running") previewProgress(event);
    else previewDone(event);
  }

  // An import that would remove much of the library stops and asks: the DJ confirms, and it is sent again.
  function askMassRemoval(event) {
    $("mass-removal-message").textContent = event.error;
    $("mass-removal").hidden = false;
    $("mass-removal-confirm").focus();
  }

  onOperation((event) => {
    lastEvents.set(event.operation_id, event);
    if (event.status === "queued" || event.status === "running") {
      if (BUTTONS[event.operation]) running.set(event.operation_id, event.operation);
    } else {
      running.delete(event.operation_id);
    }
    updateButtons();
    if (event.operation === "export" && event.status === "succeeded") {
      // Say at once that nothing waits any more (the badges are read again behind it).
      if (exportLibrary) exportLibrary = { ...exportLibrary, pending_export: false, exported: true,
        last_export_at: new Date().toISOString() };
      showExport(null, event.result);
    }
    if (event.status === "failed" && event.error_code === "mass_removal") {
      askMassRemoval(event);
    } else if (event.operation === "import" && event.status !== "queued" && event.status !== "running") {
      showSyncResult(event);
      if (event.status === "failed") loadInfo(); // the badges are read again: the file may be damaged since
    }
    if (event.operation_id === previewId) onPreviewEvent(event);
    if (event.status !== "queued" && event.status !== "running") {
      mine.delete(event.operation_id);
      $("cancel-button").disabled = mine.size === 0;
      if (event.status === "succeeded" && event.operation !== "preview") {
        loadInfo().then(() => { if (event.operation === "export") showExport(null, event.result); });
      }
    } else if (event.operation !== "preview" || event.operation_id === previewId) {
      mine.add(event.operation_id); // a page opened mid-operation can cancel it too
      $("cancel-button").disabled = false;
    }
  });
  onAutoSync((status) => {
    autoSyncHeard += 1;
    lastAutoSync = status;
    showAutoSync(status, null);
  });
  document.addEventListener("harmony:collection-changed", () => loadInfo());

  // --- wiring -----------------------------------------------------------------------------------------------

  $("nml-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const path = $("nml-path").value.trim();
    if (await save({ nml_path: path || null })) loadInfo();
  });
  $("use-default").addEventListener("click", async () => {
    if (await save({ nml_path: $("use-default").textContent })) loadInfo();
  });
  $("browse-button").addEventListener("click", () => browse(null));
  $("browser-close").addEventListener("click", () => { $("browser").hidden = true; });
  $("path-mappings").addEventListener("change",
    () => save({ path_mappings: mappingsObject($("path-mappings").value) }, $("path-mappings")));
  for (const input of document.querySelectorAll("[data-setting]")) {
    input.addEventListener("change", () => {
      if (input.type !== "number") {
        save({ [input.dataset.setting]: input.type === "checkbox" ? input.checked : input.value }, input);
        return;
      }
      const checked = wholeNumberIn(input, input.dataset.label);
      if (checked.error) refuseSetting(new Error(checked.error));
      else save({ [input.dataset.setting]: checked.value }, input);
    });
  }
  for (const input of document.querySelectorAll("[data-auto]")) {
    input.addEventListener("change", () => {
      save({ auto_sync: { [input.dataset.auto]: input.type === "checkbox" ? input.checked : input.value } }, input);
    });
  }
  // Asked in seconds, so refused in seconds: the API's own limit is in milliseconds.
  $("auto-sync-debounce").addEventListener("change", async () => {
    const checked = wholeNumberIn($("auto-sync-debounce"), "The debounce delay", "seconds");
    if (checked.error) refuseSetting(new Error(checked.error));
    else save({ auto_sync: { debounce_ms: checked.value * 1000 } }, $("auto-sync-debounce"));
  });
  $("preview-button").addEventListener("click", async () => {
    $("preview").hidden = false;
    $("preview-summary").replaceChildren();
    $("preview-diff-box").hidden = true;
    $("preview-error").hidden = true;
    previewProgress({ status: "queued", phase: "starting", message: "Starting preview...", percent: 0 });
    const accepted = await start("/api/traktor/preview", $("preview-button"));
    previewId = accepted ? accepted.operation_id : null;
    if (!accepted) {
      // Nothing started: take away "Starting preview…" and say so where the preview would have been.
      $("preview-progress").hidden = true;
      $("preview-progress").querySelector(".message").textContent = "";
      $("preview-error").hidden = false;
      $("preview-error").textContent = "The preview did not start; see the message in the corner.";
    }
    if (previewId && lastEvents.has(previewId)) onPreviewEvent(lastEvents.get(previewId));
  });
  $("sync-button").addEventListener("click", () => {
    $("mass-removal").hidden = true;
    start("/api/traktor/sync", $("sync-button"));
  });
  $("mass-removal-confirm").addEventListener("click", () => {
    $("mass-removal").hidden = true;
    start("/api/traktor/sync", $("sync-button"), { allow_mass_removal: true });
  });
  $("mass-removal-keep").addEventListener("click", () => { $("mass-removal").hidden = true; });
  $("export-button").addEventListener("click", () => start("/api/traktor/export", $("export-button")));
  $("cancel-button").addEventListener("click", async () => {
    for (const id of mine) {
      try {
        await api("POST", `/api/operations/${encodeURIComponent(id)}/cancel`);
      } catch (error) {
        fail("Cancel failed", error);
      }
    }
  });

  // The page is ready (its fields hold the stored settings) once the configuration has arrived.
  // A path typed while the settings were still coming stays in its field (they wiped it on a slow machine).
  let pathTyped = false;
  $("nml-path").addEventListener("input", () => { pathTyped = true; }, { once: true });
  const firstFill = fillIfLatest(askConfig());
  api("GET", "/api/traktor/config")
    .then((config) => {
      const typed = pathTyped ? $("nml-path").value : null;
      firstFill(config);
      if (typed !== null) $("nml-path").value = typed;
    }, (error) => fail("Failed to load configuration", error))
    .finally(() => {
      // The first read is over: with no settings sent (it failed, or a save's answer overtook it and the save
      // was refused), the banners and backups are read all the same (recovery.js; once only).
      document.dispatchEvent(new CustomEvent("harmony:settings-unread"));
      document.body.dataset.ready = "true";
      // "Preview Sync" on another page's notice (a collection restored from a backup) comes here to preview.
      if (location.hash === "#preview-sync") {
        history.replaceState(history.state, "", location.pathname + location.search);
        $("preview-button").scrollIntoView({ block: "center" });
        $("preview-button").click();
      }
    });
  loadInfo();
})();
