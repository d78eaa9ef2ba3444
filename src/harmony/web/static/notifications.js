// Notifications exactly as the seed describes them: blue while running ("Phase: message (NN%)"), green on
// success (closes after 3 s), red on failure (closes after 5 s); several at once; each can be closed by hand.
"use strict";

window.HarmonyNotifications = (() => {
  const { el, sentence, plural } = window.Harmony;
  const container = document.getElementById("notifications");
  const shown = new Map(); // id -> {node, timer}
  const dismissed = new Set(); // ids the DJ closed while running: later progress does not reopen them
  // How much of the window's foot the notices take: on a phone they span its width, and a page only a little taller
  // than the window could not be scrolled out from under them (Find missing files' Search button, at 390 px). The
  // page leaves that much room below its content (app.css).
  new ResizeObserver(() => {
    const height = container.childElementCount ? container.offsetHeight + 20 : 0;
    document.documentElement.style.setProperty("--notices-height", `${height}px`);
  }).observe(container);

  // An export or rebuild refused because Traktor runs, sent again with force (the Traktor page's banner offers
  // the same: recovery.js).
  const WRITE_ANYWAY = {
    export: { label: "Export anyway", send: () => window.Harmony.api("POST", "/api/traktor/export", { force: true }) },
    rebuild: { label: "Rebuild anyway", send: () => window.Harmony.api("POST", "/api/traktor/rebuild", { force: true }) },
  };
  window.Harmony.writeAnyway = WRITE_ANYWAY;
  const refusals = new Set(); // the ids of the refusals shown with their "… anyway" button

  const LABELS = {
    import: { running: "Traktor: Import from Traktor", start: "Starting sync...", done: "Traktor Import Complete",
      failed: "Traktor Import Failed", cancelled: "Traktor Import Cancelled", ok: null },
    export: { running: "Traktor: Export to Traktor", start: "Starting export...", done: "Traktor Export Complete",
      failed: "Traktor Export Failed", cancelled: "Traktor Export Cancelled", ok: "Successfully exported to Traktor" },
    rebuild: { running: "Traktor: Rebuild from library", start: "Starting rebuild...", done: "Collection Rebuilt",
      failed: "Rebuild Failed", cancelled: "Rebuild Cancelled", ok: null },
  };
  const AUTO_OPERATION = { import: "Import from Traktor", export: "Export to Traktor" };
  const AUTO_SHORT = { import: "Import", export: "Export" };
  const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);
  const running = new Map(); // notification id -> operation id, of auto-sync's imports and exports under way
  const HOLD = "hold"; // the span of an operation whose progress does not move auto-sync's figure
  const UNKNOWN = "unknown"; // the span of an operation adopted before auto-sync's status gave one

  function capitalise(text) {
    return text ? text.charAt(0).toUpperCase() + text.slice(1) : "";
  }

  // `${Phase}: ${message} (${Math.round(progress)}%)`, the original app's progress line.
  function progressLine(phase, message, percent) {
    return `${capitalise(phase)}: ${message} (${Math.round(percent)}%)`;
  }

  function hide(id) {
    const entry = shown.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    // The keyboard in it (its Undo pressed, its × closed) goes back where it came from, not to the page's top.
    const back = entry.node.contains(document.activeElement) ? entry.cameFrom : null;
    entry.node.remove();
    shown.delete(id);
    if (back && back.isConnected) back.focus();
  }

  // `action` ({label, run}) adds a button after the message, e.g. "Undo" after an edit; `link` ({href, text}) a link.
  function show(id, { title, message, color = "blue", loading = false, autoClose = 0, action = null, link = null }) {
    let entry = shown.get(id);
    if (!entry) {
      const node = el("div", { class: "notification", role: "status", "data-id": id },
        el("span", { class: "spinner", "aria-hidden": "true" }),
        el("div", { class: "body" }, el("strong", { class: "title" }), el("p", { class: "message" })),
        el("button", { type: "button", class: "close", "aria-label": "Close", onclick: () => {
          dismissed.add(id);
          hide(id);
        } }, "×"));
      container.append(node);
      entry = { node, timer: null, autoClose: 0, cameFrom: null };
      shown.set(id, entry);
      // One the DJ is reading (the pointer on it) or using (the keyboard in it) stays; it closes its time after
      // they leave it. An Undo that vanished under the pointer could not be pressed.
      const held = () => node.matches(":hover") || node.contains(document.activeElement);
      const release = () => setTimeout(() => { if (!held()) arm(id); });
      node.addEventListener("mouseenter", () => clearTimeout(entry.timer));
      node.addEventListener("focusin", (event) => {
        clearTimeout(entry.timer);
        if (event.relatedTarget && !node.contains(event.relatedTarget)) entry.cameFrom = event.relatedTarget;
      });
      node.addEventListener("mouseleave", release);
      node.addEventListener("focusout", release);
    }
    const { node } = entry;
    node.dataset.color = color;
    node.classList.toggle("loading", loading);
    node.querySelector(".title").replaceChildren(sentence(title));
    node.querySelector(".message").replaceChildren(sentence(message));
    const previous = node.querySelector("button.action");
    if (previous) previous.remove();
    if (action) {
      node.querySelector(".body").append(el("button", { type: "button", class: "action small", onclick: () => {
        hide(id);
        action.run();
      } }, action.label));
    }
    node.querySelector(".body a")?.remove();
    if (link) node.querySelector(".body").append(el("a", { href: link.href }, link.text));
    entry.autoClose = autoClose;
    if (node.matches(":hover") || node.contains(document.activeElement)) clearTimeout(entry.timer);
    else arm(id);
  }

  function arm(id) {
    const entry = shown.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    entry.timer = entry.autoClose ? setTimeout(() => hide(id), entry.autoClose) : null;
  }

  // Operations that auto-sync started report through the auto-sync notification instead of their own.
  const idleAutoSync = () => ({ running: false, direction: null, operations: new Set(), span: null, spans: new Map(),
    furthest: 0 });
  let autoSync = idleAutoSync();

  // An export that found nothing to write says so, rather than claim it exported something.
  function successMessage(event, labels) {
    const result = event.result || {};
    if (event.operation === "export") {
      if (result.written !== false) return labels.ok;
      return result.left_out
        ? `Nothing written: ${plural(result.left_out, "edit is", "edits are")} left out (Preview Export says why).`
        // Not "the collection holds every change": a backup restored since may hold older values (found in a
        // walk-through), as Preview Export says it.
        : "Nothing to export: every edit made in Harmony has been exported.";
    }
    return result.summary || labels.ok || "Done";
  }

  // The completion sound (the Traktor page's setting "Play a sound when an operation finishes", off by default):
  // two short rising notes for success, two falling ones for a failure, made with the Web Audio API.
  let soundOn = false;
  function setSound(on) { soundOn = Boolean(on); }
  function chime(success) {
    if (!soundOn || !window.AudioContext) return;
    try {
      const context = new AudioContext();
      const notes = success ? [660, 880] : [440, 330];
      notes.forEach((frequency, index) => {
        const start = context.currentTime + index * 0.14;
        const tone = context.createOscillator();
        const gain = context.createGain();
        tone.type = success ? "sine" : "triangle";
        tone.frequency.value = frequency;
        gain.gain.setValueAtTime(0.0001, start);
        gain.gain.exponentialRampToValueAtTime(0.2, start + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.12);
        tone.connect(gain).connect(context.destination);
        tone.start(start);
        tone.stop(start + 0.13);
      });
      window.Harmony.lastChime = success ? "success" : "failure"; // what the page played, for tests
      setTimeout(() => context.close(), 600);
    } catch (error) {
      // No sound device: the notification itself is enough.
    }
  }
  document.addEventListener("harmony:settings", (event) => setSound(event.detail.completion_sound));
  window.Harmony.api("GET", "/api/traktor/config").then((config) => setSound(config.completion_sound), () => {});

  function onOperation(event) {
    if (event.status === "succeeded" && WRITE_ANYWAY[event.operation]) {
      for (const refused of refusals) hide(refused); // written after all: the offer to write anyway is spent
      refusals.clear();
    }
    const labels = LABELS[event.operation];
    if (!labels) return; // previews show their progress on the Traktor page
    const id = `traktor-${event.operation}-${event.operation_id}`;
    // An import or export auto-sync started (the event says so) is told in auto-sync's notification: a page
    // opened mid-run hears of it before or after auto-sync's status, and either way shows one notification. One
    // the DJ started shows its own, whatever auto-sync does meanwhile (its failure too).
    const ownedByAutoSync = event.trigger === "auto-sync" && Boolean(AUTO_OPERATION[event.operation]);
    if (TERMINAL.has(event.status)) running.delete(id);
    else if (ownedByAutoSync) running.set(id, event.operation_id);
    if (ownedByAutoSync && !autoSync.running && !TERMINAL.has(event.status)) {
      // Auto-sync's own status has not come yet (a page opened mid-run): its notification begins here.
      autoSync.running = true;
      autoSync.direction = autoSync.direction || event.operation;
      dismissed.delete("auto-sync-notification");
    }
    const adopt = autoSync.running && ownedByAutoSync && !TERMINAL.has(event.status);
    if (autoSync.running && (adopt || autoSync.operations.has(event.operation_id))) {
      if (!autoSync.operations.has(event.operation_id)) adoptOperation(event.operation_id);
      if (event.status === "running" && event.phase !== "starting") {
        updateAutoSync({ message: progressLine(event.phase, event.message, autoSyncPercent(event)) });
      }
      return;
    }
    if (event.status === "succeeded") {
      // Tracks whose file is not on this machine were imported, marked missing: worth a look, not a failure.
      const notFound = event.result ? (event.result.files_not_found || 0) + (event.result.files_lost || 0) : 0;
      show(id, { title: labels.done, message: successMessage(event, labels),
        color: notFound > 0 ? "yellow" : "green", autoClose: notFound > 0 ? 8000 : 3000,
        link: notFound > 0 ? { href: "/missing", text: "Find missing files" } : null });
      chime(true);
    } else if (event.status === "failed" && event.error_code === "mass_removal") {
      // Not a failure: the import stopped to ask (the Traktor page offers to confirm).
      show(id, { title: "Traktor Import Stopped", message: event.error, color: "gray", autoClose: 8000 });
    } else if (event.status === "failed" && event.error_code === "traktor_running" && WRITE_ANYWAY[event.operation]
      && !document.getElementById("waiting-banner")) {
      // Refused because Traktor runs: the message ends "Quit Traktor first, or write anyway", so the button to
      // write anyway is on it, and it stays until the DJ has chosen or a write went through. (The Traktor page
      // says it in its banner, with the same button: one is enough.)
      const anyway = WRITE_ANYWAY[event.operation];
      refusals.add(id);
      show(id, { title: labels.failed, message: event.error || event.message, color: "red",
        action: { label: anyway.label, run: () => anyway.send().catch((error) => show(`${id}-anyway`,
          { title: labels.failed, message: error.message || String(error), color: "red", autoClose: 8000 })) } });
      chime(false);
    } else if (event.status === "failed") {
      show(id, { title: labels.failed, message: event.error || event.message, color: "red", autoClose: 5000 });
      chime(false);
    } else if (event.status === "cancelled") {
      show(id, { title: labels.cancelled, message: event.message, color: "gray", autoClose: 3000 });
    } else if (!dismissed.has(id)) {
      const starting = event.status === "queued" || event.phase === "starting";
      const message = starting ? labels.start : progressLine(event.phase, event.message, event.percent);
      show(id, { title: labels.running, message, color: "blue", loading: true });
    }
  }

  // Auto-sync reports its own progress (checking 5 %, importing from 10 %) and runs an import, then an export,
  // each reporting 0 to 100 %: the line the DJ reads counts the whole run, each step's progress drawn into the
  // part of it auto-sync gives that step (`step_span`), so the figure never goes back.
  // An operation of auto-sync's run, with the span of the run auto-sync gave its step when it began (its last
  // events may come after auto-sync has moved on). A second operation in a step that has one (the import an
  // export runs first when Traktor saved meanwhile) gets none: the figure holds while it runs, and the step's own
  // operation goes on from there.
  // Adopted before auto-sync's status said the step's span (a page opened mid-run), an operation holds the
  // figure until it does.
  function adoptOperation(operationId) {
    const span = autoSync.span;
    const taken = span && [...autoSync.spans.values()].some((s) => s && s[0] === span[0] && s[1] === span[1]);
    autoSync.operations.add(operationId);
    autoSync.spans.set(operationId, span === null ? UNKNOWN : taken ? HOLD : span);
  }

  function spanKnown(span) {
    for (const [operationId, known] of autoSync.spans) {
      if (known === UNKNOWN) autoSync.spans.set(operationId, span || HOLD);
    }
  }

  // The figure shown never goes back within one run, either.
  function autoSyncPercent(event) {
    const span = autoSync.spans.get(event.operation_id);
    if (span === HOLD || span === UNKNOWN) return autoSync.furthest;
    return forward(span ? span[0] + (event.percent / 100) * (span[1] - span[0]) : event.percent);
  }

  function forward(percent) {
    autoSync.furthest = Math.max(autoSync.furthest, percent);
    return autoSync.furthest;
  }

  function autoOperation(direction) {
    return AUTO_OPERATION[direction] || "Sync with Traktor";
  }

  function updateAutoSync({ message }) {
    show("auto-sync-notification", { title: `Traktor: ${autoOperation(autoSync.direction)}`, message,
      color: "blue", loading: true });
  }

  function onAutoSync(status) {
    const id = "auto-sync-notification";
    if (status.running) {
      const first = !autoSync.running;
      autoSync.running = true;
      autoSync.direction = status.direction || autoSync.direction;
      autoSync.span = status.step_span || null;
      spanKnown(autoSync.span);
      if (first) {
        // The import or export heard of before auto-sync's status (a page opened mid-run) is auto-sync's.
        for (const [noteId, operationId] of running) {
          hide(noteId);
          adoptOperation(operationId);
        }
      }
      if (first || !dismissed.has(id)) {
        if (first) dismissed.delete(id);
        const base = status.message || (first ? "Starting..." : "Processing...");
        const message = status.phase && status.percent > 0 && status.phase !== "starting"
          ? progressLine(status.phase, base, forward(status.percent)) : base;
        updateAutoSync({ message });
      }
      return;
    }
    if (!autoSync.running) return;
    const direction = autoSync.direction;
    autoSync = idleAutoSync();
    if (status.state === "waiting_for_traktor") {
      show(id, { title: "Traktor: Export Waiting", message: status.message, color: "blue", autoClose: 5000 });
    } else if (status.state === "damaged") {
      show(id, { title: "Traktor Sync Paused", message: status.message, color: "red", autoClose: 8000 });
    } else if (status.last_error) {
      show(id, { title: "Traktor Sync Failed", message: status.last_error, color: "red", autoClose: 5000 });
      chime(false);
    } else {
      show(id, { title: `Traktor ${AUTO_SHORT[direction] || "Sync"} Complete`,
        message: status.message || "Operation completed successfully", color: "green", autoClose: 3000 });
      chime(true);
    }
  }

  window.Harmony.onOperation(onOperation);
  window.Harmony.onAutoSync(onAutoSync);
  return { show, hide, progressLine, chime, successMessage };
})();
