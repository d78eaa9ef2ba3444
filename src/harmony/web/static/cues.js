// The track panel's cue editor: cue points, loops and grid markers sorted by position. Each change is saved as
// it is made (rename, recolour, type, hot cue slot, position, length), through the track's cue endpoints.
"use strict";

window.HarmonyCues = (() => {
  const { api, el, sentence } = window.Harmony;
  const { clock, parseClock } = window.HarmonyPlayer;
  const list = document.getElementById("cue-list");
  const errorText = document.getElementById("cue-error");
  const colourNote = document.getElementById("cue-colour-note");
  const confirmBox = document.getElementById("cue-confirm");
  const confirmText = document.getElementById("cue-confirm-text");
  const addForm = document.getElementById("cue-add");
  const addPosition = document.getElementById("cue-add-position");
  const palette = document.getElementById("cue-palette").content;
  const types = document.getElementById("cue-types").content;
  const TYPE_NAMES = { cue: 0, fade_in: 1, fade_out: 2, load: 3, grid: 4, loop: 5 };
  const SLOTS = 8;
  const DEFAULT_NAME = "n.n.";

  const state = { track: null, cues: [], coloursAllowed: true, onChange: () => {} };

  // One shape for a cue whichever names the answer uses (the API's `start`/`hotcue` or the older
  // `position`/`slot`), with the type as Traktor's number.
  function normalise(cue) {
    let type = cue.type_code !== undefined ? cue.type_code : cue.type;
    if (typeof type === "string") type = TYPE_NAMES[type] !== undefined ? TYPE_NAMES[type] : 0;
    return {
      id: cue.id,
      type,
      start: cue.start !== undefined ? cue.start : cue.position,
      length: cue.length || 0,
      hotcue: cue.hotcue !== undefined ? cue.hotcue : cue.slot,
      name: cue.name,
      color: cue.color || null,
    };
  }

  // A cue edit is an undo step like any other: its notification offers Undo, as the panel's and the table's do.
  function notifyStep(answer) {
    if (answer && answer.step && window.Harmony.notifyEdit) window.Harmony.notifyEdit(answer.step);
  }

  function showError(message) {
    errorText.replaceChildren(sentence(message || ""));
    errorText.hidden = !message;
  }

  function labelOf(cue) {
    const name = cue.name && cue.name !== DEFAULT_NAME ? `“${cue.name}”` : "";
    return name || `at ${clock(cue.start)}`;
  }

  function sorted(cues) {
    return [...cues].sort((a, b) => a.start - b.start || a.type - b.type);
  }

  // Ask before taking a hot cue slot another cue holds: the two cues swap slots.
  function askSwap(text) {
    return new Promise((resolve) => {
      confirmText.replaceChildren(sentence(text));
      confirmBox.hidden = false;
      const yes = document.getElementById("cue-confirm-yes");
      const no = document.getElementById("cue-confirm-no");
      const done = (answer) => {
        confirmBox.hidden = true;
        yes.onclick = null;
        no.onclick = null;
        resolve(answer);
      };
      yes.onclick = () => done(true);
      no.onclick = () => done(false);
      yes.focus();
    });
  }

  async function change(cue, body) {
    showError("");
    try {
      notifyStep(await api("PATCH", `/api/library/tracks/${state.track.id}/cues/${cue.id}`, body));
    } catch (error) {
      showError(`Cue ${labelOf(cue)}: ${error.message}`);
      render(); // put the control back to the stored value
      return false;
    }
    await changed();
    return true;
  }

  async function changeSlot(cue, slot) {
    const holder = slot >= 0 ? state.cues.find((c) => c.id !== cue.id && c.hotcue === slot) : null;
    const body = { hotcue: slot };
    if (holder) {
      const where = cue.hotcue >= 0 ? `hot cue ${cue.hotcue + 1}` : "no hot cue";
      const swap = await askSwap(`Hot cue ${slot + 1} is taken by the cue ${labelOf(holder)}. Swap them (that cue gets ${where})?`);
      if (swap) {
        body.swap = true;
        await change(cue, body);
      } else {
        render();
      }
      // The question had the keyboard: it goes back to the slot asked about (it fell to the page).
      const again = list.querySelector(`li.cue[data-cue-id="${cue.id}"] .cue-slot`);
      if (again) again.focus();
      return;
    }
    await change(cue, body);
  }

  function positionInput(cue, field, label) {
    // data-saved: holding what was saved, the field leaves Ctrl-Z to the page's undo (see Edits).
    const input = el("input", { type: "text", class: "clock-input cue-start", value: clock(cue[field]), inputmode: "decimal",
      "aria-label": `${label} of cue ${labelOf(cue)} (m:ss.mmm)`, autocomplete: "off", "data-saved": "" });
    input.addEventListener("change", () => {
      const ms = parseClock(input.value);
      if (ms === null || (field === "length" && ms < 0)) {
        showError(`${label} must look like m:ss.mmm, for example 1:23.456.`);
        input.setAttribute("aria-invalid", "true");
        input.focus();
        return;
      }
      input.defaultValue = input.value; // sent: no longer "being typed"
      change(cue, { [field]: ms });
    });
    return input;
  }

  function select(options, value, label, onchange, className) {
    const node = el("select", { "aria-label": label, class: className, "data-saved": "" }); // saved at each change
    node.append(options);
    node.value = value;
    node.addEventListener("change", () => onchange(node.value));
    return node;
  }

  function slotOptions() {
    const fragment = document.createDocumentFragment();
    fragment.append(el("option", { value: "-1" }, "No hot cue"));
    for (let slot = 0; slot < SLOTS; slot += 1) fragment.append(el("option", { value: String(slot) }, `Hot cue ${slot + 1}`));
    return fragment;
  }

  function colourOptions(cue) {
    const fragment = document.createDocumentFragment();
    fragment.append(el("option", { value: "" }, "No colour"));
    fragment.append(palette.cloneNode(true));
    const known = [...fragment.querySelectorAll("option")].some((o) => o.value.toUpperCase() === (cue.color || "").toUpperCase());
    if (cue.color && !known) fragment.append(el("option", { value: cue.color }, cue.color)); // a colour from Traktor
    return fragment;
  }

  function row(cue) {
    const what = labelOf(cue);
    const swatch = el("span", { class: "cue-swatch", "aria-hidden": "true" });
    if (cue.color) swatch.style.backgroundColor = cue.color; // CSSOM, allowed by the content security policy
    const name = el("input", { type: "text", class: "cue-name", value: cue.name && cue.name !== DEFAULT_NAME ? cue.name : "",
      placeholder: "Name", "aria-label": `Name of cue ${what}`, autocomplete: "off", "data-saved": "" });
    name.addEventListener("change", () => {
      name.defaultValue = name.value; // sent: no longer "being typed"
      change(cue, { name: name.value.trim() || DEFAULT_NAME });
    });
    const colour = select(colourOptions(cue), cue.color ? cue.color.toUpperCase() : "", `Colour of cue ${what}`,
      (value) => change(cue, { color: value || null }), "cue-colour");
    for (const option of colour.options) option.value = option.value.toUpperCase();
    colour.value = cue.color ? cue.color.toUpperCase() : "";
    colour.disabled = !state.coloursAllowed;
    const remove = el("button", { type: "button", class: "ghost small cue-delete", "aria-label": `Delete cue ${what}` }, "Delete");
    remove.addEventListener("click", async () => {
      showError("");
      // The keyboard goes to the Delete of the cue after it (or before it; or to the new cue's position): it went
      // into the first cue's position field, where Ctrl-Z did nothing and stray keys moved that cue.
      const rows = [...list.querySelectorAll("li.cue")];
      const at = rows.findIndex((li) => li.dataset.cueId === String(cue.id));
      const next = rows[at + 1] || rows[at - 1];
      try {
        notifyStep(await api("DELETE", `/api/library/tracks/${state.track.id}/cues/${cue.id}`));
      } catch (error) {
        showError(`Cue ${what}: ${error.message}`);
        return;
      }
      focusAfter = { gone: cue.id, cueId: next ? next.dataset.cueId : null, until: Date.now() + 3000 };
      await changed();
      placeFocusAfter();
    });
    const lengthInput = positionInput(cue, "length", "Length");
    lengthInput.classList.replace("cue-start", "cue-length-input");
    const length = el("label", { class: "cue-length" }, "Length", lengthInput);
    length.hidden = cue.type !== 5 && !cue.length; // only loops have a length
    return el("li", { class: "cue", "data-cue-id": String(cue.id), "data-type": String(cue.type) },
      swatch,
      positionInput(cue, "start", "Position"),
      select(types.cloneNode(true), String(cue.type), `Type of cue ${what}`, (value) => change(cue, { type: Number(value) }), "cue-type"),
      select(slotOptions(), String(cue.hotcue), `Hot cue slot of cue ${what}`, (value) => changeSlot(cue, Number(value)), "cue-slot"),
      colour, remove, name, length);
  }

  // Where the keyboard goes once a deleted cue has left the list drawn ({gone, cueId}; see the Delete button): a
  // refresh may draw the list with the cue still in it first (one read before the delete answered).
  let focusAfter = null;
  function placeFocusAfter() {
    if (focusAfter && Date.now() > focusAfter.until) focusAfter = null; // the moment passed (the cue came back)
    if (!focusAfter || state.cues.some((c) => c.id === focusAfter.gone)) return;
    const { cueId } = focusAfter;
    focusAfter = null;
    const active = document.activeElement;
    if (active && active !== document.body && active.isConnected) return; // the DJ went on elsewhere
    const target = cueId === null ? addPosition : list.querySelector(`li.cue[data-cue-id="${cueId}"] .cue-delete`);
    (target || addPosition).focus();
  }

  // Draw the list again; the control that had the focus keeps it (found by its cue and its kind), and a text
  // field its selection: a DJ who had selected a name to type over it would otherwise type in front of it.
  function render() {
    if (!state.track) return;
    const focused = list.contains(document.activeElement) ? document.activeElement : null;
    const where = focused && focused.closest("li.cue");
    const kind = focused && [...focused.classList].find((name) => name.startsWith("cue-"));
    const selection = focused && focused.tagName === "INPUT" && focused.value === focused.defaultValue
      ? [focused.selectionStart, focused.selectionEnd, focused.selectionDirection] : null;
    list.replaceChildren(...(state.cues.length ? sorted(state.cues).map(row)
      : [el("li", { class: "muted empty" }, "No cue points yet.")]));
    if (where && kind) {
      const again = list.querySelector(`li.cue[data-cue-id="${where.dataset.cueId}"] .${kind}`);
      if (again) again.focus();
      if (again && selection && again.value === focused.value) again.setSelectionRange(...selection);
    }
    placeFocusAfter();
  }

  // After the DJ's own change: read the track again and show the result at once.
  async function changed() {
    await state.onChange();
    if (!typing()) render();
  }

  // Whether the DJ is typing in a cue's field (its text differs from what was last saved): a refresh then
  // waits, so no keystroke is lost.
  function typing() {
    const focused = document.activeElement;
    return list.contains(focused) && window.HarmonyEdits.typedSinceSaved(focused);
  }

  async function add(ms) {
    showError("");
    if (ms === null || ms < 0) {
      showError("The new cue's position must look like m:ss.mmm, for example 1:23.456.");
      addPosition.focus();
      return;
    }
    try {
      notifyStep(await api("POST", `/api/library/tracks/${state.track.id}/cues`,
        { type: 0, start: ms, length: 0, hotcue: -1, name: DEFAULT_NAME }));
    } catch (error) {
      showError(`New cue: ${error.message}`);
      return;
    }
    addPosition.value = "";
    await changed();
  }

  // Cue colours exist from one NML version on: older collections cannot store them, so none are offered.
  function setCollectionVersion(version) {
    const needed = Number(document.getElementById("track-detail").dataset.cueColourVersion);
    state.coloursAllowed = version === null || version === undefined || version >= needed;
    colourNote.hidden = state.coloursAllowed;
    colourNote.textContent = state.coloursAllowed ? ""
      : `Cue colours need Traktor 4 (NML version ${needed}); this collection is version ${version}.`;
    // The answer comes after the panel opened: the colour controls change in place, since drawing the list again
    // would throw away a cue name the DJ has begun to type.
    for (const colour of list.querySelectorAll("select.cue-colour")) colour.disabled = !state.coloursAllowed;
  }

  function show(track, cues, onChange) {
    const other = !state.track || state.track.id !== track.id;
    state.track = track;
    state.cues = cues.map(normalise);
    state.onChange = onChange;
    if (other) {
      confirmBox.hidden = true;
      showError("");
      focusAfter = null;
    }
    // Keep the control being typed in: a live refresh must not throw away what the DJ is typing.
    if (other || !typing()) render();
    return state.cues;
  }

  addForm.addEventListener("submit", (event) => {
    event.preventDefault();
    add(parseClock(addPosition.value));
  });
  document.getElementById("cue-add-playhead").addEventListener("click", () => {
    // A track that cannot play here has no playhead: its 0:00 would become a cue no DJ placed.
    if (!window.HarmonyPlayer.playable()) {
      showError("This track cannot play here, so it has no playhead: type the new cue's position instead.");
      addPosition.focus();
      return;
    }
    add(window.HarmonyPlayer.position());
  });

  // A cue's name, position or length still being typed when the page goes (closed, reloaded, Back): it saves when
  // the field is left, which never happens then, and the name typed was lost without a word. It goes as the page
  // goes, as the track's fields do (panel.js); a position that is not one yet stays behind.
  window.addEventListener("pagehide", () => {
    if (!state.track) return;
    for (const input of list.querySelectorAll("li.cue input[data-saved]")) {
      if (input.value === input.defaultValue) continue;
      const cueId = input.closest("li.cue").dataset.cueId;
      let body = null;
      if (input.classList.contains("cue-name")) {
        body = { name: input.value.trim() || DEFAULT_NAME };
      } else {
        const ms = parseClock(input.value);
        const field = input.classList.contains("cue-length-input") ? "length" : "start";
        if (ms !== null && ms >= 0) body = { [field]: ms };
      }
      if (body) window.Harmony.sendAsLeaving("PATCH", `/api/library/tracks/${state.track.id}/cues/${cueId}`, body);
    }
  });

  return { show, normalise, setCollectionVersion };
})();
