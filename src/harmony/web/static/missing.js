// The "Find missing files" page: the count, path-mapping suggestions (one click saves one and imports again),
// and a search of chosen folders (a background operation with progress and Cancel) whose matches the DJ applies.
"use strict";

(() => {
  const { api, el, onEvent, onOperation, number, plural } = window.Harmony;
  const $ = (id) => document.getElementById(id);
  const notify = window.HarmonyNotifications;
  let importId = null;
  let relocateId = null;

  // `id`: a refusal the DJ answers (tick something, choose a file: REFUSED) replaces the one before, and goes once
  // the relocation is done.
  const REFUSED = "relocate-refused";
  function fail(title, error, id = `error-${Date.now()}`) {
    notify.show(id, { title, message: error.message || String(error), color: "red", autoClose: 6000 });
  }

  // Counted after every change of the library, from several places: an older count answered last said 0 after an
  // undo had put the missing tracks back, and hid their searches. Only the newest count is drawn, and a caller of
  // an older one gets the newest's.
  let counting = null;
  function loadCount() {
    const mine = api("GET", "/api/library/missing?limit=0").then((data) => {
      if (counting !== mine) return counting;
      $("missing-count").textContent = number(data.count);
      $("missing-words").textContent = data.count === 1
        ? "track has its file missing on this computer." : "tracks have their file missing on this computer.";
      return data.count;
    });
    counting = mine;
    return mine;
  }

  // Opened with nothing missing: say so, and offer no search that can only find nothing ("Found 0 of 0"), until
  // an import (auto-sync's too) marks files missing while the page is open.
  function showSearches(shown) {
    $("missing-count").hidden = !shown;
    for (const id of ["suggest-heading", "relocate-heading"]) $(id).closest("section").hidden = !shown;
    document.querySelector(".missing-page > p.muted").hidden = !shown;
  }
  function nothingMissing() {
    showSearches(false);
    $("missing-words").textContent = "Every track's file was where the library expects it at the last check: nothing to find.";
  }

  // An import looks for a share of a big library's files at a time: a music folder moved away shows here in
  // full only once every file is looked for, which this does now.
  async function checkAll() {
    $("check-button").disabled = true;
    $("check-status").textContent = "Looking for every file…";
    try {
      const data = await api("POST", "/api/library/missing/check");
      const count = await loadCount();
      if (count > 0) showSearches(true);
      else nothingMissing();
      const news = [];
      if (data.marked) news.push(`${plural(data.marked, "track has lost its", "tracks have lost their")} file`);
      if (data.found) news.push(`${plural(data.found, "track has its", "tracks have their")} file back`);
      $("check-status").textContent = news.length ? `Checked: ${news.join("; ")}.` : "Checked: nothing changed.";
    } catch (error) {
      $("check-status").textContent = "";
      fail("Could not check the files", error);
    } finally {
      $("check-button").disabled = false;
    }
  }
  // The count, and the searches with it, follow every import and every change of the library made anywhere (an
  // undo on the library page, another tab, the CLI): a page that said "nothing to find" offers the searches
  // once tracks are missing again.
  function recount() {
    return loadCount().then((count) => (count > 0 ? showSearches(true) : nothingMissing()));
  }
  onOperation((event) => {
    if (event.operation === "import" && event.status === "succeeded") recount().catch(() => {});
  });

  async function suggest() {
    $("suggest-button").disabled = true;
    $("suggest-status").textContent = "Looking…";
    $("suggestions").replaceChildren();
    try {
      const data = await api("GET", "/api/library/missing/suggestions");
      $("suggest-status").textContent = data.suggestions.length
        ? `Looked at ${number(data.scanned_files)} files in ${data.roots.join(", ")}.`
        : `No folder in ${data.roots.join(", ")} holds the missing files. Try searching a folder below.`;
      $("suggestions").replaceChildren(...data.suggestions.map((s) => el("div", { class: "suggestion" },
        el("span", {}, el("code", {}, s.nml_prefix), " → ", el("code", {}, s.local_prefix),
          ` finds ${number(s.finds)} of ${number(s.missing)}`),
        el("button", { type: "button", "data-mapping": mappingKey(s), onclick: () => useMapping(s) },
          "Use this mapping"))));
      mappingButtons(); // looked again while a mapping's import runs: these wait for it too, used ones say so
    } catch (error) {
      $("suggest-status").textContent = "";
      fail("Could not look for the files", error);
    } finally {
      $("suggest-button").disabled = false;
    }
  }

  // One mapping at a time: each starts an import, and a second import cannot start while the first runs, so
  // every suggestion waits (disabled) from the click until that import ends. A used one stays disabled, and
  // says so, even after the suggestions are looked for again.
  let mappingBusy = false;
  const usedMappings = new Set();

  function mappingKey(suggestion) {
    return `${suggestion.nml_prefix}\n${suggestion.local_prefix}`;
  }

  function mappingButtons() {
    for (const button of document.querySelectorAll("#suggestions button[data-mapping]")) {
      const used = usedMappings.has(button.dataset.mapping);
      button.disabled = mappingBusy || used;
      if (used) button.textContent = "Used";
    }
  }

  async function useMapping(suggestion) {
    mappingBusy = true;
    mappingButtons();
    try {
      const op = await api("POST", "/api/library/missing/mappings",
        { nml_prefix: suggestion.nml_prefix, local_prefix: suggestion.local_prefix });
      importId = op.operation_id;
      usedMappings.add(mappingKey(suggestion));
      mappingButtons();
      $("suggest-status").textContent = "Mapping saved. Importing again to find the files…";
      caughtUp(importId).catch(() => {}); // the event may still come; a failed read changes nothing
    } catch (error) {
      mappingBusy = false;
      mappingButtons();
      fail("Could not use the mapping", error);
    }
  }

  function roots() {
    return $("relocate-roots").value.split("\n").map((line) => line.trim()).filter(Boolean);
  }

  async function search() {
    const folders = roots();
    if (!folders.length) {
      // Said under the folders too, in place of an older refusal that would stand there still.
      $("relocate-summary").textContent = "Type at least one folder to search.";
      fail("Nothing to search", new Error("Type at least one folder to search."), "nothing-to-search");
      return;
    }
    $("relocate-button").disabled = true;
    $("relocate-results").hidden = true;
    $("relocate-summary").textContent = "";
    try {
      const op = await api("POST", "/api/library/relocate", { roots: folders });
      relocateId = op.operation_id;
      $("relocate-cancel").disabled = false;
      showProgress({ percent: 0, message: "Starting…" });
      caughtUp(relocateId).catch(() => {});
    } catch (error) {
      $("relocate-button").disabled = false;
      // Said under the folders as well: the notification closes after a few seconds, and the DJ has a folder
      // to correct ("Cannot search '/tmp/x': Harmony looks under /home/dj, /media, /mnt only.").
      $("relocate-summary").textContent = error.message || String(error);
      fail("Could not search", error);
    }
  }

  function showProgress(event) {
    $("relocate-progress").hidden = false;
    $("relocate-progress").querySelector(".bar").style.width = `${Math.round(event.percent || 0)}%`;
    $("relocate-progress").querySelector(".message").textContent = event.message || "";
  }

  const LABELS = { exact: "Exact", likely: "Likely", ambiguous: "Ambiguous", not_found: "Not found" };
  //: How many matches the page lists at once (the rest: relocate these, then search again).
  const LISTED = 2000;

  // Why an unsure match is unsure: the DJ sees paths only.
  function doubt(m, choices) {
    if (m.confidence !== "ambiguous") return null;
    return el("span", { class: "muted doubt" }, choices.length > 1 ? "several files" : "size or tags differ");
  }

  // A DJ knows a track by its artist and title (`name`); its old path, below, tells apart two of the same name.
  function trackCell(m) {
    const name = m.name;
    return el("td", { "data-label": "Track" }, el("div", {}, name ? el("bdi", { class: "track-name" }, name) : null,
      el("span", { class: name ? "old-path muted" : "old-path" }, m.old_path)));
  }

  async function showMatches() {
    const search = relocateId;
    const data = await api("GET", `/api/library/relocate/${encodeURIComponent(search)}`);
    if (search !== relocateId) return; // a new search began meanwhile: its matches are the ones to show
    const listed = data.matches.filter((m) => m.confidence !== "not_found");
    $("relocate-summary").textContent = listed.length > LISTED
      ? `${data.summary} The first ${number(LISTED)} are listed: relocate them, then search again for the rest.`
      : data.summary;
    loadCount().catch(() => {}); // the search looked for every file first: the count may have changed
    const rows = listed.slice(0, LISTED).map((m) => {
      const choices = m.new_path ? [m.new_path] : m.candidates;
      const called = m.name ? `“${m.name}” (${m.old_path})` : `“${m.old_path}”`;
      const select = choices.length > 1
        ? el("select", { "aria-label": `File for ${called}` },
            el("option", { value: "" }, "Choose…"), ...choices.map((c) => el("option", { value: c }, c)))
        : null;
      const box = el("input", { type: "checkbox", "aria-label": `Relocate ${called}`, "data-track": m.track_id,
        "data-called": called });
      // A sure match comes ticked. An unsure one waits for the DJ: its one file (named alike, but its length or
      // tags disagree) is taken when ticked; among several, the one chosen is.
      if (m.new_path) {
        box.checked = true;
        box.dataset.sure = "yes";
      }
      if (choices.length === 1) box.dataset.path = choices[0];
      if (select) {
        select.addEventListener("change", () => {
          box.dataset.path = select.value;
          box.checked = Boolean(select.value);
        });
        box.addEventListener("change", () => { if (box.checked && !select.value) select.focus(); });
      }
      // Each cell says what it is (data-label): on a phone a match is a card, one line per cell (app.css).
      return el("tr", {}, el("td", { "data-label": "Use" }, box), trackCell(m),
        el("td", { class: `confidence-${m.confidence}`, "data-label": "Match" }, el("div", {}, LABELS[m.confidence], doubt(m, choices))),
        el("td", { "data-label": "Now at" }, el("div", {}, select || choices[0] || "")));
    });
    $("relocate-rows").replaceChildren(...rows);
    showRows();
  }

  async function applyMoves() {
    const ticked = [...document.querySelectorAll("#relocate-rows input:checked")];
    if (!ticked.length) {
      fail("Nothing to relocate", new Error("Tick the tracks to relocate first."), REFUSED);
      return;
    }
    const unchosen = ticked.find((box) => !box.dataset.path);
    if (unchosen) {
      // Nothing is moved until every ticked track has its file: a half-done relocation would leave the DJ to
      // find out which ones went.
      fail("Choose a file", new Error(`Choose which file is ${unchosen.dataset.called}, or untick it.`), REFUSED);
      unchosen.closest("tr").querySelector("select").focus();
      return;
    }
    const moves = ticked.map((box) => ({ track_id: Number(box.dataset.track), path: box.dataset.path }));
    busy = true;
    $("relocate-apply").disabled = true;
    try {
      const data = await api("POST", "/api/library/relocate/apply", { moves });
      notify.hide(REFUSED);
      // The rows relocated go; the others stay, for the DJ to choose a file for or to leave. An Undo puts the
      // rows back as they were.
      const gone = ticked.map((box) => box.closest("tr"));
      for (const row of gone) row.remove();
      showRows();
      $("relocate-summary").textContent = `${plural(data.relocated, "track relocated", "tracks relocated")}.`;
      // Replaces the last relocation's notification: its Undo would now meet this step first, and be refused.
      notify.show("relocated", { title: data.step ? data.step.label : "Tracks relocated",
        message: `${plural(data.relocated, "track now points at its file", "tracks now point at their files")}. Export to Traktor to move ${data.relocated === 1 ? "it" : "them"} there too.`,
        color: "green", autoClose: 8000,
        action: data.step ? { label: "Undo", run: () => undoRelocation(data.step.id, gone) } : null });
      if (data.step) relocations.push({ step: data.step.id, rows: gone });
      await loadCount();
    } catch (error) {
      fail("Could not relocate", error);
    } finally {
      busy = false;
      $("relocate-apply").disabled = false;
    }
  }

  // One relocation or undo at a time: an Undo answered after a newer relocation would replace that one's
  // notification, and its Undo with it.
  let busy = false;
  // The relocations made here and not undone, oldest first: Ctrl-Z (⌘Z) takes back the last, as its
  // notification's Undo does, after the notification has gone; pressed again, the one before.
  const relocations = [];
  function forget(step) {
    const at = relocations.findIndex((made) => made.step === step);
    if (at >= 0) relocations.splice(at, 1);
  }

  document.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.shiftKey || event.altKey || event.key.toLowerCase() !== "z") return;
    if (event.repeat) { // a key held down: one undo per press
      event.preventDefault();
      return;
    }
    // In the folder's field, Ctrl-Z takes back the typing.
    if (event.target.matches("textarea, input:not([type=checkbox]):not([type=radio]):not([type=button])")) return;
    event.preventDefault();
    const last = relocations[relocations.length - 1];
    if (last) undoRelocation(last.step, last.rows);
    else notify.show("relocated", { title: "Nothing to undo here", message: "Other edits are undone on the Library page.",
      color: "gray", autoClose: 5000 });
  });

  // The relocation's own step: an edit made since (another tab, the CLI) is refused, not undone in its place.
  // Its rows come back first in the list, unticked (the DJ just took them back), unless a search since lists
  // the same tracks.
  async function undoRelocation(step, rows) {
    if (busy) {
      // Its Undo stays offered: pressing it took the notification away.
      notify.show("relocated", { title: "Not undone yet", message: "Wait for the relocation or undo under way, then undo.",
        color: "gray", autoClose: 8000, action: { label: "Undo", run: () => undoRelocation(step, rows) } });
      return;
    }
    busy = true;
    $("relocate-apply").disabled = true;
    notify.show("relocated", { title: "Undoing the relocation…", message: "", loading: true });
    let answer;
    try {
      answer = await api("POST", "/api/undo", { step });
    } catch (error) {
      // Undone elsewhere (the library page, another tab, the CLI) or no longer kept: Ctrl-Z goes on to the
      // relocation before it. One that an edit came after stays, to undo once that edit is undone.
      if (error.data && error.data.code === "nothing_to_undo") forget(step);
      notify.show("relocated", { title: "Could not undo", message: error.message || String(error), color: "red",
        autoClose: 6000 });
      return;
    } finally {
      busy = false;
      $("relocate-apply").disabled = false;
    }
    forget(step);
    const listed = new Set(tickboxes().map((box) => box.dataset.track));
    const back = rows.filter((row) => !listed.has(row.querySelector("input[type=checkbox]").dataset.track));
    for (const row of back) row.querySelector("input[type=checkbox]").checked = false;
    $("relocate-rows").prepend(...back);
    showRows();
    $("relocate-summary").textContent = `Undone: ${plural(rows.length, "track points", "tracks point")} at the old file again.`;
    notify.show("relocated", { title: `Undone: ${answer.undone.label}`, message: "", color: "green", autoClose: 5000 });
    await loadCount().catch(() => {});
  }

  function showRows() {
    $("relocate-results").hidden = !$("relocate-rows").children.length;
    tickAllFollows();
  }

  // The "Use" heading's box ticks every sure match (exact or likely): an unsure one waits for the DJ, one row
  // at a time (its one file may be a 5 KB stray of the same name). It shows whether all of them are ticked, and
  // is there only when there is a sure match to tick.
  function tickboxes() {
    return [...document.querySelectorAll("#relocate-rows input[type=checkbox]")];
  }
  function tickable() {
    return tickboxes().filter((box) => box.dataset.sure);
  }
  function tickAllFollows() {
    const boxes = tickable();
    const ticked = boxes.filter((box) => box.checked).length;
    $("relocate-all").hidden = boxes.length === 0;
    $("relocate-all").checked = boxes.length > 0 && ticked === boxes.length;
    $("relocate-all").indeterminate = ticked > 0 && ticked < boxes.length;
  }
  $("relocate-all").addEventListener("change", () => {
    for (const box of tickable()) box.checked = $("relocate-all").checked;
    tickAllFollows();
  });
  $("relocate-rows").addEventListener("change", tickAllFollows);

  // An operation of a small library can finish before the request that started it has answered: its last
  // event then came while its id was not known here. So once the id is known, its state is read once too;
  // whichever comes first handles the end, once.
  const ended = new Set();

  async function caughtUp(operationId) {
    const op = await api("GET", `/api/operations/${encodeURIComponent(operationId)}`);
    if (op.status !== "queued" && op.status !== "running") operationEvent(op);
  }

  onOperation(operationEvent);
  onEvent("library_changed", () => recount().catch(() => {}));

  function operationEvent(event) {
    const finished = event.status !== "queued" && event.status !== "running";
    if (finished) {
      if (ended.has(event.operation_id)) return;
      if (event.operation_id === importId || event.operation_id === relocateId) ended.add(event.operation_id);
    }
    if (event.operation_id === importId && finished) {
      importId = null;
      mappingBusy = false;
      mappingButtons();
      const why = event.status === "succeeded" ? "" : `The import did not finish (${event.error || event.message || event.status}). `;
      // The files the mapping's import found again (its result's files_found): its notification counts every
      // track the mapping moved ("Updated 3,223 tracks" for 8 files found).
      const foundAgain = (event.status === "succeeded" && event.result && event.result.files_found) || 0;
      loadCount().then((count) => {
        const found = foundAgain ? `Found ${plural(foundAgain, "file")}. ` : "";
        $("suggest-status").textContent = why + (count === 0
          ? "Every missing file was found." : `${found}${plural(count, "track is", "tracks are")} still missing.`);
      });
    }
    if (event.operation_id !== relocateId) return;
    if (!finished) {
      showProgress(event);
      return;
    }
    $("relocate-progress").hidden = true;
    $("relocate-cancel").disabled = true;
    $("relocate-button").disabled = false;
    if (event.status === "succeeded") showMatches().catch((error) => fail("Could not read the matches", error));
    else $("relocate-summary").textContent = event.error || event.message || "";
  }

  $("suggest-button").addEventListener("click", suggest);
  $("check-button").addEventListener("click", checkAll);
  $("relocate-button").addEventListener("click", search);
  $("relocate-apply").addEventListener("click", applyMoves);
  $("relocate-cancel").addEventListener("click", () => {
    if (relocateId) api("POST", `/api/operations/${encodeURIComponent(relocateId)}/cancel`).catch(() => {});
  });
  loadCount()
    .then((count) => { if (count === 0) nothingMissing(); })
    .catch((error) => fail("Could not read the library", error));
})();
