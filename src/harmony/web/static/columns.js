// The track table's columns: what each shows, how it sorts and edits, and which the DJ chose to see (in the order
// chosen, remembered in this browser). One list, so the table, the chooser and the bulk edit dialog agree.
"use strict";

window.HarmonyColumns = (() => {
  const STORAGE = "harmony.library.columns";
  // Traktor's seven track colours (1-7), 0 or null for none.
  const COLOURS = ["", "Red", "Orange", "Yellow", "Green", "Blue", "Violet", "Magenta"];

  function text(value) {
    return value === null || value === undefined ? "" : String(value);
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "";
    const s = Math.round(seconds);
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }

  function fileName(path) {
    return path ? path.split(/[\\/]/).pop() : "";
  }

  function date(value) {
    return value ? String(value).slice(0, 10) : "";
  }

  // edit: how an inline edit reads the typed text ("text", "int", "bpm", "key"); field: the name PATCH takes.
  const ALL = [
    { id: "pending", label: "Pending export", short: "●", width: 34, sort: "pending", mark: true,
      show: (t) => (t.pending ? "●" : ""), title: (t) => (t.pending ? "Not exported yet" : "") },
    { id: "missing", label: "Missing file", short: "⚠", width: 34, sort: "missing", mark: true,
      show: (t) => (t.missing ? "⚠" : ""), title: (t) => (t.missing ? "File missing" : "") },
    { id: "position", label: "#", width: 48, sort: "position", num: true, playlistOnly: true,
      show: (t) => (t.position === undefined || t.position === null ? "" : String(t.position + 1)) },
    { id: "title", label: "Title", width: 260, sort: "title", edit: "text", field: "title",
      show: (t) => t.title || fileName(t.path) },
    { id: "artist", label: "Artist", width: 200, sort: "artist", edit: "text", field: "artist" },
    { id: "album", label: "Album", width: 180, sort: "album", edit: "text", field: "album" },
    { id: "remixer", label: "Remixer", width: 140, sort: "remixer", edit: "text", field: "remixer" },
    { id: "producer", label: "Producer", width: 140, sort: "producer", edit: "text", field: "producer" },
    { id: "mix", label: "Mix", width: 120, sort: "mix", edit: "text", field: "mix" },
    { id: "genre", label: "Genre", width: 120, sort: "genre", edit: "text", field: "genre" },
    { id: "label", label: "Label", width: 140, sort: "label", edit: "text", field: "label" },
    { id: "catalog_number", label: "Catalogue no.", width: 120, sort: "catalog_number", edit: "text",
      field: "catalog_number" },
    { id: "comment", label: "Comment", width: 200, sort: "comment", edit: "text", field: "comment" },
    { id: "comment2", label: "Comment 2", width: 160, sort: "comment2", edit: "text", field: "comment2" },
    { id: "bpm", label: "BPM", width: 76, sort: "bpm", num: true, edit: "bpm", field: "bpm",
      show: (t) => (t.bpm === null || t.bpm === undefined ? "" : Number(t.bpm).toFixed(2)),
      value: (t) => (t.bpm === null || t.bpm === undefined ? "" : String(t.bpm)) },
    { id: "key", label: "Key", width: 64, sort: "key", edit: "key", field: "musical_key",
      show: (t) => text(t.key_display || t.key_text) },
    { id: "rating", label: "Rating", width: 92, sort: "rating", edit: "int", field: "rating", stars: true,
      show: (t) => (t.rating ? "★".repeat(t.rating) : ""), value: (t) => text(t.rating) },
    { id: "color", label: "Colour", width: 96, sort: "color", show: (t) => COLOURS[t.color || 0] || "" },
    { id: "duration", label: "Time", width: 64, sort: "duration", num: true, show: (t) => duration(t.duration) },
    { id: "year", label: "Year", width: 64, sort: "year", num: true, edit: "int", field: "year" },
    { id: "track_number", label: "Track no.", width: 80, sort: "track_number", num: true, edit: "int",
      field: "track_number" },
    { id: "added", label: "Added", width: 96, sort: "added",
      show: (t) => date(t.added || t.import_date || t.date_added) },
    { id: "last_played", label: "Last played", width: 104, sort: "last_played", show: (t) => date(t.last_played) },
    { id: "play_count", label: "Play count", width: 84, sort: "play_count", num: true },
    { id: "bitrate", label: "Bitrate", width: 84, sort: "bitrate", num: true,
      show: (t) => (t.bitrate ? `${Math.round(t.bitrate / 1000)} kbps` : "") },
    { id: "release_date", label: "Release date", width: 104, sort: "release_date", show: (t) => date(t.release_date) },
    { id: "path", label: "File", width: 260, sort: "path" },
  ];
  const BY_ID = new Map(ALL.map((c) => [c.id, c]));
  const DEFAULT = ["pending", "missing", "position", "title", "artist", "album", "genre", "bpm", "key", "rating",
    "duration", "added"];
  // What stays on a narrow screen (a tablet held upright, a phone): the DJ still picks tracks by these.
  const NARROW = ["pending", "missing", "position", "title", "artist", "bpm", "key", "rating"];

  // A typed key in any notation a DJ uses - Camelot (8A), Open Key (1m), musical (Am, F#, Dbm) - as the library's
  // musical_key (0-11 major C..B, 12-23 minor Cm..Bm); "" is no key (null), anything else undefined.
  const FIFTHS = [0, 7, 2, 9, 4, 11, 6, 1, 8, 3, 10, 5]; // 1d/8B = C, 2d/9B = G, ...
  const PITCH = { c: 0, d: 2, e: 4, f: 5, g: 7, a: 9, b: 11 };
  function parseKey(text) {
    const t = text.trim().toLowerCase().replace("♯", "#").replace("♭", "b");
    if (t === "") return null;
    const openKey = (n, minor) => {
      const major = FIFTHS[n - 1];
      return minor ? 12 + ((major + 9) % 12) : major;
    };
    let m = /^(\d{1,2})\s*([dm])$/.exec(t);
    if (m && Number(m[1]) >= 1 && Number(m[1]) <= 12) return openKey(Number(m[1]), m[2] === "m");
    m = /^(\d{1,2})\s*([ab])$/.exec(t);
    if (m && Number(m[1]) >= 1 && Number(m[1]) <= 12) return openKey(((Number(m[1]) + 4) % 12) + 1, m[2] === "a");
    m = /^([a-g])\s*(#|b)?\s*(m|min|minor|maj|major)?$/.exec(t);
    if (m) {
      const pitch = (PITCH[m[1]] + (m[2] === "#" ? 1 : m[2] === "b" ? 11 : 0)) % 12;
      return m[3] && m[3].startsWith("m") && m[3] !== "maj" && m[3] !== "major" ? 12 + pitch : pitch;
    }
    return undefined;
  }

  function show(column, track) {
    return column.show ? column.show(track) : text(track[column.id]);
  }

  // The text an inline edit starts from: the exact value, not the rounded display.
  function value(column, track) {
    if (column.value) return column.value(track);
    if (column.edit === "key") return text(track.key_display || track.key_text);
    return text(track[column.field || column.id]);
  }

  function chosen() {
    try {
      const saved = JSON.parse(localStorage.getItem(STORAGE) || "null");
      if (Array.isArray(saved)) {
        const ids = saved.filter((id) => BY_ID.has(id));
        if (ids.length) return ids;
      }
    } catch (_) {
      // an unreadable choice falls back to the defaults
    }
    return [...DEFAULT];
  }

  function choose(ids) {
    localStorage.setItem(STORAGE, JSON.stringify(ids.filter((id) => BY_ID.has(id))));
  }

  return { ALL, BY_ID, DEFAULT, NARROW, COLOURS, show, value, chosen, choose, duration, parseKey };
})();
