// The track table: the whole result as one scrolling list. Only the rows in sight (plus a few) are in the page;
// rows are fetched in blocks by offset as the DJ scrolls, so 100,000 tracks scroll as lightly as 100.
// It owns selection (click, shift-click, ctrl/cmd-click, Ctrl-A), the keyboard (arrows, Enter, F2, Delete),
// inline editing, sorting by header, dragging rows to playlists and reordering a playlist by drag and drop.
"use strict";

window.HarmonyTable = (() => {
  const { api, el, number, plural, sentence, putChildren } = window.Harmony;
  const Columns = window.HarmonyColumns;
  const Edits = window.HarmonyEdits;
  const ROW = 32; // px: every row has this height (app.css, "/* table */"), which is what makes the maths simple
  const BLOCK = 100; // rows per request
  const OVERSCAN = 10; // rows drawn above and below the visible ones
  const KEEP_BLOCKS = 60; // blocks kept in memory; older ones are fetched again when scrolled back to
  // Requests for rows in flight at once. A fast scroll (a dragged scroll bar, End) passes hundreds of blocks in a
  // second: only the blocks in sight when a request slot frees up are asked for, so the rows where the DJ stops
  // come after one answer, not after a queue of answers for rows already scrolled past.
  const IN_FLIGHT = 2;
  const DRAG_TYPE = "application/x-harmony-tracks";
  const DROP_MARKS = ["drop-before", "drop-after"];

  const wrap = document.getElementById("table-wrap");
  const table = document.getElementById("tracks-table");
  const head = document.getElementById("tracks-head");
  const colgroup = document.getElementById("tracks-cols");
  const body = document.getElementById("tracks-body");
  const countText = document.getElementById("track-count");
  const selectionText = document.getElementById("selection-count");
  const cellError = document.getElementById("cell-error");
  const sortKeys = new Set((document.getElementById("library").dataset.sortKeys || "").split(" ").filter(Boolean));
  sortKeys.add("position");
  const narrowScreen = window.matchMedia("(max-width: 900px)");

  // What is shown: the library or one playlist, searched, filtered and sorted. sort null = playlist order.
  const view = { playlist: null, search: "", filter: "", sort: "artist", descending: false };
  let total = 0;
  let loaded = false; // the first answer for this view has come
  let generation = 0; // answers for an older view are dropped
  let blocks = new Map(); // block start -> {tracks, promise, used}
  let stale = new Map(); // the previous blocks, drawn until their refreshed copies arrive (no flicker)
  let columns = [];
  let current = -1; // the focused row's index
  let currentCol = -1; // the focused cell's column, -1 when the row itself has the focus
  let anchor = -1; // where a shift-click range starts
  let selectAll = false; // Ctrl-A: every row of the view (ids fetched when an action needs them)
  const selected = new Set(); // track ids
  const selectedPositions = new Map(); // track id -> playlist positions, for removing and reordering
  // track id -> the rows it was selected on: a track held twice in a playlist, selected on one row while its place
  // was not known, is one entry to remove or move, not both (see entriesIn). `rowsOf`: the view's length then.
  const selectedRows = new Map();
  let rowsOf = 0;
  let editing = null;
  let frame = 0;
  let touch = 0;
  let emptyText = "No tracks.";
  // What the page says of an empty list from what only it knows, in place of the table's own line ("" keeps
  // that): the library page, of a playlist's own edits waiting, which no track row can show. Asked at each draw,
  // so it follows the tree.
  let emptyNote = () => "";
  let wantFocus = false; // the keyboard asked for the table before its rows had come
  let earlyKeys = []; // keys pressed in the table before a new view's first rows came (see onKey)
  let expecting = false; // a search is being typed: its view is asked for after a pause (see expectView)
  let cameFrom = null; // where the keyboard was when it asked for rows not there yet (see focus)
  let inFlight = 0; // row requests of this view not answered yet
  let wanted = []; // block starts in sight that wait for a free request slot (the latest draw's only)

  // --- data ---------------------------------------------------------------------------------------------------

  // The view's list (`what`: "tracks", or "track-ids" for all its ids at once) with `params` and the view's sort,
  // search and filter.
  function viewUrl(what, params) {
    if (view.sort) params.set("sort", (view.descending ? "-" : "") + view.sort);
    if (view.search) params.set("search", view.search);
    if (view.filter) params.set("filter", view.filter);
    return view.playlist ? `/api/playlists/${view.playlist.id}/${what}?${params}` : `/api/library/${what}?${params}`;
  }

  function query(offset, limit, locate = null) {
    const params = new URLSearchParams({ limit: String(limit), offset: String(offset) });
    if (locate) {
      params.set("locate", String(locate.id));
      if (locate.entry_id) params.set("locate_entry", String(locate.entry_id));
    }
    return viewUrl("tracks", params);
  }

  // `locate`: the focused track, which the answer also finds in the whole list (see `follow`).
  function fetchBlock(start, locate = null) {
    const known = blocks.get(start);
    if (known) {
      known.used = ++touch;
      return known.promise;
    }
    const mine = generation;
    const entry = { start, tracks: null, promise: null, used: ++touch, generation: mine };
    inFlight += 1;
    const settled = () => {
      if (mine !== generation) return;
      inFlight -= 1;
      fetchWanted();
    };
    entry.promise = api("GET", query(start, BLOCK, locate)).then((page) => {
      settled();
      if (mine !== generation) return null;
      entry.tracks = page.tracks;
      stale.delete(start);
      if (!loaded || page.total !== total) {
        loaded = true;
        total = page.total;
        totalChanged(page);
      }
      if (locate) follow(locate, page.located);
      forget();
      schedule();
      return page.tracks;
    }, (error) => {
      settled();
      if (blocks.get(start) === entry) blocks.delete(start);
      if (mine === generation) showProblem(error);
      return null;
    });
    blocks.set(start, entry);
    return entry.promise;
  }

  // The blocks in sight now replace any still waiting: rows scrolled past are never asked for.
  function want(starts) {
    wanted = starts.filter((start) => !blocks.has(start));
    fetchWanted();
  }

  function fetchWanted() {
    while (inFlight < IN_FLIGHT && wanted.length) fetchBlock(wanted.shift());
  }

  // Waits until the block holding row `index` is read as the list is now. A reload started meanwhile (the
  // library's refresh after an edit) makes the answer awaited an older one: its block is awaited in turn. Until
  // then the rows drawn are the ones from before the change (see `stale`), which an edit must not act on.
  async function rowsRead(index = 0) {
    const start = Math.floor(index / BLOCK) * BLOCK;
    let mine;
    do {
      mine = generation;
      await fetchBlock(start);
    } while (mine !== generation);
  }

  function forget() {
    if (blocks.size <= KEEP_BLOCKS) return;
    const oldest = [...blocks.entries()].filter(([, b]) => b.tracks).sort((a, b) => a[1].used - b[1].used);
    for (const [start] of oldest.slice(0, blocks.size - KEEP_BLOCKS)) blocks.delete(start);
  }

  function trackAt(index) {
    const start = Math.floor(index / BLOCK) * BLOCK;
    const block = blocks.get(start);
    const tracks = (block && block.tracks) || (stale.get(start) || {}).tracks;
    return tracks ? tracks[index - start] || null : null;
  }

  function indexOfId(id) {
    for (const [start, block] of blocks) {
      if (!block.tracks) continue;
      const at = block.tracks.findIndex((t) => t.id === id);
      if (at >= 0) return start + at;
    }
    return -1;
  }

  // Rows [from, to) as tracks, fetching what is not here yet (for ranges, Ctrl-A, dragging).
  async function tracksBetween(from, to) {
    const out = [];
    for (let start = Math.floor(from / 500) * 500; start < to; start += 500) {
      const page = await api("GET", query(start, 500));
      page.tracks.forEach((t, i) => { if (start + i >= from && start + i < to) out.push(t); });
      if (page.tracks.length < 500) break;
    }
    return out;
  }

  // Every row of the view as {id, position} (Ctrl-A), in one answer of ids: reading the rows whole took 200
  // requests and 19 s at 100,000 tracks.
  async function allRows() {
    const found = await api("GET", viewUrl("track-ids", new URLSearchParams()));
    return found.ids.map((id, i) => ({ id, position: found.positions ? found.positions[i] : undefined }));
  }

  // A view that cannot be read says why in place of the rows (a smart list Harmony cannot evaluate says so plainly,
  // never a silent "0 tracks").
  function showProblem(error) {
    emptyText = error.message;
    if (!loaded) {
      loaded = true;
      total = 0;
      totalChanged();
      countText.textContent = "";
    }
    if (view.playlist && view.playlist.smart) {
      document.dispatchEvent(new CustomEvent("harmony:view-problem", { detail: { message: error.message } }));
    }
    schedule();
  }

  // The count says what it counts: "0 tracks" beside a playlist's name, with a filter on, read as an empty
  // playlist.
  function countWords() {
    const counted = plural(total, view.filter === "missing" ? "missing track" : "track");
    return counted + (view.search ? " found" : "") + (view.filter === "pending" ? " pending export" : "");
  }

  function totalChanged() {
    table.setAttribute("aria-rowcount", String(total + 1));
    countText.textContent = countWords();
    showSelectionCount();
    if (current >= total) current = total - 1;
    document.dispatchEvent(new CustomEvent("harmony:view-total", { detail: { total, view: { ...view } } }));
  }

  // The keyboard stays on its track when a refresh moves it: an edit that changes the sorted column (or an
  // import, another tab) sends it elsewhere in the list, and the focus left on the same row number sat on another
  // track, which the next Enter edited. A track that left the list leaves the focus where it was, and so does a
  // keyboard that moved on while the answer came.
  // While the track's panel is open the focus stays in it; the row behind follows, so that Esc comes back to it.
  // A cell being edited meanwhile keeps its row (the edit's own save refreshes again).
  function follow(track, located) {
    if (located === null || located === undefined || located === current || current !== track.from) return;
    if (editing) return;
    const inTable = body.contains(document.activeElement);
    if (!inTable && !panelOpen()) return;
    current = located;
    // The track kept selected through a new order (reload's `open`: the DJ sorted with its panel open) is the entry
    // found, not each of its rows: a track held twice lost both entries to a Delete then.
    if (selected.has(track.id) && !selectedPositions.has(track.id) && !(selectedRows.get(track.id) || []).length) {
      selectedRows.set(track.id, [located]);
      rowsOf = total;
    }
    if (inTable) wantFocus = true;
    centreOn(current);
    schedule();
  }

  function panelOpen() {
    const panel = document.getElementById("track-detail");
    return Boolean(panel && !panel.hidden);
  }

  // Everything again from the first row (a new view); `keep` keeps the scroll position (a refresh); `open`, a
  // track the new order must find and keep selected (the one in the panel, when the DJ sorts).
  function reload({ keep = false, open = null } = {}) {
    const keyboardHere = body.contains(document.activeElement) || panelOpen();
    const focused = keep && current >= 0 && keyboardHere ? trackAt(current) : open;
    generation += 1;
    inFlight = 0;
    wanted = [];
    // The rows on show stay until their replacements come. A second reload before the first one's rows came (an
    // edit's own refresh, then the server's event for it) kept none, and lost the focused track with them.
    // At most as many blocks as are kept: the newest (a Map keeps its order of insertion).
    const shownNow = [...blocks].filter(([, b]) => b.tracks);
    stale = keep ? new Map([...stale, ...shownNow].slice(-KEEP_BLOCKS)) : new Map();
    blocks = new Map();
    if (!keep) {
      loaded = false;
      expecting = false;
      earlyKeys = [];
      // Busy until this view's first rows are drawn: the count comes with the answer, the rows a frame later.
      table.setAttribute("aria-busy", "true");
      wrap.scrollTop = 0;
      current = -1;
      currentCol = -1;
      anchor = -1;
      clearSelection();
      if (open) remember({ id: open.id });
      // Pending: the tracks only (a playlist's own edits wait too, marked in the tree, and the label counts them).
      emptyText = view.filter === "pending" ? "No track waits to be exported." : view.filter === "missing"
        ? "No missing files." : view.search ? "No track matches." : view.playlist ? "This playlist is empty." : "No tracks yet.";
    }
    if (!keep && view.playlist && view.playlist.smart && !view.search && !view.filter) {
      emptyText = "No track in the library matches this smart list's query.";
    }
    const first = fetchBlock(0, focused ? { id: focused.id, entry_id: focused.entry_id, from: current } : null);
    schedule();
    return first;
  }

  // --- drawing ------------------------------------------------------------------------------------------------

  function schedule() {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      draw();
    });
  }

  function visibleColumns() {
    const ids = Columns.chosen().filter((id) => {
      const column = Columns.BY_ID.get(id);
      return !column.playlistOnly || (view.playlist && !view.playlist.smart);
    });
    // A playlist's order is its # column; a smart list has no order of its own (its tracks are what its query finds).
    if (view.playlist && !view.playlist.smart && !ids.includes("position")) ids.unshift("position");
    const narrow = narrowScreen.matches;
    return ids.filter((id) => !narrow || Columns.NARROW.includes(id)).map((id) => Columns.BY_ID.get(id));
  }

  function sortable(column) {
    return column.sort && sortKeys.has(column.sort) &&
      (column.sort !== "position" || (view.playlist && !view.playlist.smart));
  }

  // Title, artist and album share whatever room the other columns leave, so the table fills its frame instead
  // of cutting titles short beside an empty stripe. The title takes the largest part (3 to 2 to 1.5): an equal
  // share of title and artist beside a fixed album left the title no wider than the album. They give up room
  // down to their least widths before anything scrolls: on a laptop (1,024 to 1,280 px) every column of the default
  // set stays in sight, beside shorter titles. Only a frame narrower than that scrolls sideways, inside the frame.
  const GROWING = {
    title: { least: 155, weight: 3 },
    artist: { least: 100, weight: 2 },
    album: { least: 85, weight: 1.5 },
  };

  // The growing columns' widths for a frame of `frame` pixels: each its weight's share of the room, and a column
  // held at its least width leaves the rest to the others.
  function shares(frame) {
    const grow = columns.filter((c) => GROWING[c.id]);
    let room = frame - columns.reduce((sum, c) => sum + (GROWING[c.id] ? 0 : c.width), 0);
    const widths = new Map();
    let open = grow;
    while (open.length) {
      const weights = open.reduce((sum, c) => sum + GROWING[c.id].weight, 0);
      const held = open.filter((c) => (room * GROWING[c.id].weight) / weights < GROWING[c.id].least);
      if (!held.length) {
        for (const c of open) widths.set(c.id, Math.floor((room * GROWING[c.id].weight) / weights));
        break;
      }
      for (const c of held) {
        widths.set(c.id, GROWING[c.id].least);
        room -= GROWING[c.id].least;
      }
      open = open.filter((c) => !held.includes(c));
    }
    return widths;
  }

  function sizeColumns() {
    const widths = shares(wrap.clientWidth);
    [...colgroup.children].forEach((col, i) => {
      const c = columns[i];
      col.style.width = `${GROWING[c.id] ? widths.get(c.id) : c.width}px`;
    });
  }

  function drawHead() {
    columns = visibleColumns();
    const width = columns.reduce((sum, c) => sum + (GROWING[c.id] ? GROWING[c.id].least : c.width), 0);
    const grows = columns.some((c) => GROWING[c.id]);
    colgroup.replaceChildren(...columns.map(() => el("col", {})));
    sizeColumns();
    table.style.width = grows ? "100%" : `${width}px`;
    table.style.minWidth = `${width}px`;
    table.setAttribute("aria-colcount", String(columns.length));
    head.replaceChildren(...columns.map((c, i) => {
      const sortedBy = c.sort && (c.sort === "position" ? view.sort === null : view.sort === c.sort);
      const attrs = { role: "columnheader", "aria-colindex": String(i + 1),
        class: [c.num ? "num" : "", c.mark ? "mark" : "", c.id === "title" ? "title-cell" : ""].filter(Boolean).join(" "),
        "data-column": c.id };
      if (sortedBy) attrs["aria-sort"] = c.sort === "position" || !view.descending ? "ascending" : "descending";
      const label = c.mark ? el("span", { "aria-hidden": "true" }, c.short) : c.label;
      const name = c.mark ? el("span", { class: "visually-hidden" }, c.label) : null;
      if (!sortable(c)) return el("th", { ...attrs, title: c.label }, label, name);
      return el("th", attrs, el("button", { type: "button", class: "sort", "data-sort": c.sort,
        title: c.sort === "position" ? "Playlist order" : `Sort by ${c.label}`,
        onclick: () => sortBy(c) }, label, name));
    }));
  }

  function cellText(column, track) {
    return Columns.show(column, track);
  }

  function rowNode(index) {
    if (editing && editing.index === index && editing.row.isConnected) return editing.row;
    const track = trackAt(index);
    const isCurrent = index === tabStop();
    if (!track) {
      return el("tr", { role: "row", class: "loading", "aria-rowindex": String(index + 2), "data-index": String(index) },
        el("td", { role: "gridcell", colspan: String(columns.length) }, "…"));
    }
    const chosen = rowSelected(index, track);
    const row = el("tr", { role: "row", "aria-rowindex": String(index + 2), "data-index": String(index),
      "data-id": String(track.id), "aria-selected": chosen ? "true" : "false", draggable: "true",
      tabindex: isCurrent && currentCol < 0 ? "0" : "-1",
      class: `${track.missing ? "missing " : ""}${track.pending ? "pending" : ""}`.trim() });
    columns.forEach((c, i) => {
      const attrs = { role: "gridcell", "aria-colindex": String(i + 1), tabindex: isCurrent && currentCol === i ? "0" : "-1" };
      const classes = [c.num ? "num" : "", c.mark ? `mark ${c.id}-mark` : "", c.stars ? "rating-cell" : "", c.edit ? "editable" : "",
        c.id === "title" ? "title-cell" : ""];
      attrs.class = classes.filter(Boolean).join(" ");
      if (c.title && c.title(track)) attrs.title = c.title(track);
      if (c.stars) attrs["aria-label"] = track.rating ? `${track.rating} of 5 stars` : "No rating";
      if (c.mark && c.title) attrs["aria-label"] = c.title(track) || `Not ${c.label.toLowerCase()}`;
      const text = cellText(c, track);
      if (c.id === "color" && track.color) {
        const swatch = el("span", { class: `swatch colour-${track.color}`, "aria-hidden": "true" });
        row.append(el("td", attrs, swatch, ` ${text}`));
      } else {
        row.append(el("td", { ...attrs, ...(text && !c.mark && !c.stars ? { title: text } : {}) }, text));
      }
    });
    return row;
  }

  function spacer(height) {
    const row = el("tr", { class: "spacer", "aria-hidden": "true" }, el("td", { colspan: String(columns.length || 1) }));
    row.style.height = `${height}px`;
    return row;
  }

  function draw() {
    // While a cell is being edited the rows stay as they are: moving the edited row would take the focus from its
    // input (a blur, which saves). The edit's end draws again, and only then are a new view's rows drawn: the
    // table stays busy meanwhile.
    if (editing) return;
    table.setAttribute("aria-busy", String(!loaded || expecting));
    const hadFocus = body.contains(document.activeElement) || (document.activeElement === table && current >= 0);
    if (loaded && total === 0) {
      // The keyboard asked for rows there are none of: it goes back where it came from (the search box, to type
      // another search), with the letters typed meanwhile.
      if (wantFocus && document.activeElement === table && cameFrom && cameFrom.isConnected) giveBack(cameFrom);
      earlyKeys = [];
      wantFocus = false;
      // The line wraps within the frame's visible width, and stays in view when the table scrolls sideways: on a
      // phone, or beside an open track, the columns are wider than the frame and the end of the line was cut off.
      const note = el("span", { class: "empty-note" }, emptyNote(view) || emptyText);
      note.style.maxWidth = `${Math.max(160, wrap.clientWidth - 24)}px`; // a property: the CSP refuses style=""
      body.replaceChildren(el("tr", { role: "row", class: "empty" },
        el("td", { role: "gridcell", colspan: String(columns.length) }, note)));
      return;
    }
    const rows = Math.max(1, total || (loaded ? 0 : 20));
    const first = Math.max(0, Math.floor(wrap.scrollTop / ROW) - OVERSCAN);
    const last = Math.min(rows, Math.ceil((wrap.scrollTop + wrap.clientHeight) / ROW) + OVERSCAN);
    const inSight = [];
    for (let start = Math.floor(first / BLOCK) * BLOCK; start < last; start += BLOCK) inSight.push(start);
    want(inSight);
    const shown = new Map([...body.querySelectorAll("tr[data-index]")].map((row) => [row.dataset.index, row]));
    const nodes = [spacer(first * ROW)];
    for (let i = first; i < last; i += 1) {
      const fresh = rowNode(i);
      const old = shown.get(String(i));
      // A drop marker (set in place while a drag is over the row) stays on the row as drawn now: the row is then
      // kept, and if it changed, its replacement still tells the drop where it lands.
      if (old) for (const mark of DROP_MARKS) if (old.classList.contains(mark)) fresh.classList.add(mark);
      nodes.push(old && old.outerHTML === fresh.outerHTML ? old : fresh);
    }
    nodes.push(spacer(Math.max(0, rows - last) * ROW));
    // A refresh that changed nothing leaves the rows alone, so a row the DJ pressed, about to be dragged, is
    // still the drag's source when the drag starts (see putChildren).
    putChildren(body, nodes);
    // The focus stays on its row across redraws; a row still being fetched takes it when it comes.
    if (hadFocus || wantFocus) {
      const ready = trackAt(current) !== null;
      wantFocus = !ready;
      if (ready) focusCurrent();
      // The focused row scrolled out of the drawn rows (the mouse wheel): the table keeps the keyboard, so Delete
      // or an arrow still acts from it (the focus fell to the page, and keys did nothing), and the row takes it
      // back when drawn again.
      if (hadFocus && !table.contains(document.activeElement)) table.focus({ preventScroll: true });
    }
    // Keys that waited for this view's rows (see onKey) play from its first row, if the keyboard is still here.
    if (earlyKeys.length && loaded) {
      if (!table.contains(document.activeElement)) earlyKeys = [];
      else if (current < 0) current = 0;
      if (earlyKeys.length && trackAt(current) !== null) {
        focusCurrent();
        playEarlyKeys();
      }
    }
  }

  // The keyboard back in the field it came from; letters typed while it waited for rows go on the field's text (a
  // DJ who pressed Enter on a search that finds nothing and went on typing lost those letters).
  function giveBack(field) {
    field.focus();
    const typed = earlyKeys.filter((k) => k.key.length === 1 && !k.ctrlKey && !k.metaKey && !k.altKey).map((k) => k.key);
    if (typed.length && "value" in field) {
      field.value += typed.join("");
      field.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  function rowElement(index) {
    return body.querySelector(`tr[data-index="${index}"]`);
  }

  function focusCurrent() {
    const row = rowElement(current);
    if (!row) return;
    const target = currentCol >= 0 ? row.children[currentCol] : row;
    if (!target) return;
    target.focus({ preventScroll: true });
    if (currentCol >= 0) scrollSidewaysTo(target);
  }

  // A cell reached with Left or Right is brought into the frame sideways, clear of the title column that stays
  // in place: with the track's panel open the frame is narrow, and the focus went on to cells out of sight.
  function scrollSidewaysTo(cell) {
    const frame = wrap.getBoundingClientRect();
    const box = cell.getBoundingClientRect();
    // Cells left of the title (the marks) scroll under it: they come into sight at the frame's start.
    const title = cell.parentElement.querySelector(".title-cell");
    const after = title && title !== cell && title.compareDocumentPosition(cell) & Node.DOCUMENT_POSITION_FOLLOWING;
    const start = after ? Math.max(frame.left, title.getBoundingClientRect().right) : frame.left;
    const end = frame.left + wrap.clientWidth;
    if (box.left < start) wrap.scrollLeft -= start - box.left;
    else if (box.right > end) wrap.scrollLeft += Math.min(box.right - end, box.left - start);
  }

  function scrollIntoView(index) {
    const header = head.getBoundingClientRect().height;
    const top = index * ROW;
    const visible = wrap.clientHeight - header;
    if (top < wrap.scrollTop) wrap.scrollTop = top;
    else if (top + ROW > wrap.scrollTop + visible) wrap.scrollTop = top + ROW - visible;
  }

  // A row that went out of sight comes back in the middle of the frame (not at its bottom edge, under the edit's
  // notification); a row in sight stays where it is.
  function centreOn(index) {
    const header = head.getBoundingClientRect().height;
    const top = index * ROW;
    const visible = wrap.clientHeight - header;
    if (top >= wrap.scrollTop && top + ROW <= wrap.scrollTop + visible) return;
    wrap.scrollTop = Math.max(0, top - Math.floor((visible - ROW) / 2));
  }

  // Moves the focus to row `index` (and cell `col`), drawing it first if it was out of sight.
  function moveTo(index, col = currentCol) {
    if (total === 0) return;
    current = Math.max(0, Math.min(total - 1, index));
    currentCol = Math.max(-1, Math.min(columns.length - 1, col));
    scrollIntoView(current);
    draw();
    focusCurrent();
  }

  // --- selection ----------------------------------------------------------------------------------------------

  function clearSelection() {
    selectAll = false;
    selected.clear();
    selectedPositions.clear();
    selectedRows.clear();
    showSelectionCount();
  }

  // The track at row `index` as remembered for a later remove or move: with its place in the playlist only if its
  // block was read since the playlist last changed (see placesFrom). The rows on show while a reload is on its way
  // are the ones from before (`stale`), as are the current ones in the 150 ms before a refresh: their places may
  // now hold other entries, and a key pressed after a move then had Delete take out the entry now there.
  function placed(index, track) {
    const block = blocks.get(Math.floor(index / BLOCK) * BLOCK);
    const fresh = block && block.tracks && block.generation >= placesFrom && block.tracks.includes(track);
    return fresh ? track : { id: track.id };
  }

  function remember(track, row) {
    const more = selected.has(track.id);
    selected.add(track.id);
    if (row !== undefined) {
      if (!selectedRows.has(track.id)) selectedRows.set(track.id, []);
      if (!selectedRows.get(track.id).includes(row)) selectedRows.get(track.id).push(row);
      rowsOf = total;
    }
    if (track.position !== undefined && track.position !== null) {
      if (!selectedPositions.has(track.id)) selectedPositions.set(track.id, new Set());
      selectedPositions.get(track.id).add(track.position);
    } else if (more) {
      selectedPositions.delete(track.id); // another entry of it, place unknown: none of its places is all there is
    }
  }

  // Forget one entry of a selected track (a Ctrl-click on a row already selected): in a playlist, a track held
  // twice stays selected on its other row.
  function unselectEntry(index, track) {
    const positions = selectedPositions.get(track.id);
    const rows = (selectedRows.get(track.id) || []).filter((row) => row !== index);
    if (positions && positions.size > 1 && track.position !== undefined) positions.delete(track.position);
    else if (!positions && rows.length) selectedRows.set(track.id, rows);
    else {
      selected.delete(track.id);
      selectedPositions.delete(track.id);
      selectedRows.delete(track.id);
      return;
    }
    selectedRows.set(track.id, rows);
  }

  // Whether the row at `index` shows a selected entry: in a playlist, a track held twice is selected on the rows
  // chosen (its places, or the rows it was chosen on while its places were not known), not on each of its rows.
  function rowSelected(index, track) {
    if (selectAll) return true;
    if (!track || !selected.has(track.id)) return false;
    if (!view.playlist || view.playlist.smart) return true;
    const positions = selectedPositions.get(track.id);
    if (positions && track.position !== undefined && track.position !== null) return positions.has(track.position);
    const rows = selectedRows.get(track.id);
    return !rows || !rows.length || rows.includes(index);
  }

  function announceSelection() {
    document.dispatchEvent(new CustomEvent("harmony:selection", { detail: { ids: selectAll ? null : [...selected],
      count: selectionCount() } }));
    showSelectionCount();
  }

  // Beside the count, how many tracks a bulk action will act on (nothing showed it: the panel stays on one track,
  // and a DJ could edit that one believing it was the selection). One selected track is the row the keyboard is on.
  function showSelectionCount() {
    // In a playlist, its entries: a track in it twice is two rows, and Remove takes both. (A refresh forgets the
    // places, to read them again when needed: a track whose places are not known counts once.)
    const entries = [...selected].reduce((sum, id) =>
      sum + (selectedPositions.get(id)?.size || selectedRows.get(id)?.length || 1), 0);
    const count = !selectAll && view.playlist && !view.playlist.smart ? entries : selectionCount();
    selectionText.hidden = count < 2;
    selectionText.textContent = count < 2 ? "" : `${number(count)} selected`;
  }

  function selectionCount() {
    return selectAll ? total : selected.size;
  }

  async function selectRange(from, to) {
    const low = Math.min(from, to);
    const high = Math.max(from, to);
    const known = [];
    let complete = true;
    for (let i = low; i <= high; i += 1) {
      const track = trackAt(i);
      if (!track) {
        complete = false;
        break;
      }
      known.push(placed(i, track));
    }
    const tracks = complete ? known : await tracksBetween(low, high + 1);
    clearSelection();
    tracks.forEach((track, offset) => remember(track, low + offset));
  }

  async function select(index, { shift = false, toggle = false } = {}) {
    // A row not fetched yet (End in a long list) is waited for: returning left the selection on the row before,
    // and Delete or Alt+↑ then acted on that one, out of sight.
    let track = trackAt(index);
    if (!track && index >= 0 && index < total) {
      await fetchBlock(Math.floor(index / BLOCK) * BLOCK);
      track = trackAt(index);
    }
    if (!track) return;
    if (shift && anchor >= 0) {
      await selectRange(anchor, index);
    } else if (toggle) {
      if (selectAll) {
        await selectRange(0, total - 1);
      }
      if (rowSelected(index, track)) unselectEntry(index, track);
      else remember(placed(index, track), index);
      anchor = index;
    } else {
      clearSelection();
      remember(placed(index, track), index);
      anchor = index;
    }
    current = index;
    announceSelection();
    paintSelection();
  }

  // The selection changed: mark the drawn rows in place (redrawing them would break a double click in two).
  function paintSelection() {
    for (const row of body.querySelectorAll("tr[data-id]")) {
      const index = Number(row.dataset.index);
      const chosen = rowSelected(index, trackAt(index));
      row.setAttribute("aria-selected", chosen ? "true" : "false");
    }
  }

  // The selected tracks' ids (all the view's for Ctrl-A), and the focused row when nothing is selected.
  async function selectedIds() {
    if (selectAll) return (await allRows()).map((row) => row.id);
    if (selected.size) return [...selected];
    const track = trackAt(current);
    return track ? [track.id] : [];
  }

  async function selectedPlaylistPositions() {
    return (await selectedEntries()).map((entry) => entry.position);
  }

  // The selected entries, their places as remembered or, for a track whose place is not known, as `blocks` show it.
  // A track whose places are not known is taken where the rows show it now (see onChosenRows).
  function entriesIn(blocksShown) {
    const shown = new Map();
    for (const block of blocksShown) {
      (block.tracks || []).forEach((track, offset) => {
        if (selected.has(track.id) && !selectedPositions.has(track.id)) {
          if (!shown.has(track.id)) shown.set(track.id, []);
          shown.get(track.id).push({ position: track.position, row: block.start + offset, title: track.title });
        }
      });
    }
    return [...selected].flatMap((id) => {
      const places = selectedPositions.has(id) ? [...selectedPositions.get(id)] : onChosenRows(shown.get(id) || [],
        selectedRows.get(id) || []);
      return places.map((position) => ({ id, position }));
    });
  }

  // The places of a selected track's `entries` ({position, row, title}) as the rows show them now, its places
  // not being known: all of them when it was selected on as many rows (or its rows are not known). Shown on more
  // rows than it was selected on (held twice, one row chosen), the entries on the rows chosen if the view has kept
  // its length and the track is on each of them still; else which one was meant cannot be told (rows added above
  // it put its other entry on the row chosen), and nothing is done.
  function onChosenRows(entries, rows) {
    if (!rows.length || rows.length >= entries.length) return entries.map((entry) => entry.position);
    if (total === rowsOf && rows.every((row) => entries.some((entry) => entry.row === row))) {
      return entries.filter((entry) => rows.includes(entry.row)).map((entry) => entry.position);
    }
    const name = entries[0].title ? `“${entries[0].title}”` : "This track";
    throw new Error(`${name} is in this playlist more than once, and the playlist changed since it was selected: `
      + "select the entry again.");
  }

  // The rows fetched since the library last changed (waiting a moment for them): the rows fetched before may show
  // the entries where they were.
  let placesFrom = 0; // blocks of this generation or later show the playlist as it is
  async function freshBlocks() {
    for (let waited = 0; waited < 3000; waited += 50) {
      const fresh = [...blocks.values()].filter((block) => block.tracks && block.generation >= placesFrom);
      if (fresh.length) return fresh;
      await new Promise((done) => setTimeout(done, 50));
    }
    return [];
  }

  // The selected playlist entries as `{id, position}` (the focused row's when nothing is selected). A selected
  // track whose place is not known (the playlist changed since it was selected: an undo, another tab) is taken
  // where the rows now in the page show it.
  async function selectedEntries() {
    if (selectAll) return allRows();
    if (selected.size) {
      const unknown = [...selected].some((id) => !selectedPositions.has(id));
      return entriesIn(unknown ? await freshBlocks() : []);
    }
    const track = trackAt(current);
    return track && track.position !== undefined ? [{ id: track.id, position: track.position }] : [];
  }

  // `typeInto`: the keyboard opened it (Enter on a row), so the panel takes the focus in its first field, ready
  // for typing; arrows browsing with the panel open leave the focus in the table.
  function openTrack(index, { typeInto = false } = {}) {
    const track = trackAt(index);
    if (track) showTrack(track.id, typeInto);
  }
  function showTrack(id, typeInto = false) {
    document.dispatchEvent(new CustomEvent("harmony:open-track", { detail: { id, focus: typeInto } }));
  }

  // --- sorting ------------------------------------------------------------------------------------------------

  function sortBy(column) {
    if (column.sort === "position") {
      view.sort = null;
      view.descending = false;
    } else if (view.sort === column.sort) {
      view.descending = !view.descending;
    } else {
      view.sort = column.sort;
      view.descending = false;
    }
    drawHead();
    // The track in the panel stays selected and is scrolled to in the new order (it was lost from sight, the
    // panel still showing it).
    const open = panelOpen() && current >= 0 ? trackAt(current) : null;
    reload({ open: open ? { id: open.id, entry_id: open.entry_id } : null });
    const button = head.querySelector(`button[data-sort="${column.sort}"]`);
    if (button) button.focus();
  }

  // --- inline editing -----------------------------------------------------------------------------------------

  function hideError() {
    cellError.hidden = true;
    cellError.textContent = "";
  }

  function showError(cell, message) {
    cellError.replaceChildren(sentence(message));
    cellError.hidden = false;
    const box = cell.getBoundingClientRect();
    const area = cellError.offsetParent ? cellError.offsetParent.getBoundingClientRect() : { left: 0, top: 0 };
    cellError.style.left = `${Math.max(0, box.left - area.left)}px`;
    cellError.style.top = `${box.bottom - area.top + 2}px`;
  }

  function nextEditable(from, step) {
    for (let i = from + step; i >= 0 && i < columns.length; i += step) if (columns[i].edit) return i;
    return -1;
  }

  function startEdit(index, col) {
    const column = columns[col];
    const track = trackAt(index);
    const row = rowElement(index);
    if (!column || !column.edit || !track || !row || editing) return false;
    current = index;
    currentCol = col;
    const cell = row.children[col];
    const original = Columns.value(column, track);
    const input = el("input", { type: "text", class: "cell-input", value: original, autocomplete: "off",
      "aria-label": `${column.label} of ${track.title || "this track"}`,
      inputmode: column.edit === "text" || column.edit === "key" ? "text" : "decimal" });
    input.value = original;
    cell.replaceChildren(input);
    cell.classList.add("editing");
    editing = { index, col, column, track, row, cell, input, original, busy: false };
    input.addEventListener("keydown", (event) => {
      event.stopPropagation();
      if (event.key === "Enter") {
        event.preventDefault();
        commit(0);
      } else if (event.key === "Escape") {
        event.preventDefault();
        cancelEdit();
      } else if (event.key === "Tab") {
        event.preventDefault();
        commit(event.shiftKey ? -1 : 1);
      }
    });
    input.addEventListener("blur", () => {
      if (editing && editing.input === input && !editing.busy) commit(null);
    });
    input.focus();
    input.select();
    return true;
  }

  function endEdit(refocus) {
    const was = editing;
    editing = null;
    hideError();
    draw();
    if (refocus && was) {
      current = was.index;
      focusCurrent();
    }
  }

  function cancelEdit() {
    endEdit(true);
  }

  // A typed value as the API takes it; the API itself names the field and its range when a value is refused.
  function parse(column, raw) {
    const text = raw.trim();
    if (text === "") return null;
    if (column.edit === "int") {
      if (!/^-?\d+$/.test(text)) throw new Error(`${column.label} must be a whole number`);
      return Number.parseInt(text, 10);
    }
    if (column.edit === "key") {
      const key = Columns.parseKey(text);
      if (key === undefined) throw new Error(`Key: “${text}” is not a key (e.g. 8A, 1m, Am, F#)`);
      return key;
    }
    if (column.edit === "bpm") {
      const value = Number(text.replace(",", "."));
      if (!Number.isFinite(value)) throw new Error("BPM must be a number");
      return value;
    }
    return text;
  }

  // Saves; `step` then moves to the next (1) or previous (-1) editable cell, 0 stays, null (left the cell) too.
  async function commit(step) {
    const edit = editing;
    if (!edit || edit.busy) return;
    const raw = edit.input.value;
    const next = step ? nextEditable(edit.col, step) : -1;
    if (raw === edit.original) {
      endEdit(step !== null);
      if (next >= 0) startEdit(edit.index, next);
      return;
    }
    let value;
    try {
      value = parse(edit.column, raw);
    } catch (error) {
      refuse(edit, error.message);
      return;
    }
    edit.busy = true;
    try {
      const track = await api("PATCH", `/api/library/tracks/${edit.track.id}`, { [edit.column.field]: value });
      updateTrack(track);
      document.dispatchEvent(new CustomEvent("harmony:track-saved", { detail: { track, from: "table" } }));
      endEdit(step !== null);
      if (next >= 0) startEdit(edit.index, next);
      // "Renamed “…” to “…” — Undo", as every other edit says; none when nothing changed.
      if (track.step && window.Harmony.notifyEdit) window.Harmony.notifyEdit(track.step);
    } catch (error) {
      edit.busy = false;
      refuse(edit, error.message);
    }
  }

  function refuse(edit, message) {
    edit.input.setAttribute("aria-invalid", "true");
    edit.input.setAttribute("aria-describedby", "cell-error");
    showError(edit.cell, message);
    if (document.activeElement !== edit.input) edit.input.focus();
  }

  // A saved or refreshed track replaces its old copy wherever it is cached (its position stays the row's).
  function updateTrack(track) {
    for (const map of [blocks, stale]) {
      for (const block of map.values()) {
        if (!block.tracks) continue;
        block.tracks = block.tracks.map((t) => (t.id === track.id ? { ...t, ...track, position: t.position } : t));
      }
    }
    schedule();
  }

  // --- events -------------------------------------------------------------------------------------------------

  function indexOf(target) {
    const row = target instanceof Element ? target.closest("tr[data-index]") : null;
    return row ? Number(row.dataset.index) : -1;
  }

  function colOf(target) {
    const cell = target instanceof Element ? target.closest("td") : null;
    return cell && cell.parentElement.dataset.id ? [...cell.parentElement.children].indexOf(cell) : -1;
  }

  body.addEventListener("click", (event) => {
    const index = indexOf(event.target);
    if (index < 0 || (editing && editing.index === index)) return;
    const shift = event.shiftKey;
    const toggle = event.ctrlKey || event.metaKey;
    currentCol = -1;
    const click = ++clicks;
    select(index, { shift, toggle }).then(() => {
      if (editing) return;
      focusCurrent();
      // A plain click opens the track, unless it was the first half of a double click (which edits the cell), or
      // a key came before the panel (see the keydown listener). The track clicked, by its id: a refresh meanwhile
      // (an edit elsewhere, sorted) may put another in its row.
      clearTimeout(opening);
      const track = trackAt(index);
      if (track && !shift && !toggle && event.detail < 2) {
        opening = setTimeout(() => { if (click === clicks) showTrack(track.id); }, 250);
      }
    });
  });

  let opening = null;
  // Clicks so far: a key pressed in the table after a click, before its panel opens, counts as one more. Esc said
  // "no panel"; after Alt+↓ the row clicked holds another entry, whose panel opened in place of the one moved.
  let clicks = 0;
  body.addEventListener("dblclick", (event) => {
    clearTimeout(opening);
    const index = indexOf(event.target);
    const col = colOf(event.target);
    if (index >= 0 && col >= 0 && !startEdit(index, col)) openTrack(index);
  });

  body.addEventListener("contextmenu", async (event) => {
    const index = indexOf(event.target);
    if (index < 0) return;
    event.preventDefault();
    const track = trackAt(index);
    // A row not selected is chosen alone first (in a playlist, another entry of a selected track too: the menu's
    // Remove took out the entry selected before, out of sight, instead of the one clicked).
    if (track && !rowSelected(index, track)) await select(index);
    current = index;
    menuFor(event.clientX, event.clientY);
  });

  // `returnTo`: where the keyboard goes back when the menu closes (the row; the panel's button for its menu).
  function menuFor(x, y, { returnTo = null, fromPanel = false } = {}) {
    const count = selectionCount();
    const what = count > 1 ? `${number(count)} tracks` : "track";
    const items = [{ label: "Add to playlist…", hint: "P", shortcut: "P", run: addToPlaylist }];
    // From the open track's panel, "Edit…" would open what is open.
    if (!fromPanel) items.push({ label: count > 1 ? `Edit ${what}…` : "Edit…", hint: "E", shortcut: "E", run: editSelection });
    if (view.playlist && !view.playlist.smart) {
      // The panel's menu offers a move only where one can be made (sorted by another column it was offered, then
      // refused); the rows' menu offers it and says how, where a DJ learns the keys.
      if (!fromPanel || reorderable()) {
        items.push({ label: "Move up", hint: "Alt+↑", shortcut: "Alt+ArrowUp", run: () => moveSelection(-1) });
        items.push({ label: "Move down", hint: "Alt+↓", shortcut: "Alt+ArrowDown", run: () => moveSelection(1) });
      }
      items.push({ label: "Remove from playlist", hint: "Delete", shortcut: "Delete",
        run: () => removeSelection({ fromPanel }) });
    }
    const row = rowElement(current);
    Edits.openMenu(items, x, y, returnTo || row || table);
  }

  // The open track's menu from its panel's "⋯" button: a finger has no right-click (Add to playlist and Remove
  // from playlist were out of reach on a phone, where the panel covers the rows). It acts on the open track.
  document.addEventListener("harmony:track-menu", async (event) => {
    const { id, x, y, returnTo } = event.detail;
    let index = indexOfId(id);
    // Rows being read again (an edit's refresh, as after "Add to playlist…"): their answer is waited for, up to
    // 2 s, before the menu is chosen. Tapped in between, it held "Add to playlist…" alone, no "Remove".
    for (let waited = 0; index < 0 && stale.size && waited < 40; waited += 1) {
      await new Promise((resolve) => { setTimeout(resolve, 50); });
      index = indexOfId(id);
    }
    if (index < 0) {
      // The open track is not among the rows here (another view, far away, being read again): what needs no row.
      Edits.openMenu([{ label: "Add to playlist…", run: () => addToPlaylist([id]) }], x, y, returnTo);
      return;
    }
    // The menu acts on the open track: it becomes the selection (as a right-click on its row makes it).
    if (selectAll || selected.size !== 1 || !selected.has(id)) {
      clearSelection();
      await select(index);
    }
    current = index;
    menuFor(x, y, { returnTo, fromPanel: true });
  });

  // `given`: these tracks instead of the selection.
  async function addToPlaylist(given = null) {
    const ids = given || await selectedIds();
    if (!ids.length) return;
    const lists = window.HarmonyTree ? window.HarmonyTree.playlists() : [];
    const chosen = await Edits.pick(`Add ${plural(ids.length, "track")} to a playlist`,
      lists.map((p) => ({ label: p.path, name: p.name, playlist: p })));
    if (chosen) await Edits.addToPlaylist(chosen.playlist, ids);
  }

  async function editSelection() {
    const ids = await selectedIds();
    if (ids.length === 1 && !selectAll && selected.size <= 1) {
      openTrack(current);
      return;
    }
    if (ids.length) Edits.bulkEdit(ids);
  }

  // Alt+↑ / Alt+↓ (or the menu) in a playlist shown in its own order: the selected entries, or the focused one,
  // one place up or down, as a drag would move them (entries apart are gathered: by the first going up, by the
  // last going down). They stay selected, and the keyboard stays on its entry, so the keys can go on moving them.
  // One move at a time, each from where the one before left them: a key held down, or pressed again before the
  // answer, sent the same old places twice and the second move undid the first.
  let moving = Promise.resolve();
  let movesUnderWay = 0; // moves asked for whose rows have not come yet (see the keydown handler)
  let queueEnded = false; // a queued Enter or F2 gave the keyboard to the panel or a cell: the keys after it were not for the rows
  function moveSelection(step) {
    if (movesUnderWay === 0) queueEnded = false;
    movesUnderWay += 1;
    moving = moving.then(() => moveOnce(step)).catch((error) => Edits.failed("Reorder", error))
      .finally(() => { movesUnderWay -= 1; });
    return moving;
  }

  // A key pressed while a move is under way, done once the move's rows have come (in order with the moves).
  function afterMoves(key) {
    moving = moving.then(() => {
      if (editing || queueEnded) return null;
      if (LAST_KEYS.has(key.key)) queueEnded = true;
      return onKey({ ...key, preventDefault() {} });
    }).catch(() => {});
  }

  async function moveOnce(step) {
    if (!view.playlist || view.playlist.smart || selectAll) return; // the whole playlist has nowhere to go
    if (!reorderable()) {
      hintReorder();
      return;
    }
    const playlist = view.playlist;
    const entries = (await selectedEntries()).sort((a, b) => a.position - b.position);
    if (!entries.length || !view.playlist || view.playlist.id !== playlist.id) return; // another opened meanwhile
    const positions = entries.map((entry) => entry.position);
    const first = positions[0];
    const last = positions[positions.length - 1];
    if (step < 0 ? first === 0 : last === total - 1) return; // already at the top (bottom)
    // Up: before the entry above the first; down: before the one after the next below the last.
    const start = landing(step < 0 ? first - 1 : last + 2, positions);
    if (!(await Edits.moveInPlaylist(view.playlist, positions, start))) return;
    // Where they are now is known without asking: together, in their order, from `start`.
    clearSelection();
    entries.forEach((entry, rank) => remember({ id: entry.id, position: start + rank }, start + rank));
    anchor = start;
    announceSelection();
    paintSelection();
    reload({ keep: true });
    // The keyboard follows the moved entry once its rows come: the first block's answer places it (see follow),
    // then its own block is waited for.
    await rowsRead();
    await rowsRead(Math.max(current, 0));
  }

  // A playlist is reordered in its own order only: sorted by another column, searched or filtered, a row's place
  // on screen is not its place in the playlist. Said on a drop or a key, instead of doing nothing.
  function hintReorder() {
    const how = view.search && view.filter ? "Clear the search and the filter" : view.search ? "Clear the search"
      : view.filter ? "Turn the filter off" : "Sort by # (the playlist's order)";
    window.HarmonyNotifications.show("reorder-hint", { title: "Not reordered",
      message: `${how} to move tracks in “${view.playlist.name}”.`, color: "gray", autoClose: 5000 });
  }

  // `fromPanel`: asked from the open track's own menu, about that track: its panel closes with it (on a phone the
  // sheet went on to the next track without a word). From the rows, the next track takes its place in the panel.
  async function removeSelection({ fromPanel = false } = {}) {
    if (!view.playlist || view.playlist.smart) return;
    const playlist = view.playlist;
    let positions;
    try {
      positions = await selectedPlaylistPositions();
    } catch (error) {
      Edits.failed("Not removed", error);
      return;
    }
    // Another playlist opened while the places were asked for: they are the first one's (they went to the other).
    if (!view.playlist || view.playlist.id !== playlist.id) return;
    if (await Edits.removeFromPlaylist(playlist, positions)) {
      const showing = panelOpen() && !fromPanel;
      if (fromPanel && window.HarmonyPanel) window.HarmonyPanel.close();
      clearSelection();
      reload({ keep: true });
      // The next track takes the removed one's place, selected, and in the panel if it was open (it went on
      // showing the track taken out, with no row selected).
      await rowsRead();
      const next = Math.min(current, total - 1);
      if (next < 0) return;
      await rowsRead(next);
      await select(next);
      focusCurrent();
      if (showing) openTrack(next);
    }
  }

  // Keys pressed in the table before a new view's first rows have come wait for them: a DJ who types a search and
  // at once presses ↓ ↓ Enter had the keys go to no row (and Enter opened nothing). Every key waits, in order (a
  // P or a Ctrl-A after the arrows must come after them); Tab, Esc and the modifiers alone go their way.
  const MODIFIERS = new Set(["Shift", "Control", "Alt", "Meta"]);
  const PASSING_KEYS = new Set(["Tab", "Escape", ...MODIFIERS]);
  // After these the panel or a cell editor has the keyboard: the keys after them were not for the rows.
  const LAST_KEYS = new Set(["Enter", "F2"]);

  table.addEventListener("keydown", (event) => {
    if (!MODIFIERS.has(event.key)) clicks += 1;
    if (!editing && event.key === "ArrowDown" && !event.altKey && event.target.closest("thead")) {
      // Down from a column's header (just clicked to sort) goes on in the rows, as it would from the open row:
      // it scrolled the frame, and the selection and the panel stayed where they were. Before the sorted rows
      // have come it waits for them, as keys in the rows do.
      event.preventDefault();
      if (!loaded) {
        earlyKeys.push({ key: event.key, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false });
        return;
      }
      // With no track chosen yet, the first one (as Ctrl+Home would), else the one after it.
      return onKey(current >= 0 ? event : { key: "Home", ctrlKey: true, shiftKey: false, preventDefault() {} });
    }
    if (editing || event.target.closest("thead")) return;
    if (!loaded && !PASSING_KEYS.has(event.key)) {
      event.preventDefault();
      const { key, shiftKey, ctrlKey, metaKey, altKey } = event;
      earlyKeys.push({ key, shiftKey, ctrlKey, metaKey, altKey });
      return;
    }
    // Keys pressed while entries are being moved wait for the move and its rows: ↓ went on from the entry's old
    // place, among the rows from before the move, and a Delete after it took out another entry than the one
    // selected. Alt+↑/↓ themselves queue as moves.
    // Space stays the player's.
    const moveKey = event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown");
    if (movesUnderWay > 0 && !moveKey && !PASSING_KEYS.has(event.key) && event.key !== " ") {
      event.preventDefault();
      const { key, shiftKey, ctrlKey, metaKey, altKey } = event;
      afterMoves({ key, shiftKey, ctrlKey, metaKey, altKey });
      return;
    }
    onKey(event);
  });

  // One key after the other: an arrow's selection (and, with the panel open, the track it shows) is done before
  // the next key, so that a last Enter opens its row's track, not the one an arrow's late answer reopens.
  async function playEarlyKeys() {
    const keys = earlyKeys;
    earlyKeys = [];
    for (const key of keys) {
      await onKey({ ...key, preventDefault() {} });
      if (editing || LAST_KEYS.has(key.key)) break;
    }
  }

  // What a key does in the rows; returns the work it started (an arrow's selection), for a replay to wait on.
  function onKey(event) {
    const index = current < 0 ? 0 : current;
    if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown") && view.playlist && !view.playlist.smart) {
      event.preventDefault();
      return moveSelection(event.key === "ArrowUp" ? -1 : 1);
    }
    const page = Math.max(1, Math.floor((wrap.clientHeight - ROW) / ROW));
    const moves = { ArrowDown: index + 1, ArrowUp: index - 1, PageDown: index + page, PageUp: index - page,
      Home: 0, End: total - 1 };
    const key = event.key;
    // Home/End move along the row's cells; with Ctrl (or on a row) they go to the first and last track.
    if (key === "ArrowDown" || key === "ArrowUp" || key === "PageDown" || key === "PageUp" ||
        ((key === "Home" || key === "End") && (event.ctrlKey || currentCol < 0))) {
      event.preventDefault();
      moveTo(moves[key]);
      if (event.shiftKey) {
        if (anchor < 0) anchor = index;
        return selectRange(anchor, current).then(() => { announceSelection(); paintSelection(); });
      } else {
        return select(current).then(() => {
          if (panelOpen()) return openTrack(current);
          return null;
        });
      }
    } else if (key === "ArrowRight" || key === "ArrowLeft") {
      event.preventDefault();
      moveTo(index, key === "ArrowRight" ? Math.min(columns.length - 1, currentCol + 1) : Math.max(-1, currentCol - 1));
    } else if (key === "Home" || key === "End") {
      event.preventDefault();
      moveTo(index, key === "Home" ? 0 : columns.length - 1);
    } else if (key === "Enter" || key === "F2") {
      event.preventDefault();
      if (currentCol >= 0 && columns[currentCol].edit) startEdit(index, currentCol);
      else if (key === "F2") startEdit(index, nextEditable(-1, 1));
      else openTrack(index, { typeInto: true });
    } else if ((event.ctrlKey || event.metaKey) && key.toLowerCase() === "a") {
      event.preventDefault();
      clearSelection();
      selectAll = true;
      announceSelection();
      paintSelection();
    } else if (key === "Delete" || key === "Backspace") {
      if (view.playlist && !view.playlist.smart) {
        event.preventDefault();
        return removeSelection(); // a key queued after it waits for it (see afterMoves)
      }
    } else if (key === "ContextMenu" || (key === "F10" && event.shiftKey)) {
      event.preventDefault();
      const row = rowElement(current);
      const box = row ? row.getBoundingClientRect() : table.getBoundingClientRect();
      menuFor(box.left + 40, box.bottom);
    } else if (!event.ctrlKey && !event.metaKey && !event.altKey && (key === "p" || key === "P")) {
      event.preventDefault();
      addToPlaylist();
    } else if (!event.ctrlKey && !event.metaKey && !event.altKey && (key === "e" || key === "E")) {
      event.preventDefault();
      editSelection();
    }
  }

  // A focused row or cell is where the keyboard is: keep `current` in step with the mouse and Tab too.
  body.addEventListener("focusin", (event) => {
    if (editing) return;
    const index = indexOf(event.target);
    if (index < 0) return;
    current = index;
    currentCol = event.target.tagName === "TD" ? colOf(event.target) : -1;
    paintCurrent();
  });

  // The row the Tab key reaches: the focused one, or the first before any is (else Tab went from the column
  // headers past every row).
  function tabStop() {
    const first = Math.min(Math.max(0, total - 1), Math.floor(wrap.scrollTop / ROW));
    const last = Math.floor((wrap.scrollTop + wrap.clientHeight) / ROW);
    // The focused row while it is in sight; else the first row in sight (a row scrolled away is not drawn).
    return current >= first && current <= last ? current : first;
  }

  // The focused row (or cell) marked in place, as rowNode draws it: the one element the Tab key reaches.
  function paintCurrent() {
    for (const node of body.querySelectorAll('[tabindex="0"]')) node.setAttribute("tabindex", "-1");
    const row = rowElement(tabStop());
    const target = row && (currentCol >= 0 ? row.children[currentCol] : row);
    if (target) target.setAttribute("tabindex", "0");
  }

  // Tab into the grid from the headers lands on the focused row, or the first one. While a new view's rows are on
  // their way the table keeps the focus (the rows in the page are the old view's, about to go, and the focus
  // went with them): the keys wait there, and the first row takes the focus when it comes.
  table.addEventListener("focus", () => {
    if (!loaded) {
      wantFocus = true;
      return;
    }
    if (current < 0 && total > 0) current = 0;
    focusCurrent();
  });

  // The frame reaches down to the window's bottom from wherever it starts: the toolbar above it takes a second
  // line beside the open panel (or on a phone), and with a fixed allowance for one line the page scrolled by it.
  function fitHeight() {
    const top = wrap.getBoundingClientRect().top + window.scrollY;
    const below = parseFloat(getComputedStyle(wrap.closest("main") || document.body).paddingBottom) || 0;
    wrap.style.setProperty("--frame-top", `${Math.ceil(top + below)}px`);
  }

  wrap.addEventListener("scroll", schedule, { passive: true });
  window.addEventListener("resize", schedule);
  new ResizeObserver(() => {
    sizeColumns();
    schedule(); // a taller frame shows more rows
  }).observe(wrap); // the frame changes with the window, the drawer, a scroll bar
  const above = new ResizeObserver(fitHeight);
  for (let part = wrap.previousElementSibling; part; part = part.previousElementSibling) above.observe(part);
  const topbar = document.querySelector(".topbar");
  if (topbar) above.observe(topbar);
  window.addEventListener("resize", fitHeight);
  fitHeight();
  narrowScreen.addEventListener("change", () => {
    drawHead();
    draw();
  });

  // --- drag and drop ------------------------------------------------------------------------------------------

  body.addEventListener("dragstart", async (event) => {
    const index = indexOf(event.target);
    const track = trackAt(index);
    if (!track) return;
    if (!rowSelected(index, track)) {
      // Dragging a row that is not selected drags that row alone. The rows are marked in place, not redrawn: the
      // pressed row must stay the drag's source (see putChildren).
      clearSelection();
      remember(placed(index, track), index);
      anchor = index;
      if (current !== index) {
        current = index;
        currentCol = -1;
        paintCurrent();
      }
      announceSelection();
      paintSelection();
    }
    const ids = selectAll ? null : [...selected];
    // A drag cannot wait for rows: the places of the rows on show (read again after a change, see refresh).
    let positions;
    try {
      positions = entriesIn(blocks.values()).map((entry) => entry.position);
    } catch (error) {
      event.preventDefault();
      Edits.failed("Not dragged", error);
      return;
    }
    draggingHere = true;
    event.dataTransfer.effectAllowed = "copyMove";
    event.dataTransfer.setData(DRAG_TYPE, JSON.stringify({ ids, all: selectAll,
      playlist: view.playlist ? view.playlist.id : null, positions }));
    event.dataTransfer.setData("text/plain", `${selectionCount()} tracks`);
  });

  // Where moved entries land, as the server counts it (their first one's place once they are taken out), for a
  // move that puts them before the entry now at `before` (the playlist's length: at the end). Entries taken out
  // above that place shift it up: a drag down counted them, and dropped one place too low per entry moved.
  function landing(before, positions) {
    return before - positions.filter((position) => position < before).length;
  }

  let draggingHere = false; // a drag that started in these rows is on

  function reorderable() {
    return view.playlist && !view.playlist.smart && view.sort === null && !view.search && !view.filter;
  }

  function clearDropMarks() {
    for (const row of body.querySelectorAll(DROP_MARKS.map((mark) => `.${mark}`).join())) {
      row.classList.remove(...DROP_MARKS);
    }
  }

  body.addEventListener("dragover", (event) => {
    if (!event.dataTransfer.types.includes(DRAG_TYPE)) return;
    if (!reorderable()) {
      // Rows of this playlist dragged over itself while sorted: they may be dropped here, to be told why
      // nothing moves (on the way to the tree, passing over the rows says nothing).
      if (draggingHere && view.playlist && !view.playlist.smart) {
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
      }
      return;
    }
    const index = indexOf(event.target);
    if (index < 0) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    clearDropMarks();
    const row = rowElement(index);
    const box = row.getBoundingClientRect();
    row.classList.add(event.clientY < box.top + box.height / 2 ? "drop-before" : "drop-after");
  });

  body.addEventListener("dragleave", (event) => {
    if (!body.contains(event.relatedTarget)) {
      clearDropMarks();
    }
  });

  body.addEventListener("drop", async (event) => {
    if (!event.dataTransfer.types.includes(DRAG_TYPE)) return;
    if (!reorderable()) {
      if (draggingHere && view.playlist && !view.playlist.smart) {
        event.preventDefault();
        hintReorder();
      }
      return;
    }
    const index = indexOf(event.target);
    if (index < 0) return;
    event.preventDefault();
    const row = rowElement(index);
    const after = row.classList.contains("drop-after");
    row.classList.remove(...DROP_MARKS);
    const payload = JSON.parse(event.dataTransfer.getData(DRAG_TYPE));
    if (payload.playlist !== view.playlist.id || !payload.positions.length) return;
    const target = trackAt(index);
    const positions = payload.positions.sort((a, b) => a - b);
    const to = landing(target.position + (after ? 1 : 0), positions);
    if (await Edits.moveInPlaylist(view.playlist, positions, to)) {
      clearSelection();
      reload({ keep: true });
    }
  });

  document.addEventListener("dragend", () => {
    clearDropMarks();
    draggingHere = false;
  });

  // --- the view, from outside ---------------------------------------------------------------------------------

  // A new view is on its way (a search being typed waits for a pause): busy until its rows are drawn.
  function expectView() {
    expecting = true;
    table.setAttribute("aria-busy", "true");
    // Typed in the search box again: keys and a focus asked for before were for the list before.
    earlyKeys = [];
    wantFocus = false;
  }

  function setView(changes) {
    const before = { ...view };
    Object.assign(view, changes);
    if ("playlist" in changes && changes.playlist !== before.playlist) {
      view.sort = view.playlist && !view.playlist.smart ? null : "artist";
      view.descending = false;
      view.search = changes.search !== undefined ? changes.search : view.search;
    }
    hideError();
    drawHead();
    reload();
  }

  // The panel closed: the focus goes back to its row, the scroll position stays.
  document.addEventListener("harmony:panel-closed", () => {
    const top = wrap.scrollTop;
    focusCurrent();
    wrap.scrollTop = top;
  });

  document.addEventListener("harmony:track-saved", (event) => {
    const track = event.detail && event.detail.track;
    if (track && event.detail.from !== "table") updateTrack(track);
  });

  document.addEventListener("harmony:columns-changed", () => {
    drawHead();
    draw();
  });

  // Something changed elsewhere (the CLI, another tab, an undo): the rows in view are read again (a changed
  // track may also have moved in the sort or left the filter, so every visible block is read, not only its row).
  let refreshTimer = null;
  function refresh() {
    // The library changed: in a playlist, the selected entries' places may have too (an undo, another tab).
    // They are read again from the rows when next needed (see selectedEntries).
    if (view.playlist && !view.playlist.smart) {
      selectedPositions.clear();
      placesFrom = generation + 1;
    }
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => { if (!editing) reload({ keep: true }); else refresh(); }, 150);
  }

  drawHead();

  // The keyboard comes to the table (Enter or ↓ in the search box). Before a new view's rows have come, the table
  // itself takes the focus, so that the keys pressed next wait for the rows in the table (see PASSING_KEYS), not
  // in the box; a row still being fetched takes it when it comes. A view with no rows leaves the keyboard where it
  // is (in the search box, to type another search).
  function focus() {
    if (current < 0) current = 0;
    if (trackAt(current) !== null && rowElement(current)) {
      focusCurrent();
      return;
    }
    if (loaded && total === 0) return;
    wantFocus = true;
    if (!loaded) {
      cameFrom = document.activeElement;
      table.focus({ preventScroll: true });
    }
  }

  function noteWhenEmpty(note) {
    emptyNote = note;
    if (loaded && total === 0) schedule();
  }

  return { setView, expectView, refresh, reload, view, focus, noteWhenEmpty,
    selectedIds, selectionCount, indexOfId, DRAG_TYPE, total: () => total,
    moveTo, startEdit, columnsShown: () => columns.map((c) => c.id) };
})();
