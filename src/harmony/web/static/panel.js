// The library page's track panel: every editable field of a track as a form grouped like Traktor's Edit dialog,
// rating stars and colour saved on click, the file's facts read-only, the player and the cue editor.
// Opened by `harmony:open-track`; Esc closes it (`harmony:panel-closed`), Space plays and pauses.
"use strict";

(() => {
  const { api, el } = window.Harmony;
  const player = window.HarmonyPlayer;
  const cueEditor = window.HarmonyCues;
  const panel = document.getElementById("track-detail");
  const library = document.getElementById("library");  // makes room for the panel beside the table (app.css)
  const form = document.getElementById("track-form");
  const formStatus = document.getElementById("form-status");
  const stars = [...document.querySelectorAll("#field-rating .star")];
  const colours = [...document.querySelectorAll("#field-color .colour")];
  const cover = document.getElementById("detail-cover");
  const missing = document.getElementById("detail-missing");
  const inputs = [...form.querySelectorAll("[data-kind]")];
  const keyPicker = document.getElementById("field-musical_key");
  // `loading` counts every read of a track (an open, a reload, a save's answer): a read started before another
  // one is dropped. `opened` counts opens and closes alone: a track the DJ moved to must not lose to a reload of
  // the track before it (the library's event for a star clicked just before read it again, after the click).
  const state = { track: null, loading: 0, opened: 0, version: undefined, escWarned: false, sentAsLeaving: false };

  for (const swatch of colours) if (swatch.dataset.swatch) swatch.style.backgroundColor = swatch.dataset.swatch;

  // --- showing a track ---------------------------------------------------------------------------------------

  function shown(value) {
    return value === null || value === undefined ? "" : String(value);
  }

  function fileName(path) {
    return (path || "").split(/[\\/]/).pop();
  }

  function titleOf(track) {
    return track.title || fileName(track.path);
  }

  function megabytes(bytes) {
    return bytes ? `${(bytes / 1e6).toFixed(1)} MB` : "";
  }

  function readOnlyFacts(track) {
    const kbps = track.bitrate ? `${Math.round(track.bitrate / 1000)} kbps` : "";
    const facts = [["File", track.path], ["Duration", track.duration ? player.clock(track.duration * 1000) : ""],
      ["Bitrate", kbps], ["Size", megabytes(track.file_size)], ["Imported", track.import_date],
      ["Added", track.added || track.date_added], ["Last played", track.last_played],
      ["Play count", track.play_count === null || track.play_count === undefined ? "" : track.play_count]];
    document.getElementById("detail-info").replaceChildren(...facts.flatMap(([name, value]) =>
      [el("dt", {}, name), el("dd", {}, shown(value) || "—")]));
  }

  function setRating(value) {
    for (const star of stars) {
      const n = Number(star.dataset.value);
      star.setAttribute("aria-checked", String(n === value));
      star.classList.toggle("lit", n <= value);
      star.tabIndex = n === Math.max(1, value) ? 0 : -1;
    }
    panel.dataset.rating = String(value);
  }

  function setColour(value) {
    for (const swatch of colours) {
      const checked = swatch.dataset.value === shown(value);
      swatch.setAttribute("aria-checked", String(checked));
      swatch.tabIndex = checked ? 0 : -1;
    }
  }

  function fieldValue(track, input) {
    const value = track[input.name];
    if (input.dataset.kind === "date") return value ? String(value).slice(0, 10) : "";
    return shown(value);
  }

  // A key Traktor knows only as text (a Traktor 2 collection's "e♭", most of its tracks) is no musical key the
  // picker could select: its empty choice says what the Key column shows, so the panel and the table agree.
  // Saving with it chosen leaves the key as it is; picking a key sets one.
  function noKeyLabel(track) {
    const hasKey = track.musical_key !== null && track.musical_key !== undefined;
    if (hasKey || !track.key_text) return "No key";
    const named = track.key_display && track.key_display !== track.key_text ? track.key_display : "No key";
    return `${named} (Traktor's text "${track.key_text}")`;
  }

  function clearErrors() {
    for (const input of inputs) showFieldError(input, "");
    formStatus.textContent = "";
    formStatus.classList.remove("error");
  }

  // Fill the form. A live refresh keeps whatever the DJ has changed but not saved yet.
  function fill(track, { keepEdits = false } = {}) {
    const before = state.track;
    for (const input of inputs) {
      const edited = keepEdits && before && input.value !== fieldValue(before, input);
      if (!edited) input.value = fieldValue(track, input);
    }
    state.track = track;
    keyPicker.options[0].textContent = noKeyLabel(track);
    document.getElementById("detail-title").textContent = track.title || fileName(track.path);
    document.getElementById("detail-artist").textContent = track.artist || "";
    setRating(track.rating || 0);
    setColour(track.color);
    readOnlyFacts(track);
    missing.hidden = !track.missing;
    missing.textContent = track.missing
      ? `The audio file is missing: ${track.path}. Its fields, cue points and playlists are kept; it cannot be played until the file is found.`
      : "";
  }

  async function refreshCues() {
    await reload({ keepEdits: true });
  }

  async function reload({ keepEdits = false } = {}) {
    if (!state.track) return;
    const id = state.track.id;
    const mine = ++state.loading;
    const opened = state.opened;
    let track;
    try {
      track = await api("GET", `/api/library/tracks/${id}`);
    } catch (error) {
      if (mine === state.loading) setStatus(error.message, true);
      return;
    }
    if (mine !== state.loading || opened !== state.opened || !state.track || state.track.id !== id) return;
    fill(track, { keepEdits });
    player.setCues(cueEditor.show(track, track.cues || [], refreshCues));
  }

  // Beside the table, not over the toolbar above it (its Preview Export and Columns stayed covered while a track
  // was open). The topbar wraps at some widths, so the table's top is read, not assumed. A narrow screen shows
  // the panel as a sheet over the whole page (the stylesheet's), left as it is.
  const sheet = window.matchMedia("(max-width: 900px)");
  function place() {
    if (sheet.matches) {
      panel.style.top = "";
      panel.style.maxHeight = "";
      return;
    }
    const top = Math.round(document.getElementById("table-wrap").getBoundingClientRect().top);
    panel.style.top = `${top}px`;
    panel.style.maxHeight = `calc(100vh - ${top + 20}px)`;
  }
  window.addEventListener("resize", () => { if (!panel.hidden) place(); });

  async function open(id, focusForm = false) {
    const opened = ++state.opened;
    // Typed changes are kept, not dropped, when the DJ moves on to another track; a refused value stops here.
    if (state.track && state.track.id !== id && !panel.hidden && dirty() && !(await save())) return;
    if (opened !== state.opened) return; // another track was clicked while this save went
    state.loading += 1; // reads of the track before are dropped
    let track;
    try {
      track = await api("GET", `/api/library/tracks/${id}`);
    } catch (error) {
      if (opened !== state.opened) return;
      window.HarmonyNotifications.show("track-error", { title: "Track", message: error.message, color: "red", autoClose: 5000 });
      return;
    }
    if (opened !== state.opened) return;
    const other = !state.track || state.track.id !== track.id;
    // The open track's own row clicked again: what the DJ typed stays (it was wiped, unsaved and unsaid).
    const again = !other && !panel.hidden;
    state.escWarned = false;
    if (!again) clearErrors();
    fill(track, { keepEdits: again });
    const cues = cueEditor.show(track, track.cues || [], refreshCues);
    player.load(track, cues);
    if (other) {
      cover.hidden = true;
      // A track whose file is missing has no cover to read: no request (it could only answer 404).
      if (track.missing) cover.removeAttribute("src");
      else cover.src = `/api/library/tracks/${track.id}/cover`;
    }
    library.classList.add("with-detail");
    place();
    panel.hidden = false;
    panel.dataset.trackId = String(track.id);
    if (focusForm && inputs.length) {
      // Opened from the keyboard: type over the first field (the title), Enter saves, Esc goes back to the row.
      inputs[0].focus();
      inputs[0].select();
    }
    collectionVersion();
  }

  function close() {
    if (panel.hidden) return;
    const id = state.track ? state.track.id : null;
    state.loading += 1;
    state.opened += 1;
    panel.hidden = true;
    library.classList.remove("with-detail");
    player.unload();
    state.track = null;
    delete panel.dataset.trackId;
    document.dispatchEvent(new CustomEvent("harmony:panel-closed", { detail: { id } }));
  }

  // The NML version of the collection decides which cue colours can be stored; asked once per page.
  async function collectionVersion() {
    if (state.version !== undefined) return;
    state.version = null;
    try {
      const info = await api("GET", "/api/traktor/info");
      state.version = info.collection ? info.collection.version : null;
    } catch (_) {
      state.version = null;
    }
    cueEditor.setCollectionVersion(state.version);
  }

  // --- saving ------------------------------------------------------------------------------------------------

  function setStatus(text, isError = false) {
    formStatus.textContent = text;
    formStatus.classList.toggle("error", isError);
  }

  function showFieldError(input, message) {
    const box = document.getElementById(`error-${input.name}`);
    if (box) {
      box.textContent = message;
      box.hidden = !message;
    }
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  // The typed text as the library's value, or an error naming the field and its range.
  function parse(input) {
    const text = input.value.trim();
    const kind = input.dataset.kind;
    const label = input.dataset.label;
    if (kind === "text") return { value: input.value === "" ? null : input.value };
    // A date field with a part cleared, or a day that does not exist (30 February), reads as "" like an empty
    // one: without this test, Save would clear the date.
    if (kind === "date" && input.validity.badInput) {
      return { error: `${label} is not a whole date: give its day, month and year, or clear all three.` };
    }
    if (text === "") return { value: null };
    if (kind === "key" || kind === "date") return { value: kind === "key" ? Number(text) : text };
    const number = Number(text.replace(",", "."));
    const range = input.dataset.range ? ` ${input.dataset.range}` : "";
    if (!Number.isFinite(number) || (kind === "int" && !Number.isInteger(number))) {
      return { error: `${label} must be ${kind === "int" ? "a whole number" : "a number"}${range}.` };
    }
    const min = input.dataset.min === undefined ? -Infinity : Number(input.dataset.min);
    const max = input.dataset.max === undefined ? Infinity : Number(input.dataset.max);
    if (number < min || number > max) return { error: `${label} must be${range}; ${text} is out of range.` };
    return { value: number };
  }

  // The server names the field it refused: put its message next to that field.
  function fieldOfError(error) {
    const named = (/^([a-z_0-9]+):/.exec(error.message) || /'([a-z_0-9]+)'/.exec(error.message) || [])[1];
    return inputs.find((input) => input.name === named) || null;
  }

  // `sent`: the text of each field saved, as it was sent. A field that still holds it shows the library's value
  // after the save ("124,5" becomes 124.5): kept as typed it still read as changed, and a later Undo, or an edit
  // elsewhere, would have been undone by the next save or the page's last send (pagehide).
  async function patch(changes, label, sent = {}) {
    const id = state.track.id;
    // A reload that started before this save finishes may read the track as it was: it is dropped.
    state.loading += 1;
    let answer;
    try {
      answer = await api("PATCH", `/api/library/tracks/${id}`, changes);
    } finally {
      state.loading += 1;
    }
    const track = answer && answer.track ? answer.track : answer;
    if (state.track && state.track.id === id) {
      fill({ ...track, cues: track.cues || state.track.cues }, { keepEdits: true });
      for (const input of inputs) {
        if (input.name in sent && input.value === sent[input.name]) input.value = fieldValue(state.track, input);
      }
      player.setCues(cueEditor.show(state.track, state.track.cues || [], refreshCues));
    }
    document.dispatchEvent(new CustomEvent("harmony:track-saved", { detail: { track, from: "panel" } }));
    // The answer carries its undo step ("Rated “Opus” 4 stars — Undo"); none when nothing changed.
    const step = answer && "step" in answer ? answer.step : label;
    if (window.Harmony.notifyEdit && step) window.Harmony.notifyEdit(step);
    return track;
  }

  // A field the DJ has changed. A date with a part typed or cleared reads as "" like no date, so a track with
  // no date would take it for unchanged: the browser's own flag says it holds something.
  function changed(input) {
    const unfinishedDate = input.dataset.kind === "date" && input.validity.badInput;
    return unfinishedDate || input.value !== fieldValue(state.track, input);
  }

  // Whether the form holds typed changes not saved yet.
  function dirty() {
    return Boolean(state.track) && inputs.some(changed);
  }

  // The typed changes as the library's values, and the fields whose text is not a value (with the reason).
  function typedChanges() {
    const changes = {};
    const refused = [];
    for (const input of inputs) {
      if (!changed(input)) continue;
      const { value, error } = parse(input);
      if (error) refused.push([input, error]);
      else changes[input.name] = value;
    }
    return { changes, refused };
  }

  // Save the typed changes; true when nothing is left unsaved.
  async function save() {
    if (!state.track) return true;
    clearErrors();
    const { changes, refused } = typedChanges();
    for (const [input, error] of refused) showFieldError(input, error);
    const firstBad = refused.length ? refused[0][0] : null;
    if (firstBad) {
      setStatus("Nothing was saved: correct the field marked in red.", true);
      firstBad.focus();
      return false;
    }
    if (!Object.keys(changes).length) {
      setStatus("No changes to save.");
      return true;
    }
    try {
      const edited = inputs.filter((input) => input.name in changes);
      const names = edited.map((input) => input.dataset.label);
      const sent = Object.fromEntries(edited.map((input) => [input.name, input.value]));
      await patch(changes, `Edited ${names.join(", ")} of “${titleOf(state.track)}”`, sent);
      setStatus("Saved.");
      return true;
    } catch (error) {
      const input = fieldOfError(error);
      if (input) {
        showFieldError(input, error.message);
        input.focus();
      }
      setStatus(`Nothing was saved: ${error.message}`, true);
      return false;
    }
  }

  // Rating and colour save at once, like clicking them in Traktor's browser.
  async function saveOne(name, value, undo, label) {
    if (!state.track) return;
    try {
      await patch({ [name]: value }, label);
      setStatus("Saved.");
    } catch (error) {
      undo();
      setStatus(`Not saved: ${error.message}`, true);
    }
  }

  function rate(value) {
    const before = state.track.rating || 0;
    setRating(value);
    const words = value ? `Rated “${titleOf(state.track)}” ${window.Harmony.plural(value, "star")}` : `Cleared the rating of “${titleOf(state.track)}”`;
    saveOne("rating", value, () => setRating(before), words);
  }

  function paint(value) {
    const before = state.track.color;
    setColour(value);
    const name = value ? colours.find((c) => c.dataset.value === String(value)).getAttribute("aria-label") : "no colour";
    saveOne("color", value, () => setColour(before), `Coloured “${titleOf(state.track)}” ${name.toLowerCase()}`);
  }

  // --- controls ----------------------------------------------------------------------------------------------

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save();
  });
  document.getElementById("track-revert").addEventListener("click", () => {
    if (!state.track) return;
    fill(state.track);
    clearErrors();
  });
  for (const input of inputs) {
    input.addEventListener("input", () => {
      showFieldError(input, "");
      state.escWarned = false; // a change after the warning is warned of again
    });
  }

  for (const star of stars) {
    star.addEventListener("click", () => {
      const value = Number(star.dataset.value);
      rate(value === (state.track.rating || 0) ? 0 : value); // clicking the current rating clears it
    });
  }
  document.getElementById("rating-clear").addEventListener("click", () => rate(0));
  document.getElementById("field-rating").addEventListener("keydown", (event) => {
    const now = state.track.rating || 0;
    const keys = { ArrowRight: now + 1, ArrowUp: now + 1, ArrowLeft: now - 1, ArrowDown: now - 1, Home: 0, End: 5 };
    let value = keys[event.key];
    if (/^[0-5]$/.test(event.key)) value = Number(event.key);
    if (value === undefined) return;
    event.preventDefault();
    value = Math.max(0, Math.min(5, value));
    if (value !== now) rate(value);
    stars[Math.max(0, value - 1)].focus();
  });

  for (const swatch of colours) swatch.addEventListener("click", () => paint(swatch.dataset.value ? Number(swatch.dataset.value) : null));
  document.getElementById("field-color").addEventListener("keydown", (event) => {
    const index = colours.findIndex((s) => s.getAttribute("aria-checked") === "true");
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    let target = null;
    if (step) target = colours[(Math.max(0, index) + step + colours.length) % colours.length];
    else if (event.key === " " || event.key === "Enter") target = document.activeElement;
    if (!target || !colours.includes(target)) return;
    event.preventDefault();
    paint(target.dataset.value ? Number(target.dataset.value) : null);
    target.focus();
  });
  for (const star of stars) {
    star.addEventListener("keydown", (event) => {
      if (event.key === " " || event.key === "Enter") {
        event.preventDefault();
        rate(Number(star.dataset.value));
      }
    });
  }

  cover.addEventListener("load", () => { cover.hidden = false; });
  cover.addEventListener("error", () => { cover.hidden = true; });
  // "⋯": the open track's menu (add to a playlist, remove from this one), for a finger that has no right-click.
  const menuButton = document.getElementById("detail-menu");
  let menuAsked = false; // the shown menu is the one this button asked for
  menuButton.addEventListener("click", () => {
    if (!state.track) return;
    const box = menuButton.getBoundingClientRect();
    menuAsked = true;
    document.dispatchEvent(new CustomEvent("harmony:track-menu",
      { detail: { id: state.track.id, x: box.left, y: box.bottom + 4, returnTo: menuButton } }));
  });
  // Expanded while the menu it asked for is shown (it closes on a choice, Esc, Tab or a click elsewhere).
  const contextMenu = document.getElementById("context-menu");
  if (contextMenu) {
    new MutationObserver(() => {
      if (contextMenu.hidden) menuAsked = false;
      menuButton.setAttribute("aria-expanded", String(menuAsked && !contextMenu.hidden));
    }).observe(contextMenu, { attributes: true, attributeFilter: ["hidden"] });
  }

  // The close button keeps what was typed (Esc is the way to leave without saving).
  document.getElementById("detail-close").addEventListener("click", async () => {
    if (!dirty() || (await save())) close();
  });

  // Space plays and pauses unless the DJ is typing or pressing a control that Space itself works.
  function typing(target) {
    return target instanceof Element && (target.isContentEditable
      || target.closest("input, textarea, select, button, [role=radio], [role=slider], a[href]") !== null);
  }

  document.addEventListener("keydown", (event) => {
    if (panel.hidden || event.defaultPrevented) return;
    if (event.key === "Escape") {
      // The swap question and the page's dialogs answer Esc themselves.
      if (!document.getElementById("cue-confirm").hidden || document.querySelector("dialog[open]")) return;
      event.preventDefault();
      // In a field the DJ has changed, the first Esc puts the stored value back; the next one closes.
      const field = inputs.find((input) => input === event.target);
      if (field && state.track && changed(field)) {
        field.value = fieldValue(state.track, field);
        showFieldError(field, "");
        return;
      }
      // Changes typed in other fields are not thrown away by one key: the first Esc says so, the next closes.
      if (dirty() && !state.escWarned) {
        state.escWarned = true;
        setStatus("Not saved yet: Save (or Enter) keeps your changes; Esc again closes without them.", true);
        return;
      }
      close();
    } else if (event.key === " " && !event.ctrlKey && !event.metaKey && !event.altKey && !typing(event.target)) {
      event.preventDefault();
      player.toggle();
    }
  });
  document.getElementById("cue-confirm").addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      document.getElementById("cue-confirm-no").click();
    }
  });

  document.addEventListener("harmony:open-track", (event) => open(event.detail.id, Boolean(event.detail.focus)));

  // Leaving the page keeps what was typed, as moving on to another track or closing the panel does (a click on
  // Traktor in the top bar dropped it, unsaid). A link to another page waits for the save, and a refused value
  // stays on screen with its reason instead of leaving.
  document.addEventListener("click", async (event) => {
    const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (!link || panel.contains(link) || panel.hidden || !dirty()) return;
    if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    if (link.target && link.target !== "_self") return;
    const to = new URL(link.href, location.href);
    if (to.origin !== location.origin || to.pathname === location.pathname) return; // a view of this page
    event.preventDefault();
    if (await save()) location.assign(to.href);
  });
  // Closed, reloaded or left some other way (Back, a typed address): the changes go as the page goes. A value the
  // library would refuse cannot go: the browser first asks whether to leave (its own words), and then the rest go
  // without it (all of them held back lost a good comment for a BPM typed "12x").
  window.addEventListener("beforeunload", (event) => {
    if (panel.hidden || !dirty() || !typedChanges().refused.length) return;
    event.preventDefault();
    event.returnValue = "";
  });
  window.addEventListener("pagehide", () => {
    if (panel.hidden || !dirty()) return;
    const { changes } = typedChanges();
    if (!Object.keys(changes).length) return;
    window.Harmony.sendAsLeaving("PATCH", `/api/library/tracks/${state.track.id}`, changes);
    state.sentAsLeaving = true;
  });
  // Back into a page the browser kept as it was: what was sent as it left is the library's now, so the form reads
  // the track again instead of showing it as unsaved.
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted || !state.sentAsLeaving) return;
    state.sentAsLeaving = false;
    setTimeout(() => reload(), 300);
  });

  // Edits made elsewhere (another tab, the CLI, an undo) show up here without a reload.
  function onLibraryChanged(change) {
    if (!state.track || panel.hidden) return;
    if (change.tracks === null || change.tracks === undefined || change.tracks.includes(state.track.id)) {
      reload({ keepEdits: true });
    }
  }
  window.Harmony.onEvent("library_changed", onLibraryChanged);
  // Edits made on this page outside the panel: an inline edit in the table, a bulk edit, an undo or redo.
  document.addEventListener("harmony:library-edited", (event) => {
    const ids = event.detail && event.detail.ids;
    onLibraryChanged({ tracks: Array.isArray(ids) ? ids : null });
  });
  document.addEventListener("harmony:track-saved", (event) => {
    const track = event.detail && event.detail.track;
    if (track && event.detail.from !== "panel") onLibraryChanged({ tracks: [track.id] });
  });

  window.HarmonyPanel = { open, close, reload };
})();
