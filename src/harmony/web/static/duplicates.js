// The Duplicates page: groups of tracks that are one recording; choose the one to keep and merge the group.
"use strict";

(() => {
  const { api, el, number } = window.Harmony;
  const $ = (id) => document.getElementById(id);
  const notify = window.HarmonyNotifications;

  function fail(title, error) {
    notify.show(`error-${Date.now()}`, { title, message: error.message || String(error), color: "red", autoClose: 6000 });
  }

  function kbps(bitrate) {
    return bitrate ? `${Math.round(bitrate / 1000)} kbps` : "";
  }

  function group(g, index) {
    const name = `keep-${index}`;
    const rows = g.tracks.map((t) => el("tr", {},
      el("td", {}, el("input", Object.assign({ type: "radio", name, value: t.id, "aria-label": `Keep ${t.path}` },
        t.id === g.keep ? { checked: "" } : {}))),
      el("td", {}, [t.artist, t.title].filter(Boolean).join(" – ")),
      el("td", { class: "num" }, t.cues), el("td", { class: "num" }, t.plays),
      el("td", {}, t.playlists.join(", ")), el("td", {}, t.format), el("td", {}, kbps(t.bitrate)),
      el("td", {}, t.path + (t.missing ? " (missing)" : ""))));
    const section = el("section", { class: "duplicate-group" },
      el("h2", {}, `${g.kind === "exact" ? "Same audio" : "Likely the same"}: ${[g.tracks[0].artist, g.tracks[0].title].filter(Boolean).join(" – ")}`),
      el("div", { class: "table-wrap" }, el("table", { class: "compact" },
        el("thead", {}, el("tr", {}, ...["Keep", "Track", "Cues", "Plays", "Playlists", "Format", "Bitrate", "File"]
          .map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, ...rows))));
    const button = el("button", { type: "button" }, "Merge");
    button.addEventListener("click", () => merge(g, section, name, button));
    section.append(button);
    return section;
  }

  async function merge(g, section, name, button) {
    const keep = Number(section.querySelector(`input[name="${name}"]:checked`).value);
    const others = g.tracks.map((t) => t.id).filter((id) => id !== keep);
    const kept = g.tracks.find((t) => t.id === keep);
    if (!window.confirm(`Keep "${kept.path}" and merge ${others.length} other track(s) into it?\n\n` +
        "The others leave the library and, at the next export, the Traktor collection. Their files stay on disk.")) return;
    button.disabled = true;
    try {
      const result = await api("POST", "/api/library/merge", { keep, others });
      notify.show(`merged-${Date.now()}`, { title: "Tracks merged",
        message: `${number(result.removed.length)} merged, ${number(result.cues_added)} cue points added, ` +
          `${number(result.entries_moved)} playlist entries moved.`, color: "green", autoClose: 5000 });
      section.remove();
      if (!document.querySelector(".duplicate-group")) $("duplicates-status").textContent = "No duplicates left.";
    } catch (error) {
      button.disabled = false;
      fail("Could not merge", error);
    }
  }

  api("GET", "/api/library/duplicates").then((data) => {
    $("duplicates-status").textContent = data.groups.length
      ? `${number(data.groups.length)} groups of duplicates.` : "No duplicates found.";
    $("duplicate-groups").replaceChildren(...data.groups.map(group));
  }).catch((error) => {
    $("duplicates-status").textContent = "";
    fail("Could not look for duplicates", error);
  });
})();
