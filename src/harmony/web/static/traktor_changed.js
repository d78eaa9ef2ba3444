// "Traktor's collection changed": with auto-sync off (or exporting only), nothing brings Traktor's changes in
// by itself, and the library page gave no sign of them until the DJ thought of Preview Sync. Every page asks the
// sync status when it opens and when the DJ comes back to it (from Traktor, most often), and says so, with
// "Sync now", once the collection was saved after Harmony last read or wrote it.
"use strict";

(() => {
  const { api, onOperation, onAutoSync, utc, when } = window.Harmony;
  const notify = window.HarmonyNotifications;
  const ID = "traktor-changed";
  // The save the DJ closed the notice for, this tab: it comes back for the next save only.
  const DISMISSED = "harmony-traktor-changed-dismissed";
  const QUIET_MS = 1500; // a page coming back asks at most this often (focus and visibility come together)

  let importsItself = false; // auto-sync on, importing: its watcher brings the changes in, and says so
  // Auto-sync imports a save it has seen within moments (it waits for the file to settle); past this, a save it
  // has not taken (it failed, it was off when Traktor saved, its start-up sync is off) is said here too.
  const AUTO_SYNC_TAKES_MS = 15000;
  let lastAsked = 0;
  let asked = 0; // checks sent: an answer to an older one than the last answered is dropped
  let answered = 0;
  let shownFor = null; // the saved_at of the notice on screen
  let heardSavedAt; // the save the last answer named (undefined before the first): a page showing what the file
  // holds (the Traktor page's badges and backups) reads it again at a new one (harmony:collection-saved)

  function followSettings(settings) {
    const auto = settings && settings.auto_sync;
    importsItself = Boolean(auto && auto.enabled && auto.direction !== "export");
  }

  function hide() {
    if (shownFor === null) return;
    shownFor = null;
    notify.hide(ID);
  }

  function syncNow() {
    shownFor = null; // the notification hid itself: a check after a sync that did not happen shows it again
    // The Traktor page's own button, so its mappings and its progress line are used; elsewhere, the same request
    // with the saved mappings. Its progress and outcome come as any import's.
    const button = document.getElementById("sync-button");
    if (button && !button.disabled) {
      button.click();
      return;
    }
    api("POST", "/api/traktor/sync", {}).catch((error) => {
      notify.show(`${ID}-failed`, { title: "Sync failed", message: error.message || String(error), color: "red",
        autoClose: 6000 });
      check();
    });
  }

  // A restored copy's differences are older values, not Traktor's changes: "Sync now" would have put them over
  // the edits exported since the copy was made, in one click. The DJ is sent to the preview instead.
  function previewSync() {
    shownFor = null;
    const button = document.getElementById("preview-button");
    if (button && !button.disabled) {
      button.scrollIntoView({ block: "center" });
      button.click();
    } else {
      location.assign("/traktor#preview-sync");
    }
  }

  function show(savedAt, restoredFrom) {
    const key = `${savedAt} ${restoredFrom || ""}`;
    if (shownFor === key && document.querySelector(`#notifications [data-id="${ID}"]`)) return;
    shownFor = key;
    if (restoredFrom) {
      notify.show(ID, { title: "The collection was restored from a backup", color: "yellow",
        message: `${restoredFrom}. A sync would bring its older values into the library, over the edits exported `
          + "since the copy was made: Preview Sync shows which. An export keeps them in the file too (they count as "
          + "changes made in Traktor); to put back the file the restore replaced, restore the backup it made.",
        action: { label: "Preview Sync", run: previewSync } });
    } else {
      notify.show(ID, { title: "Traktor's collection changed", color: "yellow",
        message: `It was saved at ${when(utc(savedAt))}, after Harmony's last sync: its changes are not in the library yet.`,
        action: { label: "Sync now", run: syncNow } });
    }
    // Closed by hand: not again for this save.
    const close = document.querySelector(`#notifications [data-id="${ID}"] button.close`);
    if (close) close.addEventListener("click", () => sessionStorage.setItem(DISMISSED, savedAt), { once: true });
  }

  async function check() {
    lastAsked = Date.now();
    const mine = ++asked;
    let status;
    try {
      status = await api("GET", "/api/traktor/status");
    } catch (_) {
      return; // the next visit asks again; a status that cannot be read says nothing about the file
    }
    if (mine < answered) return; // a later check has answered already (a sync may have ended between)
    answered = mine;
    const savedAt = status.collection_changed ? status.collection_saved_at : null;
    if (heardSavedAt !== undefined && savedAt !== null && savedAt !== heardSavedAt) {
      document.dispatchEvent(new CustomEvent("harmony:collection-saved", { detail: { savedAt } }));
    }
    heardSavedAt = savedAt;
    const auto = status.auto_sync;
    const busy = status.running_operation !== null || Boolean(auto && auto.running);
    const autoWillTake = importsItself && Boolean(auto) && auto.state !== "error"
      && (auto.pending || (savedAt !== null && Date.now() - utc(savedAt).getTime() < AUTO_SYNC_TAKES_MS));
    if (!savedAt || busy || autoWillTake || sessionStorage.getItem(DISMISSED) === savedAt) hide();
    else show(savedAt, status.collection_restored ? status.collection_restored_from : null);
    if (savedAt && autoWillTake && !auto.pending) setTimeout(check, AUTO_SYNC_TAKES_MS); // said if it is not taken
  }

  function comeBack() {
    if (document.visibilityState === "visible" && Date.now() - lastAsked > QUIET_MS) check();
  }

  document.addEventListener("visibilitychange", comeBack);
  window.addEventListener("focus", comeBack);
  document.addEventListener("harmony:settings", (event) => {
    const before = importsItself;
    followSettings(event.detail);
    if (importsItself !== before) check(); // the Traktor page sends its settings as it opens: no second check
  });
  onOperation((event) => {
    const done = event.status !== "queued" && event.status !== "running";
    if (event.operation === "import") {
      if (done) check(); // done, failed or cancelled: the file is in the library now, or it is not
      else hide();
    } else if (done && (event.operation === "export" || event.operation === "rebuild")) {
      check(); // the file was written: in step now, or still holding changes no import brought in
    }
  });
  document.addEventListener("harmony:collection-changed", check); // a backup put back (recovery.js)
  onAutoSync((status) => {
    if (!status.running) check();
  });

  api("GET", "/api/traktor/config").then(followSettings, () => {}).finally(check);
})();
