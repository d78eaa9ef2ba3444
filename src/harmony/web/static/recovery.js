// The Traktor page's banners (waiting for Traktor, damaged collection) and its Backups section: list, compare,
// restore, rebuild. A restore or a rebuild takes two clicks: the first arms the button, the second does it.
"use strict";

(() => {
  const { api, el, latestOnly, onOperation, onAutoSync, number, plural, utc } = window.Harmony;
  const notify = window.HarmonyNotifications;
  const $ = (id) => document.getElementById(id);

  function fail(title, error) {
    notify.show(`error-${Date.now()}`, { title, message: error.message || String(error), color: "red", autoClose: 5000 });
  }

  function collectionChanged() {
    $("compare-box").hidden = true; // it compared with the file that was there before
    document.dispatchEvent(new CustomEvent("harmony:collection-changed"));
    loadStatus();
    loadBackups();
  }

  // An export, rebuild or restore refused because Traktor runs: say why in a DJ's words, and offer to write
  // anyway (the button then sends the same request with force; notifications.js holds the requests).
  const WRITE_ANYWAY = window.Harmony.writeAnyway;
  let anyway = WRITE_ANYWAY.export;
  let refusal = false; // the banner says a write was refused while Traktor runs (see refusedWhileTraktorRuns)

  // --- banners ----------------------------------------------------------------------------------------------

  // autoExports: auto-sync is the one waiting, and exports by itself once Traktor has closed. Without it
  // nothing will: the note said it would all the same.
  // traktorRunning (from a status answer; undefined from an event): a banner saying a write was refused
  // (refusedWhileTraktorRuns, with its "… anyway") stays until Traktor has closed.
  function showBanners(state, message, health, autoExports, traktorRunning) {
    const waiting = state === "waiting_for_traktor";
    if (refusal && traktorRunning !== false) {
      followTraktor();
    } else {
      refusal = false;
      $("waiting-banner").hidden = !waiting;
    }
    if (waiting && !refusal) {
      anyway = WRITE_ANYWAY.export;
      $("waiting-title").textContent = "Export held while Traktor runs";
      $("waiting-message").textContent = message || "";
      $("waiting-note").textContent = "Traktor writes its collection when it quits, over anything written meanwhile: "
        + (autoExports ? "Harmony exports by itself once Traktor has closed."
          : "export once Traktor has closed (auto-sync, off now, would do it by itself).");
      $("waiting-note").hidden = false;
      $("export-anyway").textContent = anyway.label;
    }
    followTraktor();
    const damaged = state === "damaged" || (health && health.status === "damaged");
    $("damaged-banner").hidden = !damaged;
    if (damaged) {
      const reason = (health && health.reason) || message || "";
      $("damaged-reason").textContent = reason.charAt(0).toUpperCase() + reason.slice(1);
      // Only a file that loads can be kept: a truncated or unreadable one must be restored or rebuilt.
      const keepable = Boolean(health && health.tracks !== null && health.tracks !== undefined);
      $("damaged-accept").hidden = !keepable;
      $("damaged-keep-words").hidden = !keepable;
    }
  }

  // The status answer can be overtaken by the event stream: asked when auto-sync went idle, it may arrive
  // after the event that says auto-sync now waits for Traktor (the check behind the answer queues behind the
  // sync's own work). The stream's latest auto-sync status then wins over the answer's older one.
  let heard = 0;
  let lastAuto = null;

  // And an older status answered last must not draw the banners over a newer one: the red "damaged" banner of a
  // file the DJ had just left for a good one stayed until a reload.
  const askStatus = latestOnly();
  async function loadStatus() {
    const asked = heard;
    const latest = askStatus();
    try {
      const status = await api("GET", "/api/traktor/status");
      if (!latest()) return;
      const fresher = heard !== asked ? lastAuto : null;
      const auto = fresher || status.auto_sync;
      let state = status.status;
      if (auto && auto.state === "waiting_for_traktor") state = auto.state;
      else if (fresher && state === "waiting_for_traktor") state = fresher.state;
      const autoWaits = Boolean(auto && auto.state === "waiting_for_traktor");
      showBanners(state, auto && auto.state === state ? auto.message : status.message, status.health, autoWaits,
        status.traktor_running);
    } catch (error) {
      if (latest()) fail("Failed to read the sync status", error);
    }
  }

  // While the banner says Traktor runs, the page asks again every few seconds: Traktor quitting sends no event
  // (with auto-sync off nothing watches it), and the banner, with its "Running now: Traktor (pid …)", stayed
  // until a reload.
  const FOLLOW_MS = 3000;
  let following = null;
  function followTraktor() {
    if ($("waiting-banner").hidden || following !== null) return;
    following = setTimeout(async () => {
      following = null;
      if ($("waiting-banner").hidden) return;
      await loadStatus();
      followTraktor(); // after an answer that failed too (a server restarting): the banner must still go
    }, FOLLOW_MS);
  }

  onAutoSync((status) => {
    heard += 1;
    lastAuto = status;
    if (status.state === "waiting_for_traktor" || status.state === "damaged") {
      showBanners(status.state, status.message, status.health, status.state === "waiting_for_traktor");
    } else if (!status.running) {
      loadStatus();
    }
  });


  function refusedWhileTraktorRuns(what, names, write) {
    refusal = true;
    anyway = write;
    $("waiting-banner").hidden = false;
    $("waiting-title").textContent = `Traktor is running: the ${what} was not written`;
    $("waiting-message").textContent = `${names}Traktor keeps its collection in memory and writes it when it quits, `
      + `over anything written meanwhile. Quit Traktor and try again, or click “${write.label}”.`;
    $("waiting-note").hidden = true;
    $("export-anyway").textContent = write.label;
    $("export-anyway").focus();
    followTraktor();
  }

  function traktorNames(error) {
    // "Traktor is running (Traktor Pro 4 (pid 123)): …": the names hold parentheses of their own.
    const found = /Traktor is running \((.*)\):/.exec(error || "");
    return found ? `Running now: ${found[1]}. ` : "";
  }

  onOperation((event) => {
    const refused = event.status === "failed" && (event.error_code === "traktor_running"
      || /Traktor is running/.test(event.error || ""));
    if (refused && WRITE_ANYWAY[event.operation]) {
      refusedWhileTraktorRuns(event.operation, traktorNames(event.error), WRITE_ANYWAY[event.operation]);
    }
    if (event.operation === "rebuild" && event.status === "succeeded") collectionChanged();
    // An export keeps a backup of the collection it replaced: the list shows it without a reload. (The export's
    // own status line, with that backup's name, is the Traktor settings' to show: not redrawn from here.)
    if (event.operation === "export" && event.status === "succeeded") {
      loadStatus();
      loadBackups();
    }
    if (event.operation === "import" && event.status === "succeeded") loadStatus(); // a kept collection is healthy
    // A sync that failed may have met a file damaged since the page read it: the red banner says so now, and the
    // backups are compared with the file as it is (they said "same counts as now" beside a half file).
    if (event.operation === "import" && event.status === "failed" && !refused) {
      loadStatus();
      loadBackups();
    }
  });

  $("export-anyway").addEventListener("click", async () => {
    const write = anyway;
    try {
      await write.send();
      $("waiting-banner").hidden = true;
      refusal = false;
    } catch (error) {
      fail(`${write.label.replace(" anyway", "")} failed`, error);
    }
  });

  // --- two-click buttons ------------------------------------------------------------------------------------

  // armedUntil: a time (ms) to arm the button until at once, for a list drawn again while its button was armed:
  // the DJ gets what is left of the first click's 6 s, never a fresh 6 s at each redraw.
  function twoClicks(button, armedText, action, { armedUntil = 0 } = {}) {
    const idle = button.textContent;
    let timer = null;
    const arm = (until) => {
      button.dataset.armed = "true";
      button.dataset.armedUntil = String(until);
      button.textContent = armedText;
      timer = setTimeout(() => { button.dataset.armed = "false"; button.textContent = idle; }, until - Date.now());
    };
    if (armedUntil > Date.now()) arm(armedUntil);
    button.addEventListener("click", async () => {
      if (button.dataset.armed !== "true") {
        arm(Date.now() + 6000);
        return;
      }
      clearTimeout(timer);
      button.dataset.armed = "false";
      button.textContent = idle;
      button.disabled = true;
      try {
        await action();
      } finally {
        button.disabled = false;
      }
    });
  }

  // --- backups ----------------------------------------------------------------------------------------------

  function size(bytes) {
    return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${number(Math.round(bytes / 1e3))} kB`;
  }

  // A comparison takes seconds at 100,000 tracks: one asked for another backup meanwhile must not show its
  // figures under this one's title (the DJ could restore a copy on another's word).
  const askCompare = latestOnly();
  async function compare(copy) {
    const latest = askCompare();
    $("compare-box").hidden = false;
    $("compare-title").textContent = `Compared with now: ${utc(copy.created_at).toLocaleString()}`;
    $("compare-summary").textContent = "Comparing…";
    try {
      const found = await api("POST", "/api/traktor/backups/compare", { path: copy.path });
      if (!latest()) return;
      const [tracks, playlists] = found.backup_counts;
      const current = found.current_counts
        ? `${plural(found.current_counts[0], "track")}, ${plural(found.current_counts[1], "playlist")} now`
        : "the current file cannot be read";
      // "Same counts as now" beside every backup told the DJ nothing: the comparison also says which tracks
      // differ in what they hold, and whether the playlists differ.
      const same = !found.only_in_backup && !found.only_in_current && !found.changed && found.playlists_differ === false;
      const playlistsSaid = found.playlists_differ === null ? ""
        : found.playlists_differ ? " The playlists differ (names, folders, tracks or their order)." : " The playlists are the same.";
      $("compare-summary").textContent = `The backup holds ${plural(tracks, "track")} and ${plural(playlists, "playlist")} (${current}). `
        + (same ? "It holds the same tracks and playlists as the current file."
          : `${plural(found.only_in_backup, "track")} only in the backup, ${number(found.only_in_current)} only in the current file, `
            + `${number(found.changed)} in both whose entries differ (tags, cue points, play count or analysis).${playlistsSaid}`);
      $("compare-only-backup").textContent = found.only_in_backup_sample.join("\n");
      $("compare-only-backup-count").textContent = `(${number(found.only_in_backup)})`;
      $("compare-only-current").textContent = found.only_in_current_sample.join("\n");
      $("compare-only-current-count").textContent = `(${number(found.only_in_current)})`;
      $("compare-changed").textContent = found.changed_sample.join("\n");
      $("compare-changed-count").textContent = `(${number(found.changed)})`;
    } catch (error) {
      if (!latest()) return;
      $("compare-summary").textContent = "";
      fail("Failed to compare", error);
    }
  }

  async function restore(copy, force = false) {
    const overDamaged = !$("damaged-banner").hidden; // the file it replaces is kept, but cannot be put back
    try {
      const done = await api("POST", "/api/traktor/restore", { path: copy.path, force });
      $("waiting-banner").hidden = true;
      refusal = false;
      notify.show(`restore-${Date.now()}`, {
        title: "Collection Restored", color: "green", autoClose: 6000,
        // The library still holds what it held: the copy's values come in with the next sync, over what was
        // exported since the copy was made. A DJ who restored to undo an export must know it.
        // What a sync would do is the yellow notice's to say ("The collection was restored from a backup", with
        // Preview Sync): both said it, and on a phone the two covered the list.
        message: `${number(done.tracks)} tracks, ${number(done.playlists)} playlists. `
          + (overDamaged ? "The damaged file it replaced was kept as a backup."
            : "The file it replaced was backed up (the newest backup: restore it to undo this).")
          + (done.auto_sync ? " Auto-sync is bringing the restored values into the library." : ""),
      });
      collectionChanged();
    } catch (error) {
      if (/Traktor is running/.test(error.message || "")) {
        refusedWhileTraktorRuns("restore", traktorNames(error.message),
          { label: "Restore anyway", send: () => restore(copy, true) });
      } else {
        fail("Restore failed", error);
      }
    }
  }

  function row(copy, armed) {
    const restoreButton = el("button", { type: "button", class: "small", "data-path": copy.path }, "Restore");
    restoreButton.disabled = copy.tracks === null;
    const armedUntil = armed && !restoreButton.disabled && armed.dataset.path === copy.path
      ? Number(armed.dataset.armedUntil) : 0;
    twoClicks(restoreButton, "Click again to restore", () => restore(copy), { armedUntil });
    const compareButton = el("button", { type: "button", class: "ghost small", onclick: () => compare(copy) }, "Compare");
    compareButton.disabled = copy.tracks === null;
    return el("tr", { "data-source": copy.source },
      el("td", {}, utc(copy.created_at).toLocaleString()),
      el("td", {}, copy.source === "traktor" ? "Traktor" : "Harmony"),
      el("td", { class: "num" }, size(copy.size)),
      el("td", { class: "num" }, copy.tracks === null ? "—" : number(copy.tracks)),
      el("td", { class: "num" }, copy.playlists === null ? "—" : number(copy.playlists)),
      copy.tracks === null
        // Why, on a tap as on a click: a tooltip alone could not be read on a phone.
        ? el("td", { class: "error", title: copy.error || "" },
          el("details", {}, el("summary", {}, "damaged"), el("div", { class: "why" }, copy.error || "")))
        : el("td", {}, copy.differs),
      el("td", {}, compareButton, restoreButton));
  }

  // The list is read again after each write and each change of the collection's path: an answer for the path
  // before must not replace the one for the path now.
  const askBackups = latestOnly();
  async function loadBackups() {
    const latest = askBackups();
    const body = $("backups-table").querySelector("tbody");
    try {
      const found = await api("GET", "/api/traktor/backups");
      if (!latest()) return;
      $("rebuild-note").textContent = found.rebuild_note;
      // A Restore clicked once stays armed, and keeps the keyboard, when the list is read again meanwhile (a sync
      // that failed reads it again): the DJ's second click restored nothing, it armed the new button.
      const armed = body.querySelector('button[data-path][data-armed="true"]');
      const focused = armed !== null && armed === document.activeElement;
      body.replaceChildren(...(found.backups.length ? found.backups.map((copy) => row(copy, armed))
        : [el("tr", {}, el("td", { colspan: "7", class: "muted wrap" }, found.no_collection || "No backups yet."))]));
      if (focused) {
        const again = body.querySelector('button[data-path][data-armed="true"]');
        if (again) again.focus();
      }
    } catch (error) {
      if (!latest()) return;
      body.replaceChildren(el("tr", {}, el("td", { colspan: "7", class: "error" }, error.message)));
    }
    document.getElementById("backups-section").dataset.ready = "true";
  }

  async function rebuild() {
    try {
      await api("POST", "/api/traktor/rebuild", {});
    } catch (error) {
      fail("Rebuild failed", error);
    }
  }

  twoClicks($("rebuild-button"), "Click again to rebuild", rebuild);
  twoClicks($("damaged-rebuild"), "Click again to rebuild", rebuild);
  $("damaged-restore").addEventListener("click", () => {
    $("backups-section").scrollIntoView({ behavior: "smooth" });
    const first = $("backups-table").querySelector("button[data-path]:not(:disabled)");
    if (first) first.focus();
  });
  // Keeping a damaged-looking collection means importing it as it is: the import stops before changing
  // anything and asks once (the Traktor section's confirmation), saying both why the file looks damaged and
  // what the import would remove. Confirming imports it, and its counts are trusted from then on.
  $("damaged-accept").addEventListener("click", async () => {
    try {
      await api("POST", "/api/traktor/sync", {});
    } catch (error) {
      fail("Failed to import the collection", error);
    }
  });
  $("backups-refresh").addEventListener("click", loadBackups);
  // Another collection chosen (the first one, on a new library): its health and its backups, not the ones of the
  // path before (the list kept saying no collection was found after the DJ had saved one).
  // The banners and the list are first read once the page has the settings: read before, they were about the
  // path before a save the DJ made while the settings were still coming, and stayed so.
  let settingsPath;
  let read = false;
  function firstRead() {
    if (read) return;
    read = true;
    loadStatus();
    loadBackups();
  }
  // Traktor saved the collection while the page was open: its badges, comparisons and banners are of the file
  // before (the badges said 99,998 tracks beside a copy of 99,998 "1 more track than now").
  document.addEventListener("harmony:collection-saved", collectionChanged);
  document.addEventListener("harmony:settings-unread", firstRead);
  document.addEventListener("harmony:settings", (event) => {
    const path = event.detail.nml_path || null;
    if (!read) {
      firstRead();
    } else if (path !== settingsPath) {
      // A Restore armed for the collection before is not one for this one (Traktor's copies may be shared).
      for (const button of $("backups-table").querySelectorAll('button[data-armed="true"]')) {
        button.dataset.armed = "false";
        button.dataset.armedUntil = "0";
      }
      collectionChanged();
    }
    settingsPath = path;
  });
})();
