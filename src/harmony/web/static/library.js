// The library page: a searchable, sortable, paged track table, a track's detail with its cue points, and the
// playlist tree. Every call is a small page from the API, so it stays quick at 100,000 tracks.
"use strict";

(() => {
  const { api, el, onOperation, number } = window.Harmony;
  const PAGE = 100;
  const body = document.getElementById("tracks-body");
  const search = document.getElementById("search");
  const countText = document.getElementById("track-count");
  const pageInfo = document.getElementById("page-info");
  const prev = document.getElementById("prev-page");
  const next = document.getElementById("next-page");
  const state = { search: "", sort: "artist", descending: false, offset: 0, total: 0 };
  let sequence = 0; // answers that arrive after a newer request are dropped

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "";
    const s = Math.round(seconds);
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }

  async function load() {
    const mine = ++sequence;
    const sort = (state.descending ? "-" : "") + state.sort;
    const params = new URLSearchParams({ sort, limit: String(PAGE), offset: String(state.offset) });
    if (state.search) params.set("search", state.search);
    body.setAttribute("aria-busy", "true");
    let page;
    try {
      page = await api("GET", `/api/library/tracks?${params}`);
    } catch (error) {
      if (mine === sequence) countText.textContent = error.message;
      return;
    } finally {
      if (mine === sequence) body.removeAttribute("aria-busy");
    }
    if (mine !== sequence) return;
    state.total = page.total;
    body.replaceChildren(...page.tracks.map((t) => el("tr", { "data-id": String(t.id), tabindex: "0",
      onclick: () => showTrack(t.id), onkeydown: (e) => { if (e.key === "Enter") showTrack(t.id); } },
      el("td", {}, t.title || t.path.split(/[\\/]/).pop()), el("td", {}, t.artist), el("td", {}, t.album),
      el("td", {}, t.genre), el("td", { class: "num" }, t.bpm ? t.bpm.toFixed(2) : ""), el("td", {}, t.key_text),
      el("td", { class: "num" }, t.rating ? "★".repeat(t.rating) : ""),
      el("td", { class: "num" }, duration(t.duration)), el("td", {}, t.date_added))));
    countText.textContent = `${number(page.total)} tracks`;
    const last = Math.min(page.offset + page.tracks.length, page.total);
    pageInfo.textContent = page.total ? `${number(page.offset + 1)}–${number(last)} of ${number(page.total)}` : "";
    prev.disabled = page.offset === 0;
    next.disabled = last >= page.total;
  }

  // The track panel (panel.js) opens on this event.
  function showTrack(id) {
    document.dispatchEvent(new CustomEvent("harmony:open-track", { detail: { id } }));
  }

  function renderTree(nodes) {
    const ul = el("ul");
    for (const node of nodes) {
      if (node.kind === "folder") {
        const details = el("details", { open: "" }, el("summary", {}, node.name), renderTree(node.children));
        ul.append(el("li", { class: "folder" }, details));
      } else {
        ul.append(el("li", { class: node.kind === "playlist" ? "playlist" : "smart" },
          `${node.kind === "playlist" ? "♪" : "✱"} ${node.name} `, el("span", { class: "muted" }, number(node.entry_count))));
      }
    }
    return ul;
  }

  async function loadTree() {
    const tree = document.getElementById("playlist-tree");
    try {
      const { nodes } = await api("GET", "/api/playlists");
      tree.replaceChildren(nodes.length ? renderTree(nodes) : el("p", { class: "muted" }, "No playlists yet."));
    } catch (error) {
      tree.replaceChildren(el("p", { class: "error" }, error.message));
    }
  }

  let typing = null;
  search.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      state.search = search.value.trim();
      state.offset = 0;
      load();
    }, 200);
  });
  prev.addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE); load(); });
  next.addEventListener("click", () => { state.offset += PAGE; load(); });
  for (const th of document.querySelectorAll("#tracks-table th[data-sort]")) {
    th.addEventListener("click", () => {
      if (state.sort === th.dataset.sort) state.descending = !state.descending;
      else { state.sort = th.dataset.sort; state.descending = false; }
      for (const other of document.querySelectorAll("#tracks-table th")) other.removeAttribute("aria-sort");
      th.setAttribute("aria-sort", state.descending ? "descending" : "ascending");
      state.offset = 0;
      load();
    });
  }

  // When an import finishes, show what it brought in.
  onOperation((event) => {
    if (event.operation === "import" && event.status === "succeeded") {
      load();
      loadTree();
    }
  });

  load();
  loadTree();
})();
