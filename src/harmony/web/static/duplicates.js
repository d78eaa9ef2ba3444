// The Duplicates page: groups of tracks that are one recording; choose the one to keep and merge the group.
// A merge is one undo step: its notification offers Undo, which brings the group back as it was.
"use strict";

(() => {
  const { api, el, number } = window.Harmony;
  const $ = (id) => document.getElementById(id);
  const notify = window.HarmonyNotifications;

  function fail(title, error) {
    notify.show(`error-${Date.now()}`, { title, message: error.message || String(error), color: "red", autoClose: 6000 });
  }

  function plural(count, one, many) {
    return `${number(count)} ${count === 1 ? one : many}`;
  }

  function kbps(bitrate) {
    return bitrate ? `${Math.round(bitrate / 1000)} kbps` : "";
  }

  // A cell named by its column (a phone shows each track as a card of "Column: value" lines).
  function cell(label, content, attrs = {}) {
    const inner = Array.isArray(content) ? el("span", {}, ...content) : content;
    return el("td", Object.assign({ "data-label": label }, attrs), inner);
  }

  function group(g, index) {
    const name = `keep-${index}`;
    const rows = g.tracks.map((t) => {
      const radio = el("input", Object.assign({ type: "radio", name, value: t.id, "aria-label": `Keep ${t.path}` },
        t.id === g.keep ? { checked: "" } : {}));
      const title = el("span", {}, [t.artist, t.title].filter(Boolean).join(" – ") || "(no title)");
      return el("tr", { "data-track": t.id },
        cell("Keep", radio, { class: "keep" }),
        cell("Track", t.id === g.keep ? [title, " ", el("span", { class: "tag" }, "suggested")] : title),
        cell("Cues", String(t.cues), { class: "num" }), cell("Plays", String(t.plays), { class: "num" }),
        cell("Playlists", t.playlists.join(", ") || "–"), cell("Format", t.format || "–"),
        cell("Bitrate", kbps(t.bitrate) || "–"),
        cell("File", t.missing ? [t.path, " ", el("span", { class: "tag missing" }, "file missing")] : t.path,
          { class: "path" }));
    });
    const heading = `${g.kind === "exact" ? "Same audio" : "Likely the same"}: ` +
      ([g.tracks[0].artist, g.tracks[0].title].filter(Boolean).join(" – ") || "(no title)");
    const section = el("section", { class: "duplicate-group", "aria-label": heading },
      el("h2", {}, heading),
      el("table", { class: "compact duplicates" },
        el("thead", {}, el("tr", {}, ...["Keep", "Track", "Cues", "Plays", "Playlists", "Format", "Bitrate", "File"]
          .map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, ...rows)));
    const button = el("button", { type: "button" }, "Merge into the checked track");
    button.addEventListener("click", () => merge(g, section, name, button));
    section.append(button);
    return section;
  }

  async function merge(g, section, name, button) {
    const keep = Number(section.querySelector(`input[name="${name}"]:checked`).value);
    const others = g.tracks.map((t) => t.id).filter((id) => id !== keep);
    const kept = g.tracks.find((t) => t.id === keep);
    if (!window.confirm(`Keep "${kept.path}" and merge ${plural(others.length, "other track", "other tracks")} into it?\n\n` +
        "The others leave the library and, at the next export, the Traktor collection. Their files stay on disk.")) return;
    button.disabled = true;
    try {
      const result = await api("POST", "/api/library/merge", { keep, others });
      const label = result.step ? result.step.label : "Tracks merged";
      notify.show("merged", { title: label,
        message: `${plural(result.cues_added, "cue point", "cue points")} added, ` +
          `${plural(result.entries_moved, "playlist entry", "playlist entries")} moved.`,
        color: "green", autoClose: 10000, action: result.step ? { label: "Undo", run: undo } : null });
      section.remove();
      await showCounts(document.querySelectorAll(".duplicate-group").length);
    } catch (error) {
      button.disabled = false;
      fail("Could not merge", error);
    }
  }

  async function undo() {
    try {
      const answer = await api("POST", "/api/undo");
      notify.show("merged", { title: "Undone", message: answer.undone.label, color: "green", autoClose: 5000 });
      await load();
    } catch (error) {
      fail("Could not undo", error);
    }
  }

  async function showCounts(groups) {
    const tracks = (await api("GET", "/api/library/tracks?limit=1")).total;
    $("duplicates-status").textContent = groups
      ? `${plural(groups, "group", "groups")} of duplicates among ${plural(tracks, "track", "tracks")}.`
      : `No duplicates among ${plural(tracks, "track", "tracks")}.`;
  }

  async function load() {
    const data = await api("GET", "/api/library/duplicates");
    $("duplicate-groups").replaceChildren(...data.groups.map(group));
    await showCounts(data.groups.length);
  }

  load().catch((error) => {
    $("duplicates-status").textContent = "";
    fail("Could not look for duplicates", error);
  });
})();
