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
  const detail = document.getElementById("track-detail");
  const state = { search: "", sort: "artist", descending: false, offset: 0, total: 0 };
  let sequence = 0; // answers that arrive after a newer request are dropped

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "";
    const s = Math.round(seconds);
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }

  function position(ms) {
    if (ms === null || ms === undefined) return "";
    const total = ms / 1000;
    const minutes = Math.floor(total / 60);
    return `${minutes}:${(total - minutes * 60).toFixed(3).padStart(6, "0")}`;
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

  function swatch(color) {
    const node = el("span", { class: "swatch", title: color });
    node.style.backgroundColor = color; // CSSOM, allowed by the page's content security policy
    return el("span", {}, node, ` ${color}`);
  }

  async function showTrack(id) {
    let track;
    try {
      track = await api("GET", `/api/library/tracks/${id}`);
    } catch (error) {
      window.HarmonyNotifications.show("track-error", { title: "Track", message: error.message, color: "red", autoClose: 5000 });
      return;
    }
    document.getElementById("detail-title").textContent = track.title || track.path;
    document.getElementById("detail-artist").textContent = track.artist || "";
    const fields = [["Album", track.album], ["Genre", track.genre], ["Label", track.label], ["BPM", track.bpm],
      ["Key", track.key_text], ["Year", track.year], ["Rating", track.rating], ["Play count", track.play_count],
      ["Comment", track.comment], ["File", track.path]];
    document.getElementById("detail-fields").replaceChildren(...fields.filter(([, v]) => v !== null && v !== undefined)
      .flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
    const cues = document.getElementById("detail-cues");
    cues.replaceChildren(...(track.cues.length ? track.cues.map((c) => el("tr", {},
      el("td", {}, c.type_label || c.type), el("td", {}, c.slot >= 0 ? c.slot + 1 : ""), el("td", {}, position(c.position)),
      el("td", {}, c.length ? position(c.length) : ""), el("td", {}, c.name),
      el("td", {}, c.color ? swatch(c.color) : "")))
      : [el("tr", {}, el("td", { colspan: "6", class: "muted" }, "No cue points"))]));
    detail.hidden = false;
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
  document.getElementById("detail-close").addEventListener("click", () => { detail.hidden = true; });
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
