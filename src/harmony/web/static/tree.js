// The playlist tree (ARIA tree): "All tracks", folders, playlists and smart lists. Clicking a playlist opens it in
// the table; folders and playlists are created in the selected folder, renamed in place, deleted (after saying how
// many entries go), moved by drag and drop or "Move to…"; rows dragged from the table onto a playlist are added.
"use strict";

window.HarmonyTree = (() => {
  const { api, el, number, plural, putChildren } = window.Harmony;
  const Edits = window.HarmonyEdits;
  const NODE_TYPE = "application/x-harmony-node";
  const root = document.getElementById("playlist-tree");
  const status = document.getElementById("tree-status");
  const collapsed = new Set(); // folder keys the DJ closed
  let nodes = []; // the tree as the API answers it
  let deleted = {}; // how many playlists and folders were deleted since the last export (the API's deleted_pending)
  const byKey = new Map(); // key -> {node, parent, level, path}
  let selectedKey = "all"; // what the table shows
  let focusKey = "all";
  let renaming = null;

  function key(node) {
    return `${node.kind === "folder" ? "folder" : "playlist"}:${node.id}`;
  }

  function index(list, parent, level, prefix) {
    for (const node of list) {
      const path = prefix ? `${prefix}/${node.name}` : node.name;
      byKey.set(key(node), { node, parent, level, path });
      if (node.kind === "folder") index(node.children || [], node, level + 1, path);
    }
  }

  function countInside(node) {
    if (node.kind !== "folder") return { playlists: 1, entries: node.entry_count || 0 };
    return (node.children || []).reduce((sum, child) => {
      const inner = countInside(child);
      return { playlists: sum.playlists + inner.playlists, entries: sum.entries + inner.entries, folders: (sum.folders || 0) + (child.kind === "folder" ? 1 + (inner.folders || 0) : inner.folders || 0) };
    }, { playlists: 0, entries: 0, folders: 0 });
  }

  // --- drawing ------------------------------------------------------------------------------------------------

  function item(node, level) {
    const k = key(node);
    const folder = node.kind === "folder";
    const smart = node.kind === "smart list";
    const open = folder && !collapsed.has(k);
    const attrs = { role: "treeitem", "aria-level": String(level), "data-key": k, tabindex: k === focusKey ? "0" : "-1",
      "aria-selected": k === selectedKey ? "true" : "false", draggable: "true",
      class: `${folder ? "folder" : smart ? "smart" : "playlist"}${node.pending ? " pending" : ""}` };
    if (folder) attrs["aria-expanded"] = open ? "true" : "false";
    const label = el("div", { class: "node" },
      el("span", { class: "twisty", "aria-hidden": "true" }, folder ? (open ? "▾" : "▸") : smart ? "✱" : "♪"),
      el("span", { class: "name" }, node.name),
      node.pending ? el("span", { class: "pending-mark", title: "Not exported yet" }, "●") : null,
      // A smart list's entries are Traktor's to work out: no count rather than a misleading "0".
      folder || smart ? null : el("span", { class: "entry-count", "aria-label": `${plural(node.entry_count || 0, "entry", "entries")}` }, number(node.entry_count || 0)),
      // The item's menu for a finger (no right-click, no F2 or Delete key); shown on touch screens only (app.css).
      // Out of the keyboard's way and of the item's name: the keys and the context menu key do the same.
      el("button", { type: "button", class: "more", tabindex: "-1", "aria-hidden": "true", title: "Rename, move, delete…" }, "⋯"));
    const li = el("li", attrs, label);
    if (node.pending) li.setAttribute("aria-description", "not exported yet");
    if (folder) {
      const group = el("ul", { role: "group" }, ...(node.children || []).map((child) => item(child, level + 1)));
      group.hidden = !open;
      li.append(group);
    }
    return li;
  }

  // What of a freshly drawn item is on screen stays there, brought up to date in place (a library_changed event
  // redraws the tree for an edit to tracks or to one playlist): an element replaced between the press and the
  // release of a click took the click with it, and the playlist clicked did not open, even the one renamed or
  // given tracks at that moment. Items are matched by key, wherever they are now (a playlist moved, into a new
  // folder too, keeps its element); their labels by part (see morph).
  function kept(fresh, shown) {
    const old = shown.get(fresh.dataset.key);
    // The mark of a drop under way stays (the next dragover would put it back, after a flicker).
    if (old && old.classList.contains("drop-into")) fresh.classList.add("drop-into");
    if (old && old.isEqualNode(fresh)) return old;
    if (old) {
      sameAttributes(old, fresh);
      morph(old.querySelector(":scope > .node"), fresh.querySelector(":scope > .node"));
    }
    const li = old || fresh;
    const group = li.querySelector(':scope > ul[role="group"]');
    const freshGroup = fresh.querySelector(':scope > ul[role="group"]');
    if (group && freshGroup) {
      group.hidden = freshGroup.hidden;
      putChildren(group, [...freshGroup.children].map((child) => kept(child, shown)));
    }
    return li;
  }

  function sameAttributes(old, fresh) {
    for (const name of old.getAttributeNames()) if (!fresh.hasAttribute(name)) old.removeAttribute(name);
    for (const name of fresh.getAttributeNames()) {
      if (old.getAttribute(name) !== fresh.getAttribute(name)) old.setAttribute(name, fresh.getAttribute(name));
    }
  }

  // `old` becomes like `fresh`, keeping each of its nodes that has one of the same kind and class in `fresh`
  // (the name, the count, the pending mark: by class, so a mark that comes or goes leaves the others in place);
  // returns the node to use in its place (`fresh` itself where the kinds differ).
  function morph(old, fresh) {
    if (old.nodeName !== fresh.nodeName) return fresh;
    if (old.nodeType !== Node.ELEMENT_NODE) {
      if (old.nodeValue !== fresh.nodeValue) old.nodeValue = fresh.nodeValue;
      return old;
    }
    sameAttributes(old, fresh);
    const was = [...old.childNodes];
    const alike = (a, b) => a.nodeName === b.nodeName && (a.className || "") === (b.className || "");
    putChildren(old, [...fresh.childNodes].map((child) => {
      const at = was.findIndex((node) => node && alike(node, child));
      if (at < 0) return child;
      const match = was[at];
      was[at] = null;
      return morph(match, child);
    }));
    return old;
  }

  function draw() {
    if (!byKey.has(selectedKey) && selectedKey !== "all") selectedKey = "all";
    if (!byKey.has(focusKey) && focusKey !== "all") focusKey = selectedKey;
    const all = el("li", { role: "treeitem", "aria-level": "1", "data-key": "all", class: "all",
      tabindex: focusKey === "all" ? "0" : "-1", "aria-selected": selectedKey === "all" ? "true" : "false" },
    el("div", { class: "node" }, el("span", { class: "twisty", "aria-hidden": "true" }, "♫"),
      el("span", { class: "name" }, "All tracks")));
    const hadFocus = root.contains(document.activeElement) && !renaming;
    // The item the keyboard is on, moved elsewhere into a closed folder: the keyboard goes to that folder, the
    // outermost closed one (its items are out of sight, and a hidden item takes no focus).
    for (const folder of folders(focusKey)) if (collapsed.has(folder)) focusKey = folder; // nearest first
    const shown = new Map([...root.querySelectorAll('[role="treeitem"]')].map((li) => [li.dataset.key, li]));
    putChildren(root, [all, ...nodes.map((node) => item(node, 1))].map((li) => kept(li, shown)));
    status.textContent = nodes.length ? "" : "No playlists yet.";
    if (hadFocus) focusItem(focusKey);
  }

  // Whether the playlists could be read (the tree says why not).
  // Only the last load asked for is drawn: an earlier one may answer after it, with the tree as it was. An earlier
  // one's caller waits for the last one's answer (the page's first load opens the playlist in the address once the
  // tree is read).
  // `version`: the library's version of the edit the load is for; a load for it, or for a later one, was made
  // already (the event stream's word of an edit made here may come before the edit's answer, or after it).
  let loads = 0;
  let newest = null;
  let loadedFor = 0;
  function load(version) {
    if (version) {
      if (version <= loadedFor) return newest;
      loadedFor = version;
    }
    const mine = ++loads;
    newest = loadAndDraw(mine);
    return newest;
  }
  async function loadAndDraw(mine) {
    let answer;
    try {
      answer = await api("GET", "/api/playlists");
    } catch (error) {
      if (mine !== loads) return newest;
      status.textContent = error.message;
      return false;
    }
    if (mine !== loads) return newest;
    nodes = answer.nodes;
    deleted = answer.deleted_pending || {};
    const before = folders(selectedKey);
    byKey.clear();
    index(nodes, null, 1, "");
    // The open playlist moved elsewhere (another tab, the CLI), or a folder above it did, into a closed folder:
    // the folders open, as for a reload, or nothing in the tree showed what is open and the keyboard fell out.
    if (byKey.has(selectedKey) && folders(selectedKey).join(">") !== before.join(">")) {
      for (const k of folders(selectedKey)) collapsed.delete(k);
    }
    // The open playlist was deleted elsewhere (another tab, the CLI, an import): the view goes back to all tracks,
    // as it does for one deleted here (the title, the rows and the address kept naming it).
    const gone = selectedKey !== "all" && !byKey.has(selectedKey);
    if (!renaming) draw();
    document.dispatchEvent(new CustomEvent("harmony:tree-read"));
    if (gone) open("all", true, true);
    const shown = byKey.get(selectedKey);
    // The open playlist may have been renamed or moved (here, in another tab, by the CLI): its title follows.
    if (shown) document.dispatchEvent(new CustomEvent("harmony:view-node", { detail: { name: shown.node.name, path: shown.path } }));
    return true;
  }

  // The keys of the folders above item `k`, nearest first.
  function folders(k) {
    const keys = [];
    for (let up = byKey.has(k) ? byKey.get(k).parent : null; up; up = byKey.get(key(up)).parent) keys.push(key(up));
    return keys;
  }

  function visibleItems() {
    return [...root.querySelectorAll('[role="treeitem"]')].filter((li) => !li.closest('ul[role="group"][hidden]'));
  }

  function itemFor(k) {
    return root.querySelector(`[data-key="${CSS.escape(k)}"]`);
  }

  function focusItem(k) {
    const li = itemFor(k);
    if (!li) return;
    focusKey = k;
    for (const other of root.querySelectorAll('[role="treeitem"][tabindex="0"]')) other.setAttribute("tabindex", "-1");
    li.setAttribute("tabindex", "0");
    li.focus();
  }

  // --- opening ------------------------------------------------------------------------------------------------

  // `keepDrawer`: the DJ is still at work in the tree, so the drawer (on a laptop or a phone) stays open: a new
  // playlist's name is being typed (closing took the name field away, and the name typed went nowhere), or the
  // open playlist was just deleted and the view goes back to all tracks. `gone`: the open view was deleted; the
  // browser's history forgets its entry (Back would only find it gone).
  function open(k, keepDrawer = false, gone = false) {
    selectedKey = k;
    focusKey = k;
    const entry = byKey.get(k);
    for (const li of root.querySelectorAll('[role="treeitem"]')) li.setAttribute("aria-selected", li.dataset.key === k ? "true" : "false");
    // The item opened is in sight and is the tree's keyboard stop: Back (or a link) may open a playlist inside a
    // folder the DJ closed, while the keyboard was on another item, where Delete would then have acted.
    for (const folder of folders(k)) toggle(folder, true);
    if (root.contains(document.activeElement) && !renaming) focusItem(k);
    else {
      for (const li of root.querySelectorAll('[role="treeitem"]')) li.setAttribute("tabindex", li.dataset.key === k ? "0" : "-1");
      const li = itemFor(k);
      if (li) li.scrollIntoView({ block: "nearest" });
    }
    if (k === "all") {
      document.dispatchEvent(new CustomEvent("harmony:open-view", { detail: { keepDrawer, gone, playlist: null } }));
    } else if (entry && entry.node.kind !== "folder") {
      const node = entry.node;
      document.dispatchEvent(new CustomEvent("harmony:open-view", { detail: { keepDrawer, playlist: { id: node.id,
        name: node.name, path: entry.path, smart: node.kind === "smart list",
        query: node.smart_query || node.query || null } } }));
    }
  }

  function toggle(k, force) {
    const li = itemFor(k);
    if (!li || !k.startsWith("folder:")) return;
    const close = force === undefined ? !collapsed.has(k) : !force;
    if (close) collapsed.add(k);
    else collapsed.delete(k);
    li.setAttribute("aria-expanded", close ? "false" : "true");
    li.querySelector(":scope > .node > .twisty").textContent = close ? "▸" : "▾";
    li.querySelector(':scope > ul[role="group"]').hidden = close;
  }

  // The folder new items go in: the selected folder, or the folder of the selected playlist, or the top level.
  function targetFolder() {
    const entry = byKey.get(focusKey) || byKey.get(selectedKey);
    if (!entry) return null;
    return entry.node.kind === "folder" ? entry.node : entry.parent;
  }

  // --- editing ------------------------------------------------------------------------------------------------

  // After an edit made here: the page reads itself again for it (the tree once per version, see load); the
  // caller waits for the tree's read.
  function refreshAll(answer) {
    document.dispatchEvent(new CustomEvent("harmony:library-edited", { detail: { playlists: true, version: answer.version } }));
    return load(answer.version);
  }

  // A name nothing in `folder` (null: the top level) has yet: the library refuses a second playlist or folder of one
  // name in a folder, as Traktor's collection holds one (so "New playlist 2" beside "New playlist").
  function freeName(folder, base) {
    const taken = new Set((folder ? folder.children || [] : nodes).map((node) => node.name));
    let name = base;
    for (let n = 2; taken.has(name); n += 1) name = `${base} ${n}`;
    return name;
  }

  // A new playlist or folder is named first and made once, with that name: one edit, so one Undo takes it away
  // (made as "New playlist" and then renamed, it took two). Enter or a click elsewhere makes it with the name typed;
  // Esc makes nothing, as Cancel in Traktor's own "Create playlist" box (it made one with the name offered, which
  // the next export then wrote into Traktor's collection).
  let making = null; // the new item being made: the next one's offered name must see it ("New playlist 2")
  async function create(kind, typed = null) {
    if (renaming) return;
    if (making) await making;
    if (renaming) return;
    const folder = targetFolder();
    if (folder && collapsed.has(key(folder))) {
      collapsed.delete(key(folder));
      draw();
    }
    const group = folder ? itemFor(key(folder)).querySelector(':scope > ul[role="group"]') : root;
    const what = kind === "folder" ? "folder" : "playlist";
    const offered = freeName(folder, kind === "folder" ? "New folder" : "New playlist");
    const input = el("input", { type: "text", class: "rename", "aria-label": `Name of the new ${what}` });
    input.value = typed === null ? offered : typed;
    const li = el("li", { class: `${what} naming`, role: "none" },
      el("div", { class: "node" }, el("span", { class: "twisty", "aria-hidden": "true" }, kind === "folder" ? "▸" : "♪"), input));
    group.append(li);
    renaming = "new";
    let done = false;
    async function finish(how) {
      if (done) return;
      done = true;
      const name = input.value.trim() || offered;
      li.remove();
      renaming = null;
      if (how === "Escape") {
        focusItem(focusKey);
        return;
      }
      making = make(how, name);
      await making;
      making = null;
    }
    async function make(how, name) {
      try {
        const made = kind === "folder"
          ? await api("POST", "/api/folders", { name, parent_id: folder ? folder.id : null })
          : await api("POST", "/api/playlists", { name, folder_id: folder ? folder.id : null });
        Edits.notifyEdit(made.step); // with Undo, as every edit's
        await refreshAll(made);
        const k = `${kind}:${made.id}`;
        if (kind === "playlist") open(k, true);
        focusItem(k);
      } catch (error) {
        Edits.failed(kind === "folder" ? "New folder" : "New playlist", error);
        draw();
        // A name taken (or refused) after Enter comes back, to be changed where it was typed.
        if (how === "Enter" && (error.status === 409 || error.status === 422)) create(kind, name);
      }
    }
    input.addEventListener("keydown", (event) => {
      event.stopPropagation();
      if (event.key === "Enter" || event.key === "Escape") {
        event.preventDefault();
        finish(event.key);
      }
    });
    input.addEventListener("blur", () => finish("blur"));
    input.addEventListener("click", (event) => event.stopPropagation());
    input.focus();
    input.select();
  }

  function url(node) {
    return node.kind === "folder" ? `/api/folders/${node.id}` : `/api/playlists/${node.id}`;
  }

  // `typed`: the name to start from (a name refused after Enter comes back, to be changed rather than typed again).
  function rename(k, typed = null) {
    const entry = byKey.get(k);
    const li = itemFor(k);
    if (!entry || !li || renaming) return;
    const name = li.querySelector(":scope > .node > .name");
    const input = el("input", { type: "text", class: "rename", value: entry.node.name, "aria-label": `New name for ${entry.node.name}` });
    input.value = typed === null ? entry.node.name : typed;
    name.replaceWith(input);
    renaming = k;
    let done = false;
    async function finish(save, again = false) {
      if (done) return;
      done = true;
      const value = input.value.trim();
      renaming = null;
      if (save && value && value !== entry.node.name) {
        try {
          const answer = await api("PATCH", url(entry.node), { name: value });
          Edits.notifyEdit(answer.step); // with Undo, as every edit's
          await refreshAll(answer);
          focusItem(k);
        } catch (error) {
          Edits.failed("Rename", error);
          draw();
          focusItem(k);
          if (again && (error.status === 409 || error.status === 422)) rename(k, value); // changed where it was typed
        }
      } else {
        draw();
        focusItem(k);
      }
    }
    input.addEventListener("keydown", (event) => {
      event.stopPropagation();
      if (event.key === "Enter") {
        event.preventDefault();
        finish(true, true);
      } else if (event.key === "Escape") {
        event.preventDefault();
        finish(false);
      }
    });
    input.addEventListener("blur", () => finish(true));
    input.addEventListener("click", (event) => event.stopPropagation());
    input.focus();
    input.select();
  }

  async function remove(k) {
    const entry = byKey.get(k);
    if (!entry) return;
    const node = entry.node;
    let message;
    if (node.kind === "folder") {
      const inside = countInside(node);
      message = inside.playlists || inside.folders
        ? `The folder holds ${plural(inside.playlists, "playlist", "playlists")}${inside.folders ? ` and ${plural(inside.folders, "folder", "folders")}` : ""} with ${plural(inside.entries, "entry", "entries")}; they all go. The tracks stay in the library.`
        : "The folder is empty.";
    } else {
      message = `${plural(node.entry_count || 0, "entry goes", "entries go")} with it. The tracks stay in the library.`;
    }
    const kind = node.kind === "folder" ? "folder" : node.kind === "smart list" ? "smart list" : "playlist";
    const choice = await Edits.confirm(`Delete the ${kind} “${node.name}”?`, message, [{ label: "Delete", value: "delete", danger: true }]);
    if (choice !== "delete") return;
    try {
      const answer = await api("DELETE", url(node));
      Edits.notifyEdit(answer.step);
      if (selectedKey === k || (node.kind === "folder" && selectedInside(node))) open("all", true, true);
      await refreshAll(answer);
      focusItem(selectedKey);
    } catch (error) {
      Edits.failed("Delete", error);
    }
  }

  function selectedInside(folder) {
    let entry = byKey.get(selectedKey);
    while (entry && entry.parent) {
      if (entry.parent === folder) return true;
      entry = byKey.get(key(entry.parent));
    }
    return false;
  }

  // A folder cannot go into itself or one of its own folders.
  function inside(folder, node) {
    let entry = byKey.get(key(folder));
    while (entry) {
      if (entry.node === node) return true;
      entry = entry.parent ? byKey.get(key(entry.parent)) : null;
    }
    return false;
  }

  async function move(k, folder) {
    const entry = byKey.get(k);
    if (!entry) return;
    const node = entry.node;
    if (folder && (folder === node || (node.kind === "folder" && inside(folder, node)))) return;
    if ((entry.parent ? entry.parent.id : null) === (folder ? folder.id : null)) return;
    const body = node.kind === "folder" ? { parent_id: folder ? folder.id : null } : { folder_id: folder ? folder.id : null };
    try {
      const answer = await api("PATCH", url(node), body);
      Edits.notifyEdit(answer.step);
      if (folder) collapsed.delete(key(folder));
      await refreshAll(answer);
      focusItem(k);
    } catch (error) {
      Edits.failed("Move", error);
    }
  }

  async function moveTo(k) {
    const entry = byKey.get(k);
    if (!entry) return;
    const folders = [{ label: "Top level", folder: null }, ...[...byKey.values()]
      .filter((e) => e.node.kind === "folder" && e.node !== entry.node && !(entry.node.kind === "folder" && inside(e.node, entry.node)))
      .map((e) => ({ label: e.path, name: e.node.name, folder: e.node }))];
    const chosen = await Edits.pick(`Move “${entry.node.name}” to…`, folders);
    if (chosen) await move(k, chosen.folder);
  }

  function menu(k, x, y) {
    if (k === "all") return;
    const entry = byKey.get(k);
    if (!entry) return;
    const folder = entry.node.kind === "folder";
    const items = [
      ...(folder ? [] : [{ label: "Open", hint: "Enter", run: () => open(k) }]),
      { label: "Rename", hint: "F2", shortcut: "F2", run: () => rename(k) },
      { label: "Move to…", hint: "M", shortcut: "M", run: () => moveTo(k) },
      ...(folder ? [{ label: "New playlist here", run: () => { focusKey = k; create("playlist"); } },
        { label: "New folder here", run: () => { focusKey = k; create("folder"); } }] : []),
      { label: "Delete…", hint: "Delete", shortcut: "Delete", run: () => remove(k) },
    ];
    Edits.openMenu(items, x, y, itemFor(k));
  }

  // --- events -------------------------------------------------------------------------------------------------

  function keyOf(target) {
    const li = target instanceof Element ? target.closest('[role="treeitem"]') : null;
    return li ? li.dataset.key : null;
  }

  root.addEventListener("click", (event) => {
    const k = keyOf(event.target);
    if (!k || renaming) return;
    const more = event.target.closest(".more");
    if (more) {
      focusItem(k);
      const at = more.getBoundingClientRect();
      menu(k, at.left, at.bottom);
      return;
    }
    if (k.startsWith("folder:")) {
      if (event.target.closest(".twisty") || focusKey === k) toggle(k);
      focusItem(k);
    } else {
      open(k);
      focusItem(k);
    }
  });

  root.addEventListener("dblclick", (event) => {
    const k = keyOf(event.target);
    if (k && k !== "all" && event.target.closest(".name")) rename(k);
  });

  root.addEventListener("contextmenu", (event) => {
    const k = keyOf(event.target);
    if (!k || k === "all") return;
    event.preventDefault();
    focusItem(k);
    menu(k, event.clientX, event.clientY);
  });

  root.addEventListener("keydown", (event) => {
    if (renaming) return;
    const k = keyOf(event.target);
    if (!k) return;
    const items = visibleItems();
    const at = items.findIndex((li) => li.dataset.key === k);
    const isFolder = k.startsWith("folder:");
    const go = (i) => {
      event.preventDefault();
      if (items[i]) focusItem(items[i].dataset.key);
    };
    switch (event.key) {
      case "ArrowDown": return go(Math.min(items.length - 1, at + 1));
      case "ArrowUp": return go(Math.max(0, at - 1));
      case "Home": return go(0);
      case "End": return go(items.length - 1);
      case "ArrowRight":
        event.preventDefault();
        if (isFolder && collapsed.has(k)) toggle(k, true);
        else if (isFolder) go(at + 1);
        return;
      case "ArrowLeft": {
        event.preventDefault();
        if (isFolder && !collapsed.has(k)) return toggle(k, false);
        const entry = byKey.get(k);
        if (entry && entry.parent) focusItem(key(entry.parent));
        return;
      }
      case "Enter":
      case " ":
        event.preventDefault();
        if (isFolder) toggle(k);
        else open(k);
        return;
      case "F2":
        event.preventDefault();
        rename(k);
        return;
      case "Delete":
        event.preventDefault();
        if (k !== "all") remove(k);
        return;
      case "ContextMenu":
      case "F10":
        if (event.key === "F10" && !event.shiftKey) return;
        event.preventDefault();
        {
          const box = event.target.getBoundingClientRect();
          menu(k, box.left + 20, box.bottom);
        }
        return;
      default:
        if ((event.key === "m" || event.key === "M") && k !== "all") {
          event.preventDefault();
          moveTo(k);
        }
    }
  });

  // Drag and drop: tree items onto folders (or "All tracks" for the top level); table rows onto playlists.
  root.addEventListener("dragstart", (event) => {
    const k = keyOf(event.target);
    if (!k || k === "all") return;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData(NODE_TYPE, k);
    event.dataTransfer.setData("text/plain", byKey.get(k).path);
  });

  function dropTarget(event) {
    const k = keyOf(event.target);
    if (!k) return null;
    const types = event.dataTransfer.types;
    if (types.includes(NODE_TYPE)) return k === "all" || k.startsWith("folder:") ? k : null;
    if (types.includes(window.HarmonyTable.DRAG_TYPE)) {
      const entry = byKey.get(k);
      return entry && entry.node.kind === "playlist" ? k : null;
    }
    return null;
  }

  function clearDrop() {
    for (const li of root.querySelectorAll(".drop-into")) li.classList.remove("drop-into");
  }

  root.addEventListener("dragover", (event) => {
    const k = dropTarget(event);
    clearDrop();
    if (!k) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = event.dataTransfer.types.includes(NODE_TYPE) ? "move" : "copy";
    itemFor(k).classList.add("drop-into");
  });

  root.addEventListener("dragleave", (event) => {
    if (!root.contains(event.relatedTarget)) clearDrop();
  });

  root.addEventListener("drop", async (event) => {
    const k = dropTarget(event);
    clearDrop();
    if (!k) return;
    event.preventDefault();
    if (event.dataTransfer.types.includes(NODE_TYPE)) {
      const moving = event.dataTransfer.getData(NODE_TYPE);
      await move(moving, k === "all" ? null : byKey.get(k).node);
      return;
    }
    const payload = JSON.parse(event.dataTransfer.getData(window.HarmonyTable.DRAG_TYPE));
    const ids = payload.all ? await window.HarmonyTable.selectedIds() : payload.ids;
    const entry = byKey.get(k);
    if (await Edits.addToPlaylist({ id: entry.node.id, name: entry.node.name }, ids)) await load();
  });

  document.getElementById("new-playlist").addEventListener("click", () => create("playlist"));
  document.getElementById("new-folder").addEventListener("click", () => create("folder"));

  // Playlists a track can be added to (not smart lists), named by their path in the tree.
  function playlists() {
    return [...byKey.values()].filter((e) => e.node.kind === "playlist")
      .map((e) => ({ id: e.node.id, name: e.node.name, path: e.path }));
  }

  // The playlists (smart lists too) and folders whose edits no export has written yet: those the tree marks, and
  // those deleted since the last export (`deleted`). `open`: whether the open playlist is one of them.
  function pendingCounts() {
    let playlists = deleted.playlists || 0;
    let folders = deleted.folders || 0;
    for (const { node } of byKey.values()) {
      if (!node.pending) continue;
      if (node.kind === "folder") folders += 1;
      else playlists += 1;
    }
    const shown = byKey.get(selectedKey);
    return { playlists, folders, open: Boolean(shown && shown.node.pending) };
  }

  // The keyboard into the tree (the drawer just opened), unless a name is being typed there: the drawer's
  // deferred focus took it from a new playlist's name field opened within its 0.2 s, which then made the playlist
  // with the name offered, and the name typed went nowhere.
  function focusTree() {
    if (!renaming) focusItem(focusKey);
  }

  return { load, forgetVersions: () => { loadedFor = 0; }, open, playlists, pendingCounts, has: (k) => byKey.has(k), focus: focusTree,
    selected: () => selectedKey };
})();
