// The Duplicates page: groups of tracks that are one recording; choose the one to keep and merge the group.
// A merge is one undo step: its notification offers Undo, which brings the group back as it was.
"use strict";

(() => {
  const { api, el, latestOnly, number, onEvent, plural } = window.Harmony;
  const $ = (id) => document.getElementById(id);
  const notify = window.HarmonyNotifications;
  const Columns = window.HarmonyColumns;
  // Length, BPM and key as the library's table shows them: copies grouped "likely" by length can still differ in
  // the BPM or key they were analysed at, which tells the DJ which one carries the beat grid they trust.
  const columnText = (id, track) => Columns.show(Columns.BY_ID.get(id), track) || "–";

  function fail(title, error) {
    notify.show(`error-${Date.now()}`, { title, message: error.message || String(error), color: "red", autoClose: 6000 });
  }

  function kbps(bitrate) {
    return bitrate ? `${Math.round(bitrate / 1000)} kbps` : "";
  }

  // A cell named by its column (a phone shows each track as a card of "Column: value" lines).
  function cell(label, content, attrs = {}) {
    const inner = Array.isArray(content) ? el("span", {}, ...content) : content;
    return el("td", Object.assign({ "data-label": label }, attrs), inner);
  }

  // A big library can hold thousands of groups, and placeholder files thousands of copies of one "song": drawn
  // at once, 20,000 rows took 8 s. Groups come in batches as the page scrolls, and a big group shows the
  // suggested track first and then its first tracks, with a button for the others, a few hundred at a time.
  const GROUP_BATCH = 50;
  const FIRST_TRACKS = 25;
  const MORE_TRACKS = 500;
  const state = { groups: [], drawn: 0, remaining: 0, busy: false, loading: false };
  const MERGE = "Merge into the checked track";

  // "Artist – Title", each in a <bdi>: a Hebrew artist or title reads in its own direction, as in the library's
  // columns, and the dash stays between them.
  function named(t) {
    const parts = [t.artist, t.title].filter(Boolean).map((part) => el("bdi", {}, part));
    return parts.length ? parts.flatMap((part, i) => (i ? [" – ", part] : [part])) : ["(no title)"];
  }

  // A path that may break after each "/" (and "_", which stands for spaces in many folder names), so a narrow
  // column wraps "Events/09-01-2025_YomHuledet40_Daniel/Special" between its parts, not in mid-word.
  function breakable(path) {
    // (No lookbehind in the pattern: Safari before 16.4 cannot parse one, and the whole page would not run.)
    const parts = path.split(/([/\\_])/); // "a/b_c" -> ["a", "/", "b", "_", "c"]
    const out = [parts[0]];
    for (let i = 1; i < parts.length; i += 2) out.push(parts[i], el("wbr", {}), parts[i + 1]);
    return out;
  }

  function trackRow(g, t, name) {
    const radio = el("input", Object.assign({ type: "radio", name, value: t.id, "aria-label": `Keep ${t.path}` },
      t.id === g.keep ? { checked: "" } : {}));
    const title = el("span", {}, ...named(t));
    return el("tr", { "data-track": t.id },
      cell("Keep", radio, { class: "keep" }),
      cell("Track", t.id === g.keep ? [title, " ", el("span", { class: "tag" }, "suggested")] : title),
      cell("Length", columnText("duration", t), { class: "num" }), cell("BPM", columnText("bpm", t), { class: "num" }),
      cell("Key", t.key || "–"),
      cell("Cues", String(t.cues), { class: "num" }), cell("Plays", String(t.plays), { class: "num" }),
      // One playlist a line: with commas between them, a path ran on into the next one's name.
      cell("Playlists", t.playlists.length
        ? el("div", {}, ...t.playlists.map((path) => el("div", {}, ...breakable(path)))) : "–"),
      cell("Format", t.format || "–"),
      cell("Bitrate", kbps(t.bitrate) || "–"),
      cell("File", [...breakable(t.path), ...(t.missing ? [" ", el("span", { class: "tag missing" }, "file missing")] : [])],
        { class: "path" }));
  }

  function group(g, index) {
    const name = `keep-${index}`;
    const keep = g.tracks.filter((t) => t.id === g.keep);
    const others = g.tracks.filter((t) => t.id !== g.keep);
    const shown = [...keep, ...others.slice(0, FIRST_TRACKS - keep.length)];
    const hidden = others.slice(FIRST_TRACKS - keep.length);
    const body = el("tbody", {}, ...shown.map((t) => trackRow(g, t, name)));
    // Named as the merge will name it: by the suggested track (the group's first may be another spelling).
    const heading = el("h2", {}, el("span", {}, `${g.kind === "exact" ? "Same audio" : "Likely the same"}: `,
      ...named(keep[0] || g.tracks[0])));
    const section = el("section", { class: "duplicate-group", "aria-label": heading.textContent },
      heading,
      el("table", { class: "compact duplicates" },
        el("thead", {}, el("tr", {}, ...["Keep", "Track", "Length", "BPM", "Key", "Cues", "Plays", "Playlists", "Format", "Bitrate", "File"]
          .map((h) => el("th", { scope: "col" }, h)))),
        body));
    if (hidden.length) {
      const more = el("button", { type: "button", class: "ghost small show-all" });
      const label = () => (hidden.length > MORE_TRACKS
        ? `Show ${number(MORE_TRACKS)} more of the other ${plural(hidden.length, "track", "tracks")} of this group`
        : `Show the other ${plural(hidden.length, "track", "tracks")} of this group`);
      more.textContent = label();
      more.addEventListener("click", () => {
        body.append(...hidden.splice(0, MORE_TRACKS).map((t) => trackRow(g, t, name)));
        if (hidden.length) more.textContent = label();
        else more.remove();
      });
      section.append(more);
    }
    const button = el("button", { type: "button", class: "merge" }, MERGE);
    button.addEventListener("click", () => merge(g, section, name, button));
    section.append(button);
    if (state.busy) hold(section, true); // drawn while a merge or undo runs (a scroll): it waits like the others
    return section;
  }

  // The next batch of groups; the "more" button (also pressed by scrolling near it) stays while groups remain.
  function drawMore() {
    const next = state.groups.slice(state.drawn, state.drawn + GROUP_BATCH);
    $("duplicate-groups").append(...next.map((g, i) => group(g, state.drawn + i)));
    state.drawn += next.length;
    const left = state.groups.length - state.drawn;
    const more = $("duplicates-more");
    more.hidden = left === 0;
    more.textContent = `Show ${plural(Math.min(left, GROUP_BATCH), "more group", "more groups")} (${number(left)} left)`;
  }

  // One merge or undo at a time: the groups drawn are the library's before it, and a merge sent while an undo
  // ran left the page showing a group the server had already merged (found by a walk-through).
  function setBusy(busy) {
    state.busy = busy;
    $("duplicate-groups").setAttribute("aria-busy", String(busy));
    hold($("duplicate-groups"), busy);
    if (!busy) changedElsewhere(); // the events that came meanwhile, now that its own version is known
  }

  // The merge buttons, and the choices too: a track checked while an undo runs would be reset when the groups
  // are drawn again.
  function hold(root, busy) {
    for (const control of root.querySelectorAll("button.merge, input[type=radio]")) control.disabled = busy;
  }

  // The keyboard goes on to the next group's merge (a removed group's button took the focus with it), or to
  // the status line when none is left.
  function focusAfter(section) {
    const next = [section.nextElementSibling, section.previousElementSibling]
      .find((node) => node && node.classList.contains("duplicate-group"));
    const target = next ? next.querySelector("button.merge") : $("duplicates-status");
    target.focus();
  }

  async function merge(g, section, name, button) {
    if (state.busy) return;
    const keep = Number(section.querySelector(`input[name="${name}"]:checked`).value);
    const others = g.tracks.map((t) => t.id).filter((id) => id !== keep);
    const kept = g.tracks.find((t) => t.id === keep);
    const one = others.length === 1;
    // Named by its title, as the undo history names the merge ("Merged 1 duplicate into “Song”"); the file
    // says which copy.
    const choice = await window.HarmonyConfirm(`Merge into “${kept.title || kept.path.split("/").pop()}”?`,
      `Keep “${kept.path}” and merge ${plural(others.length, "other track", "other tracks")} into it. ` +
      `${one ? "The other leaves" : "The others leave"} the library and, at the next export, the Traktor ` +
      `collection. ${one ? "Its file stays" : "Their files stay"} on disk.`,
      [{ label: "Merge", value: "merge" }]);
    // (an undo may have drawn the groups again while the dialog was open: this one is then gone)
    if (choice === null || state.busy || !section.isConnected) return;
    setBusy(true);
    button.textContent = "Merging…";
    // Replaces the last merge's notification: its Undo, pressed now, would have to wait for this one.
    notify.show("merged", { title: "Merging…", message: "", loading: true });
    try {
      const result = await api("POST", "/api/library/merge", { keep, others });
      own.add(result.version);
      const label = result.step ? result.step.label : "Tracks merged";
      notify.show("merged", { title: label,
        message: `${plural(result.cues_added, "cue point", "cue points")} added, ` +
          `${plural(result.entries_moved, "playlist entry", "playlist entries")} moved.`,
        color: "green", autoClose: 10000,
        action: result.step ? { label: "Undo", run: () => undo(result.step.id, keep) } : null });
      setBusy(false);
      focusAfter(section);
      section.remove();
      state.remaining -= 1;
      await showCounts();
    } catch (error) {
      button.textContent = MERGE;
      setBusy(false);
      button.focus(); // disabled while it ran, the button had let the keyboard go
      notify.show("merged", { title: "Could not merge", message: error.message || String(error), color: "red",
        autoClose: 6000 });
    }
  }

  // The merge's own step: an edit made since (another tab, the CLI) is refused, not undone in its place. A big
  // group takes seconds to come back: the page says so until its groups are drawn again, and the keyboard lands
  // on the group that came back.
  async function undo(step, keep) {
    if (state.busy) {
      notify.show("merged-wait", { title: "Not undone yet", message: "Wait for the merge under way, then undo.",
        color: "gray", autoClose: 5000 });
      return;
    }
    setBusy(true);
    notify.show("merged", { title: "Undoing the merge…", message: "The merged tracks are coming back.", loading: true });
    let answer;
    try {
      answer = await api("POST", "/api/undo", { step });
      own.add(answer.version);
    } catch (error) {
      setBusy(false);
      notify.show("merged", { title: "Could not undo", message: error.message || String(error), color: "red",
        autoClose: 6000 });
      return;
    }
    try {
      await load(); // still busy: a merge pressed meanwhile would act on groups about to be replaced
    } catch (error) {
      fail("Could not look for duplicates again", error);
    }
    setBusy(false);
    notify.show("merged", { title: `Undone: ${answer.undone.label}`, message: "", color: "green", autoClose: 5000 });
    // Its group, drawn first if it lies beyond the groups drawn so far.
    const at = state.groups.findIndex((g) => g.tracks.some((t) => t.id === keep));
    while (at >= state.drawn && state.drawn < state.groups.length) drawMore();
    const section = at >= 0 ? $("duplicate-groups").children[at] : null;
    (section ? section.querySelector("button.merge") : $("duplicates-status")).focus();
  }

  // Merges pressed one after another each count again: the count of an earlier one could come last and say a
  // group more than is left. The groups are counted when the answer comes, from what is left then.
  const askCounts = latestOnly();
  async function showCounts() {
    const latest = askCounts();
    const tracks = (await api("GET", "/api/library/tracks?limit=1")).total;
    if (!latest()) return;
    const groups = state.remaining;
    $("duplicates-status").textContent = groups
      ? `${plural(groups, "group", "groups")} of duplicates among ${plural(tracks, "track", "tracks")}.`
      : `No duplicates among ${plural(tracks, "track", "tracks")}.`;
  }

  async function load() {
    state.loading = true;
    let data;
    try {
      data = await api("GET", "/api/library/duplicates");
    } finally {
      state.loading = false;
    }
    Object.assign(state, { groups: data.groups, drawn: 0, remaining: data.groups.length });
    seenVersion = data.version;
    $("duplicates-stale").hidden = true;
    $("duplicate-groups").replaceChildren();
    drawMore();
    changedElsewhere(); // the events that came during the search: those after its version count
    await showCounts();
  }

  // An edit made elsewhere (another tab, the command line, an import) after the groups were found: they may show a
  // group already merged, or miss one an undo brought back. The page says so and offers to look again, rather than
  // drawing the groups again under the DJ's choices. This page's own merges and undos are not such edits; their
  // events can come before their answers, so those that come while one runs wait for it. So do those that come
  // during a search: until its answer says which version it saw, a change cannot be told from one it already
  // found (the first search dropped them, and a change made meanwhile went unsaid).
  let seenVersion = null; // the library's version when the groups on show were found
  const own = new Set(); // the versions this page's merges and undos made
  const waiting = [];
  function changedElsewhere() {
    if (state.busy || state.loading) return;
    const newer = waiting.splice(0).some((version) => seenVersion !== null && version > seenVersion && !own.has(version));
    if (newer) $("duplicates-stale").hidden = false;
  }
  onEvent("library_changed", (change) => {
    waiting.push(change.version);
    changedElsewhere();
  });
  $("duplicates-again").addEventListener("click", () => {
    if (state.busy || state.loading) return; // one search at a time: an older answer coming last would win
    $("duplicates-status").textContent = "Looking for duplicates…";
    load().catch((error) => fail("Could not look for duplicates again", error));
  });

  $("duplicates-more").addEventListener("click", drawMore);
  // Scrolling near the end draws the next batch, as the library's list does.
  new IntersectionObserver((seen) => {
    if (seen.some((entry) => entry.isIntersecting) && state.drawn < state.groups.length) drawMore();
  }, { rootMargin: "600px" }).observe($("duplicates-more"));

  load().catch((error) => {
    $("duplicates-status").textContent = "";
    fail("Could not look for duplicates", error);
  });
})();
