// Edits on the library page: the "Rated 240 tracks 4 stars — Undo" notification, undo and redo (Ctrl-Z, Ctrl-Shift-Z),
// the right-click menu, the playlist-picker dialog, and the bulk edit dialog (the yes-or-no question is
// confirm.js's). The table and the tree call these; the detail panel calls window.Harmony.notifyEdit after a save.
"use strict";

window.HarmonyEdits = (() => {
  const { api, el, number, plural, sentence } = window.Harmony;

  function notes() {
    return window.HarmonyNotifications;
  }

  function failed(title, error) {
    notes().show("edit-error", { title, message: error.message, color: "red", autoClose: 6000 });
  }

  // --- undo and redo ------------------------------------------------------------------------------------------

  // The words of an undo step, whatever the answer calls it.
  function stepLabel(step) {
    if (!step) return "";
    if (typeof step === "string") return step;
    return step.label || step.description || step.summary || "";
  }

  // The step an answer names ({"id", "label"}), wherever the answer carries it.
  function stepOf(step) {
    return step && (step.undo || step.step || step);
  }

  function stepId(step) {
    const named = stepOf(step);
    return named && typeof named === "object" && Number.isInteger(named.id) ? named.id : null;
  }

  // An edit's notification undoes that edit: if another came after it, the server refuses and says which,
  // rather than undo the newer one in its place (Ctrl+Z undoes the newest).
  function notifyEdit(step) {
    const label = stepLabel(stepOf(step));
    if (!label) return;
    const id = stepId(step);
    notes().show("edit", { title: label, message: "", color: "green", autoClose: 8000,
      action: { label: "Undo", run: () => travel("undo", id) } });
  }

  // An undo of a big step (a merge of thousands of duplicates) takes seconds: past a moment, it says so.
  const SAY_WAITING_MS = 300;

  async function travel(direction, id = null) {
    let answer;
    const waiting = setTimeout(() => notes().show("edit", { title: direction === "undo" ? "Undoing…" : "Redoing…",
      message: "", loading: true }), SAY_WAITING_MS);
    try {
      await window.Harmony.changesAnswered(); // the newest edit is the one sent last, answered or not
      answer = await api("POST", `/api/${direction}`, id ? { step: id } : undefined);
    } catch (error) {
      const nothing = error.status === 404 || (error.status === 409 && /^Nothing to/.test(error.message));
      notes().show("edit", { title: direction === "undo" ? "Undo" : "Redo",
        message: nothing ? `Nothing to ${direction}.` : error.message, color: nothing ? "gray" : "red",
        autoClose: nothing ? 4000 : 8000 });
      return null;
    } finally {
      clearTimeout(waiting);
    }
    const step = answer && (answer.step || answer.undone || answer.redone || answer);
    const label = stepLabel(step);
    const done = direction === "undo" ? "Undone" : "Redone";
    const back = stepId(step);
    notes().show("edit", { title: label ? `${done}: ${label}` : done, message: "", color: "gray", autoClose: 5000,
      action: direction === "undo" ? { label: "Redo", run: () => travel("redo", back) }
        : { label: "Undo", run: () => travel("undo", back) } });
    document.dispatchEvent(new CustomEvent("harmony:library-edited", { detail: { source: direction, version: answer.version } }));
    return answer;
  }

  function undo() {
    return travel("undo");
  }

  function redo() {
    return travel("redo");
  }

  function typing(target) {
    return target instanceof HTMLElement &&
      (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
  }

  // Whether Ctrl-Z in `target` is the control's own (the browser's undo of the typing in a field; nothing in a form
  // not saved yet) rather than the page's undo. A control marked `data-saved` saves each change at once (a cue's
  // name, position, type, slot and colour): holding what was saved, it leaves Ctrl-Z to the page's undo, which did
  // nothing after a cue was renamed, moved or deleted, the keyboard being left in such a control.
  function keepsCtrlZ(target) {
    if (!typing(target) || (target.tagName === "INPUT" && target.type === "range")) return false; // a slider: no typing
    return !("saved" in target.dataset) || typedSinceSaved(target);
  }

  // Whether a field marked `data-saved` holds text typed since its last save (its defaultValue is set as it is sent).
  function typedSinceSaved(field) {
    return field.tagName === "INPUT" && field.value !== field.defaultValue;
  }

  document.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || keepsCtrlZ(event.target)) return;
    const key = event.key.toLowerCase();
    if (key === "z" && !event.shiftKey) {
      event.preventDefault();
      undo();
    } else if ((key === "z" && event.shiftKey) || key === "y") {
      event.preventDefault();
      redo();
    }
  });

  // --- the right-click menu -----------------------------------------------------------------------------------

  const menu = document.getElementById("context-menu");
  let menuReturn = null;

  function closeMenu() {
    if (menu.hidden) return;
    menu.hidden = true;
    menu.replaceChildren();
    if (menuReturn && menuReturn.isConnected) menuReturn.focus();
    menuReturn = null;
  }

  // items: [{label, run, shortcut?, disabled?}]; opened at (x, y) or under the focused element.
  function openMenu(items, x, y, returnTo) {
    menuReturn = returnTo || document.activeElement;
    menu.replaceChildren(...items.map((item) => el("button", { type: "button", role: "menuitem", tabindex: "-1",
      class: "menu-item", ...(item.disabled ? { "aria-disabled": "true" } : {}),
      ...(item.shortcut ? { "aria-keyshortcuts": item.shortcut } : {}),
      onclick: () => {
        if (item.disabled) return;
        closeMenu();
        item.run();
      } }, el("span", {}, item.label), item.hint ? el("span", { class: "muted" }, item.hint) : null)));
    menu.hidden = false;
    const box = menu.getBoundingClientRect();
    menu.style.left = `${Math.max(4, Math.min(x, window.innerWidth - box.width - 4))}px`;
    menu.style.top = `${Math.max(4, Math.min(y, window.innerHeight - box.height - 4))}px`;
    const first = menu.querySelector('[role="menuitem"]:not([aria-disabled])');
    if (first) first.focus();
  }

  menu.addEventListener("keydown", (event) => {
    const items = [...menu.querySelectorAll('[role="menuitem"]')];
    const at = items.indexOf(document.activeElement);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      items[(at + step + items.length) % items.length].focus();
    } else if (event.key === "Escape" || event.key === "Tab") {
      event.preventDefault();
      event.stopPropagation();
      closeMenu();
    }
  });
  document.addEventListener("mousedown", (event) => {
    if (!menu.hidden && !menu.contains(event.target)) closeMenu();
  });
  window.addEventListener("blur", closeMenu);

  // --- dialogs ------------------------------------------------------------------------------------------------

  const confirm = window.HarmonyConfirm;

  // A list to choose from (e.g. playlists for "Add to playlist…"); resolves with the chosen item or null.
  function pick(title, items) {
    const dialog = document.getElementById("picker-dialog");
    const filter = document.getElementById("picker-filter");
    const list = document.getElementById("picker-list");
    document.getElementById("picker-title").replaceChildren(sentence(title));
    filter.value = "";
    const returnTo = document.activeElement;
    return new Promise((resolve) => {
      let answer = null;
      // Best first: a name that starts with what was typed, then a path that does, then a word of it, then
      // anywhere ("friday" picks "Friday Warm-up" before "Chill Friday"); the given order within each.
      function rank(item, words) {
        const label = item.label.toLowerCase();
        if ((item.name || item.label).toLowerCase().startsWith(words)) return 0;
        if (label.startsWith(words)) return 1;
        return label.split(/[\s/–-]+/).some((word) => word.startsWith(words)) ? 2 : 3;
      }
      function render() {
        const words = filter.value.trim().toLowerCase();
        const shown = items.filter((item) => item.label.toLowerCase().includes(words))
          .map((item, order) => [rank(item, words), order, item])
          .sort((a, b) => a[0] - b[0] || a[1] - b[1])
          .map(([, , item]) => item);
        list.replaceChildren(...shown.map((item) => el("li", {},
          el("button", { type: "button", class: "link", onclick: () => {
            answer = item;
            dialog.close();
          } }, item.label))));
        if (!shown.length) list.append(el("li", { class: "muted" }, "Nothing matches."));
      }
      filter.oninput = render;
      filter.onkeydown = (event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          const first = list.querySelector("button");
          if (first) first.click();
        } else if (event.key === "Escape") {
          // One Esc closes the list, as in every other dialog: a search field would take the first one to
          // clear itself and leave the list open, where the next Enter adds to whatever is first.
          event.preventDefault();
          dialog.close();
        }
      };
      document.getElementById("picker-cancel").onclick = () => dialog.close();
      dialog.addEventListener("close", () => {
        if (returnTo && returnTo.isConnected) returnTo.focus();
        resolve(answer);
      }, { once: true });
      render();
      dialog.showModal();
      filter.focus();
    });
  }

  // --- bulk edit ----------------------------------------------------------------------------------------------

  const BULK = [
    ["artist", "Artist", "text"], ["album", "Album", "text"], ["genre", "Genre", "text"], ["label", "Label", "text"],
    ["comment", "Comment", "text"], ["comment2", "Comment 2", "text"], ["remixer", "Remixer", "text"],
    ["producer", "Producer", "text"], ["year", "Year", "int"], ["rating", "Rating (0–5)", "int"],
    ["color", "Colour", "colour"], ["bpm", "BPM", "number"], ["musical_key", "Key", "key"],
  ];

  // A typed value as the API takes it: "" clears the field; numbers stay numbers (the API names a bad range).
  function parse(kind, raw, label) {
    const value = raw.trim();
    if (value === "") return null;
    if (kind === "int" || kind === "colour") {
      if (!/^-?\d+$/.test(value)) throw new Error(`${label} must be a whole number`);
      return Number.parseInt(value, 10);
    }
    if (kind === "key") {
      const key = window.HarmonyColumns.parseKey(value);
      if (key === undefined) throw new Error(`${label}: “${value}” is not a key (e.g. 8A, 1m, Am, F#)`);
      return key;
    }
    if (kind === "number") {
      const n = Number(value.replace(",", "."));
      if (!Number.isFinite(n)) throw new Error(`${label} must be a number`);
      return n;
    }
    return value;
  }

  function bulkEdit(ids) {
    const dialog = document.getElementById("bulk-dialog");
    const form = document.getElementById("bulk-form");
    const error = document.getElementById("bulk-error");
    const COLOURS = window.HarmonyColumns.COLOURS;
    document.getElementById("bulk-title").textContent = `Edit ${plural(ids.length, "track")}`;
    error.hidden = true;
    // A ticked field left empty clears it on every selected track: said once before it is done.
    let clearingAsked = false;
    document.getElementById("bulk-fields").replaceChildren(...BULK.map(([field, label, kind]) => {
      const box = el("input", { type: "checkbox", id: `bulk-use-${field}`, "aria-label": `Set ${label}` });
      const input = kind === "colour"
        ? el("select", { id: `bulk-${field}`, "data-field": field },
          ...COLOURS.map((name, i) => el("option", { value: i ? String(i) : "" }, name || "None")))
        : el("input", { id: `bulk-${field}`, "data-field": field, type: "text", autocomplete: "off",
          inputmode: kind === "text" ? "text" : "decimal" });
      input.addEventListener("input", () => {
        box.checked = true;
        clearingAsked = false;
      });
      box.addEventListener("change", () => { clearingAsked = false; });
      return el("div", { class: "bulk-field" }, box, el("label", { for: `bulk-${field}` }, label), input);
    }));
    const returnTo = document.activeElement;
    form.onsubmit = async (event) => {
      event.preventDefault();
      const set = {};
      try {
        for (const [field, label, kind] of BULK) {
          if (!document.getElementById(`bulk-use-${field}`).checked) continue;
          set[field] = parse(kind, document.getElementById(`bulk-${field}`).value, label);
        }
      } catch (problem) {
        error.replaceChildren(sentence(problem.message));
        error.hidden = false;
        return;
      }
      if (!Object.keys(set).length) {
        error.textContent = "Tick at least one field to change.";
        error.hidden = false;
        return;
      }
      const cleared = BULK.filter(([field]) => field in set && set[field] === null).map(([, label]) => label);
      if (cleared.length && !clearingAsked) {
        clearingAsked = true;
        error.textContent = `This empties ${cleared.join(", ")} on ${number(ids.length)} ` +
          `${ids.length === 1 ? "track" : "tracks"}. Save again to go ahead, or type a value.`;
        error.hidden = false;
        return;
      }
      const save = document.getElementById("bulk-save");
      save.disabled = true;
      try {
        const answer = await api("PATCH", "/api/library/tracks", { ids, set });
        dialog.close();
        notifyEdit(answer.step);
        document.dispatchEvent(new CustomEvent("harmony:library-edited", { detail: { ids, version: answer.version } }));
      } catch (problem) {
        error.replaceChildren(sentence(problem.message));
        error.hidden = false;
      } finally {
        save.disabled = false;
      }
    };
    document.getElementById("bulk-cancel").onclick = () => dialog.close();
    dialog.addEventListener("close", () => { if (returnTo && returnTo.isConnected) returnTo.focus(); }, { once: true });
    dialog.showModal();
    const first = dialog.querySelector("[data-field]");
    if (first) first.focus();
  }

  // --- playlists ----------------------------------------------------------------------------------------------

  // Adds at the end; a track already in the playlist asks first (add again, or skip those).
  async function addToPlaylist(playlist, ids) {
    if (!ids.length) return false;
    const post = (trackIds, twice) => api("POST", `/api/playlists/${playlist.id}/tracks`,
      { track_ids: trackIds, position: null, allow_duplicates: twice });
    try {
      let answer;
      try {
        answer = await post(ids, false);
      } catch (error) {
        if (error.status !== 409 || error.data.code !== "already_in_playlist") throw error;
        const there = new Set(error.data.track_ids || []);
        const n = there.size;
        const others = ids.filter((id) => !there.has(id));
        // Skipping comes first and takes Enter: adding a track twice is the choice made on purpose.
        const choice = await confirm(`Add to “${playlist.name}”`,
          `${ids.length === 1 ? "This track is" : `${number(n)} of these tracks ${n === 1 ? "is" : "are"}`} already in “${playlist.name}”.`,
          [...(others.length ? [{ label: n === 1 ? "Skip it" : "Skip them", value: "skip" }] : []),
            { label: "Add again", value: "again", careful: true }]);
        if (choice === null) return false;
        answer = choice === "skip" ? await post(others, false) : await post(ids, true);
      }
      notifyEdit(answer.step);
      document.dispatchEvent(new CustomEvent("harmony:library-edited", { detail: { playlists: true, version: answer.version } }));
      return true;
    } catch (error) {
      failed("Add to playlist", error);
      return false;
    }
  }

  async function removeFromPlaylist(playlist, positions) {
    if (!positions.length) return false;
    try {
      const answer = await api("POST", `/api/playlists/${playlist.id}/tracks/remove`, { positions });
      notifyEdit(answer.step);
      document.dispatchEvent(new CustomEvent("harmony:library-edited", { detail: { playlists: true, version: answer.version } }));
      return true;
    } catch (error) {
      failed("Remove from playlist", error);
      return false;
    }
  }

  async function moveInPlaylist(playlist, from, to) {
    try {
      const answer = await api("POST", `/api/playlists/${playlist.id}/tracks/move`, { from, to });
      notifyEdit(answer.step);
      document.dispatchEvent(new CustomEvent("harmony:library-edited", { detail: { playlists: true, version: answer.version } }));
      return true;
    } catch (error) {
      failed("Reorder", error);
      return false;
    }
  }

  return { notifyEdit, undo, redo, typedSinceSaved, openMenu, closeMenu, confirm, pick, bulkEdit, addToPlaylist, removeFromPlaylist,
    moveInPlaylist, failed, typing };
})();

window.Harmony.notifyEdit = window.HarmonyEdits.notifyEdit;
