// The library page: puts the tree, the table and the toolbar together — search, the "Pending export" and
// "Missing" filters, the column chooser, the playlist drawer on narrow screens, and live refreshes when the library
// changes elsewhere (the CLI, another tab, an undo, an import).
"use strict";

(() => {
  const { api, el, number, plural, onOperation, onEvent, sentence } = window.Harmony;
  const Table = window.HarmonyTable;
  const Tree = window.HarmonyTree;
  const Columns = window.HarmonyColumns;
  const Edits = window.HarmonyEdits;
  const $ = (id) => document.getElementById(id);
  const search = $("search");
  const title = $("view-title");
  const smartQuery = $("smart-query");
  const pendingButton = $("filter-pending");
  const missingButton = $("filter-missing");

  // --- search and filters -------------------------------------------------------------------------------------

  let typing = null;
  search.addEventListener("input", () => {
    clearTimeout(typing);
    Table.expectView(); // the rows shown are no longer what the box asks for
    typing = setTimeout(() => {
      typing = null;
      Table.setView({ search: search.value.trim() });
    }, 200);
  });
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === "ArrowDown") {
      event.preventDefault();
      const waiting = typing !== null;
      clearTimeout(typing);
      typing = null;
      if (waiting || search.value.trim() !== Table.view.search) Table.setView({ search: search.value.trim() });
      Table.focus();
    }
  });

  // The skip link takes the keyboard to the rows without changing the address, which names the open playlist: as
  // an anchor it made "#tracks-table" a step of the history, and a reload then opened all tracks.
  document.querySelector(".skip-link[href='#tracks-table']").addEventListener("click", (event) => {
    event.preventDefault();
    Table.focus();
    // A view with no rows leaves the keyboard where it is (see Table.focus); the link still takes it to the table.
    if (!$("tracks-table").contains(document.activeElement)) $("tracks-table").focus();
  });

  // "/" jumps to the search box from anywhere on the page but a text field.
  document.addEventListener("keydown", (event) => {
    if (event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey && !Edits.typing(event.target) &&
        !document.querySelector("dialog[open]")) {
      event.preventDefault();
      search.focus();
      search.select();
    }
  });

  function setFilter(filter) {
    const next = Table.view.filter === filter ? "" : filter;
    pendingButton.setAttribute("aria-pressed", String(next === "pending"));
    missingButton.setAttribute("aria-pressed", String(next === "missing"));
    Table.setView({ filter: next });
  }
  pendingButton.addEventListener("click", () => setFilter("pending"));
  missingButton.addEventListener("click", () => setFilter("missing"));

  // The counts are the open view's (the library, or one playlist), as the list the button filters is.
  async function count(filter, playlist) {
    const list = playlist ? `/api/playlists/${playlist.id}/tracks` : "/api/library/tracks";
    const page = await api("GET", `${list}?filter=${filter}&limit=1`);
    return page.total;
  }

  // "Pending export (0)" while the tree marked two playlists read as nothing to export: the label counts the
  // playlists and folders edited or deleted since the last export too (the button still shows the tracks, the
  // only rows the list has). In a playlist, its own tracks, and the playlist itself when it waits.
  let pendingTracks = null;
  // "2 playlists", "1 folder": the playlists and folders edited or deleted since the last export.
  function waitingNodes(counts) {
    return [counts.playlists ? plural(counts.playlists, "playlist") : null,
      counts.folders ? plural(counts.folders, "folder") : null].filter(Boolean);
  }
  function pendingLabel() {
    if (pendingTracks === null) return;
    const counts = Tree.pendingCounts();
    const said = Table.view.playlist ? (counts.open ? ["this playlist"] : []) : waitingNodes(counts);
    // "0 tracks, this playlist" read as nothing to export beside a playlist that waits (a new order, a rename).
    const tracks = pendingTracks > 0 || !said.length ? [plural(pendingTracks, "track")] : [];
    pendingButton.textContent = said.length
      ? `Pending export (${[...tracks, ...said].join(", ")})`
      : `Pending export (${number(pendingTracks)})`;
    pendingButton.title = said.length
      ? "Shows the tracks not exported yet; the playlists and folders edited or deleted since the last export "
        + "(marked ● in the tree) wait too." : "";
  }
  document.addEventListener("harmony:tree-read", pendingLabel);

  // A playlist whose own edit waits (a new order, a new name, a track taken out) showed an empty Pending list
  // that said "No track waits to be exported" beside its ● in the tree, and so did the whole library's list under
  // "Pending export (1 playlist)": no track row can show such an edit.
  function playlistWaitsNote(view) {
    if (view.filter !== "pending") return "";
    const counts = Tree.pendingCounts();
    if (view.playlist) {
      return counts.open
        ? "No track waits to be exported, but this playlist does: its own edits (its name, its tracks or their order) "
          + "go with the next export." : "";
    }
    const waiting = waitingNodes(counts);
    const one = counts.playlists + counts.folders === 1;
    return waiting.length
      ? `No track waits to be exported, but ${waiting.join(" and ")} ${one ? "does" : "do"}: edited or deleted since `
        + `the last export (marked ● in the tree), ${one ? "it goes" : "they go"} with the next one.` : "";
  }
  document.addEventListener("harmony:tree-read", () => Table.noteWhenEmpty(playlistWaitsNote));

  let countsTimer = null;
  let countsAsked = 0;
  let countsRetry = 0; // seconds before the counts are asked again after a passing failure (0: none pending)
  async function loadCounts() {
    const asked = ++countsAsked;
    const playlist = Table.view.playlist;
    try {
      const [pending, missing] = await Promise.all([count("pending", playlist), count("missing", playlist)]);
      if (asked !== countsAsked) return; // another view's (or a newer) counts were asked for meanwhile
      countsRetry = 0;
      pendingTracks = pending;
      pendingLabel();
      missingButton.textContent = `Missing (${number(missing)})`;
      missingButton.hidden = missing === 0 && Table.view.filter !== "missing";
    } catch (error) {
      if (asked !== countsAsked) return;
      // Another view's counts must not stand for this one's meanwhile.
      if (playlist) {
        pendingTracks = null;
        pendingButton.textContent = "Pending export";
        pendingButton.title = "";
        missingButton.textContent = "Missing";
      }
      // A busy or unreachable server (no answer, 5xx) is asked again, less and less often; without that the
      // Missing button, hidden until its first count, stayed hidden until the library next changed. A refusal
      // (a smart list Harmony cannot evaluate) is an answer: it waits for the next change.
      if (!error.status || error.status >= 500) {
        countsRetry = Math.min(30, Math.max(2, countsRetry * 2));
        clearTimeout(countsTimer);
        countsTimer = setTimeout(loadCounts, countsRetry * 1000);
      }
    }
  }
  function refreshCounts() {
    clearTimeout(countsTimer);
    countsTimer = setTimeout(loadCounts, 300);
  }

  // --- the open view ------------------------------------------------------------------------------------------

  function showView(playlist) {
    title.textContent = playlist ? playlist.path || playlist.name : "All tracks";
    smartQuery.hidden = !(playlist && playlist.smart);
    smartQuery.classList.remove("error");
    if (playlist && playlist.smart) {
      smartQuery.textContent = playlist.query ? `Smart list: ${playlist.query}` : "Smart list";
    }
  }

  // The open playlist is in the page's address (/library#playlist=12): a reload, a bookmark or a link opens it
  // again, where it used to fall back to all tracks.
  function playlistInAddress() {
    const match = /^#playlist=(\d+)$/.exec(location.hash);
    return match ? Number(match[1]) : null;
  }

  // A playlist the DJ opens is a new entry of the browser's history, so Back goes to the view before it (it used
  // to leave the library page); `replace` only corrects the address (the "#missing" link's). Each entry remembers
  // the address of the one before it (`before`), for `gone`: the open playlist was deleted and `playlist` is shown
  // in its place. When the entry before already shows it, the page steps back onto that entry: a replaced entry
  // would be a second copy of it, and the next Back would seem to do nothing. Only onto an entry of this page as
  // loaded (`page`): after a reload the entry before belongs to the page as it was, and stepping back loaded it
  // again, the deletion's notification and its Undo gone with the page.
  const PAGE = performance.timeOrigin;
  function keepInAddress(playlist, { replace = false, gone = false } = {}) {
    const hash = playlist ? `#playlist=${playlist.id}` : "";
    if (location.hash === hash) return;
    const entry = history.state;
    if (gone && entry && entry.page === PAGE && entry.before === hash) {
      history.back(); // its popstate finds the view open (see openFromAddress)
      return;
    }
    const address = `${location.pathname}${location.search}${hash}`;
    if (replace || gone) history.replaceState(entry, "", address);
    else history.pushState({ before: location.hash, page: PAGE }, "", address);
  }

  document.addEventListener("harmony:open-view", (event) => {
    const playlist = event.detail.playlist;
    // Back or Forward pressed with the keyboard on a row: it stays in the table, on the new view's first row (the
    // row it was on left the page, and the focus with it).
    const active = document.activeElement;
    const inTable = $("tracks-body").contains(active) && !active.matches("input, select, textarea"); // not an edit
    keepInAddress(playlist, { gone: Boolean(event.detail.gone) });
    showView(playlist);
    search.value = "";
    Table.setView({ playlist, search: "" });
    if (inTable) Table.focus();
    if (!event.detail.keepDrawer) closeDrawer();
    loadCounts();
  });

  document.addEventListener("harmony:view-node", (event) => {
    const playlist = Table.view.playlist;
    if (!playlist) return;
    playlist.name = event.detail.name;
    playlist.path = event.detail.path;
    title.textContent = playlist.path;
  });

  // A smart list Harmony cannot evaluate: its query, then which part cannot be evaluated, never a silent "0 tracks".
  document.addEventListener("harmony:view-problem", (event) => {
    const playlist = Table.view.playlist;
    smartQuery.hidden = false;
    smartQuery.classList.add("error");
    smartQuery.replaceChildren(sentence(playlist && playlist.query
      ? `Smart list: ${playlist.query} — ${event.detail.message}` : event.detail.message));
  });

  // --- column chooser -----------------------------------------------------------------------------------------

  const columnsPanel = $("columns-panel");
  const columnsButton = $("columns-button");

  function drawChooser(focusId, focusWhat) {
    const chosen = Columns.chosen();
    const order = [...chosen, ...Columns.ALL.map((c) => c.id).filter((id) => !chosen.includes(id))];
    $("columns-list").replaceChildren(...order.map((id, i) => {
      const column = Columns.BY_ID.get(id);
      const shown = chosen.includes(id);
      const box = el("input", { type: "checkbox", id: `column-${id}`, "data-column": id });
      box.checked = shown;
      box.addEventListener("change", () => {
        const now = Columns.chosen();
        Columns.choose(box.checked ? [...now, id] : now.filter((other) => other !== id));
        changed(id, "box");
      });
      const moveButton = (step, text, what) => {
        const button = el("button", { type: "button", class: "ghost small", "aria-label": `Move ${column.label} ${what}`,
          "data-move": what, onclick: () => {
            const now = Columns.chosen();
            const at = now.indexOf(id);
            const to = at + step;
            if (at < 0 || to < 0 || to >= now.length) return;
            [now[at], now[to]] = [now[to], now[at]];
            Columns.choose(now);
            changed(id, what);
          } }, text);
        if (!shown || (step < 0 ? i === 0 : i === chosen.length - 1)) button.disabled = true;
        return button;
      };
      return el("li", {}, box, el("label", { for: `column-${id}` }, column.label),
        moveButton(-1, "↑", "up"), moveButton(1, "↓", "down"));
    }));
    if (focusId) {
      const target = focusWhat === "box" ? $(`column-${focusId}`)
        : $("columns-list").querySelector(`[data-column="${focusId}"]`).parentElement.querySelector(`[data-move="${focusWhat}"]`);
      if (target && !target.disabled) target.focus();
      else if ($(`column-${focusId}`)) $(`column-${focusId}`).focus();
    }
  }

  function changed(id, what) {
    drawChooser(id, what);
    document.dispatchEvent(new CustomEvent("harmony:columns-changed"));
  }

  columnsButton.addEventListener("click", () => {
    const open = columnsPanel.hidden;
    columnsPanel.hidden = !open;
    columnsButton.setAttribute("aria-expanded", String(open));
    if (open) {
      drawChooser();
      // It ends above the window's bottom and scrolls inside: on a phone, 70 % of the window from below the
      // toolbar ran past the screen and the page scrolled.
      const top = columnsPanel.getBoundingClientRect().top;
      columnsPanel.style.maxHeight = `${Math.max(160, Math.min(window.innerHeight * 0.7, window.innerHeight - top - 12))}px`;
      const first = $("columns-list").querySelector("input");
      if (first) first.focus();
    }
  });
  function closeColumns() {
    columnsPanel.hidden = true;
    columnsButton.setAttribute("aria-expanded", "false");
  }
  columnsPanel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.stopPropagation();
      closeColumns();
      columnsButton.focus();
    }
  });
  // A press anywhere else closes the list, as a menu closes (only Esc did).
  document.addEventListener("pointerdown", (event) => {
    if (!columnsPanel.hidden && !columnsPanel.contains(event.target) && !columnsButton.contains(event.target)) {
      closeColumns();
    }
  });
  $("columns-reset").addEventListener("click", () => {
    Columns.choose(Columns.DEFAULT);
    changed();
  });

  // --- the playlist drawer (narrow screens) -------------------------------------------------------------------

  const drawer = $("tree-drawer");
  const toggle = $("tree-toggle");
  // `focusToggle`: the keyboard goes back to the Playlists button (not when the drawer is no longer one).
  function closeDrawer({ focusToggle = true } = {}) {
    if (!drawer.classList.contains("open")) return;
    drawer.classList.remove("open");
    toggle.setAttribute("aria-expanded", "false");
    if (focusToggle) toggle.focus();
  }
  // Beside an open track's panel the playlists are a drawer up to 1,477 px (the stylesheet's): with the panel
  // closed they are back in their place, and a drawer left open would show over the table when the next track
  // opens.
  document.addEventListener("harmony:panel-closed", () => {
    if (toggle.offsetParent === null) closeDrawer({ focusToggle: false });
  });
  toggle.addEventListener("click", () => {
    const open = !drawer.classList.contains("open");
    drawer.classList.toggle("open", open);
    toggle.setAttribute("aria-expanded", String(open));
    if (open) setTimeout(() => Tree.focus(), 200); // once the drawer is shown: a hidden element takes no focus
  });
  $("tree-close").addEventListener("click", closeDrawer);
  // A click on the table or its toolbar beside the open drawer closes it and goes no further: it went on to the
  // table under it and opened a track's panel behind the drawer. (Only where the tree is a drawer: its toggle is
  // shown.) The mouse events of that press are swallowed, and so is the rest of a double click begun with it
  // (its second press opened the panel or started an edit), for the double-click interval: not longer, or a
  // later press, or the menu key's contextmenu, would be lost. A click made by a key (detail 0) never is. The
  // tree's own menu and dialogs (Delete asks first) are not beside it: their clicks go through.
  const DOUBLE_CLICK_MS = 500;
  let swallowUntil = -1;
  const besideDrawer = document.querySelector(".library .tracks");
  function beside(target) {
    return besideDrawer.contains(target) && !toggle.contains(target) && !target.closest("dialog, #context-menu, #track-detail");
  }
  document.addEventListener("pointerdown", (event) => {
    if (!drawer.classList.contains("open") && event.timeStamp < swallowUntil && beside(event.target)) {
      event.preventDefault();
      event.stopPropagation();
      return;
    }
    if (!drawer.classList.contains("open") || toggle.offsetParent === null || !beside(event.target)) return;
    event.preventDefault();
    event.stopPropagation();
    swallowUntil = event.timeStamp + DOUBLE_CLICK_MS;
    closeDrawer();
  }, true);
  for (const type of ["mousedown", "mouseup", "click", "dblclick", "contextmenu"]) {
    document.addEventListener(type, (event) => {
      if (event.timeStamp >= swallowUntil || (type === "click" && event.detail === 0) || !beside(event.target)) return;
      event.preventDefault();
      event.stopPropagation();
    }, true);
  }
  // A press that ends in no click (a middle button, a touch that became a scroll) begins no double click.
  for (const type of ["pointercancel", "auxclick"]) {
    document.addEventListener(type, () => { swallowUntil = -1; }, true);
  }
  document.addEventListener("keydown", (event) => {
    // An Esc that closed a dialog (Move to…, Delete) was the dialog's: the drawer it came from stays open.
    const inDialog = event.target instanceof Element && event.target.closest("dialog") !== null;
    if (event.key === "Escape" && drawer.classList.contains("open") && !inDialog && !document.querySelector("dialog[open]")) {
      closeDrawer();
      event.preventDefault(); // the drawer's Esc: the track's panel beside it stays open (it closed both)
    }
  });

  // --- live ---------------------------------------------------------------------------------------------------

  // An edit made on this page is told twice: by the page at once, and by the event stream to every page. Its
  // version tells: the rows already read again for it (or for a later one) are not read again. The tree keeps
  // its own account (`Tree.load(version)`): a word that needs no tree must not stand for a later one that does
  // (another process's new playlist, announced with the version of an edit made here).
  let rowsReadFor = 0;
  function libraryChanged(change) {
    const version = change && change.version;
    if (!version || version > rowsReadFor) {
      if (version) rowsReadFor = version;
      Table.refresh();
      refreshCounts();
    }
    if (!change || change.playlists !== false) Tree.load(version);
  }
  onEvent("library_changed", libraryChanged);
  document.addEventListener("harmony:stream-reopened", () => {
    rowsReadFor = 0;
    Tree.forgetVersions();
    libraryChanged(null);
  });
  document.addEventListener("harmony:library-edited", (event) => libraryChanged(event.detail));
  document.addEventListener("harmony:track-saved", () => refreshCounts());

  onOperation((event) => {
    if ((event.operation === "import" || event.operation === "export") && event.status === "succeeded") {
      libraryChanged(null);
    }
  });

  // --- the detail panel until the panel module is on the page: the track's fields, read-only ------------------

  if (!document.querySelector('script[src="/static/panel.js"]')) {
    const detail = $("track-detail");
    document.addEventListener("harmony:open-track", async (event) => {
      let track;
      try {
        track = await api("GET", `/api/library/tracks/${event.detail.id}`);
      } catch (error) {
        Edits.failed("Track", error);
        return;
      }
      $("detail-title").textContent = track.title || track.path;
      $("detail-artist").textContent = track.artist || "";
      const fields = [["Album", track.album], ["Genre", track.genre], ["Label", track.label], ["BPM", track.bpm],
        ["Key", track.key_display || track.key_text], ["Year", track.year], ["Rating", track.rating],
        ["Play count", track.play_count], ["Comment", track.comment], ["File", track.path]];
      $("detail-fields").replaceChildren(...fields.filter(([, v]) => v !== null && v !== undefined && v !== "")
        .flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
      $("detail-cues").replaceChildren(...(track.cues.length ? track.cues.map((c) => el("tr", {},
        el("td", {}, c.type), el("td", {}, c.slot >= 0 ? c.slot + 1 : ""), el("td", {}, c.position),
        el("td", {}, c.length || ""), el("td", {}, c.name), el("td", {}, c.color || "")))
        : [el("tr", {}, el("td", { colspan: "6", class: "muted" }, "No cue points"))]));
      detail.hidden = false;
    });
    const close = () => {
      if (detail.hidden) return;
      detail.hidden = true;
      document.dispatchEvent(new CustomEvent("harmony:panel-closed"));
    };
    $("detail-close").addEventListener("click", close);
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !Edits.typing(event.target) && !document.querySelector("dialog[open]")) close();
    });
  }

  // The playlist the address names, opened once the tree is there; one that is gone (deleted since the bookmark)
  // leaves all tracks, and the address says so.
  // `again`: open it even when it is the open view (the first time, when nothing is drawn yet).
  function openFromAddress(again = false) {
    if (location.hash && !location.hash.startsWith("#playlist=")) return; // another anchor (the skip link's)
    const wanted = playlistInAddress();
    const key = wanted !== null && Tree.has(`playlist:${wanted}`) ? `playlist:${wanted}` : "all";
    if (key === "all") keepInAddress(null, { replace: true }); // a playlist deleted since: no entry to come back to
    const open = Table.view.playlist ? `playlist:${Table.view.playlist.id}` : "all";
    if (again || key !== open) Tree.open(key);
  }
  // Both events may come for one step (Back to an address typed by hand): the second finds its view open.
  window.addEventListener("hashchange", () => openFromAddress());
  // Back and Forward between the views opened here: leaving an entry made by pushState fires popstate only.
  window.addEventListener("popstate", () => openFromAddress());

  showView(null);
  // With a playlist in the address, the table waits for the tree to open it: drawing all tracks first would blink.
  // "#missing" (the link of the "Find missing files" page) opens the library filtered to the missing files.
  const first = playlistInAddress();
  const missingFirst = location.hash === "#missing";
  if (missingFirst) keepInAddress(null, { replace: true });
  if (first === null && missingFirst) setFilter("missing");
  else if (first === null) Table.setView({});
  Tree.load().then((read) => {
    if (first === null) return;
    // Not read (the tree says why): all tracks, and the address stays for a reload to try again.
    if (read) openFromAddress(true);
    else Table.setView({});
  });
  loadCounts();
})();
