// Harmony's page helpers: JSON calls with the session token, and the one shared event stream.
"use strict";

window.Harmony = (() => {
  const token = document.querySelector('meta[name="harmony-token"]').content;
  const operationListeners = [];
  const autoSyncListeners = [];
  const namedListeners = new Map(); // event name -> listeners, for named server events such as library_changed
  let source = null;

  class ApiError extends Error {
    constructor(status, message, data) {
      super(message);
      this.status = status;
      this.data = data || {}; // the whole error answer, e.g. its "code" where a page should react
    }
  }

  // The changes sent and not answered yet: an undo waits for them (see changesAnswered).
  const changesInFlight = new Set();

  // Every change carries the token: the server refuses changes from pages it did not serve (CSRF).
  function api(method, url, body) {
    const call = send(method, url, body);
    if (method === "GET") return call;
    changesInFlight.add(call);
    const done = () => changesInFlight.delete(call);
    call.then(done, done);
    return call;
  }

  // Once every change sent so far has its answer: Ctrl-Z pressed right after Enter saved a cue's name reached the
  // server first at times, and undid the edit before it (whose redo the rename then wiped).
  // Not past a few seconds: a request that never answers must not hold every undo after it.
  const CHANGES_WAITED_MS = 5000;
  function changesAnswered() {
    return Promise.race([
      Promise.allSettled([...changesInFlight]),
      new Promise((resolve) => setTimeout(resolve, CHANGES_WAITED_MS)),
    ]);
  }

  function requestOptions(method, body) {
    const options = { method, headers: { "X-Harmony-Token": token, Accept: "application/json" } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return options;
  }

  async function send(method, url, body) {
    const response = await fetch(url, requestOptions(method, body));
    let data = null;
    try {
      data = await response.json();
    } catch (_) {
      data = null;
    }
    if (!response.ok) {
      throw new ApiError(response.status, (data && data.error) || `${response.status} ${response.statusText}`, data);
    }
    return data;
  }

  // A change sent as the page goes away (closed, reloaded, left for another page): the browser finishes the
  // request on its own, and nobody is left to read its answer.
  function sendAsLeaving(method, url, body) {
    fetch(url, { ...requestOptions(method, body), keepalive: true }).catch(() => {});
  }

  function connect() {
    if (source) return;
    source = new EventSource("/api/events");
    // Connected again after the stream broke (the server restarted, the machine slept): what was said meanwhile
    // was missed, and the versions may start again lower (another library). The page reads itself again.
    let opened = false;
    source.addEventListener("open", () => {
      if (opened) document.dispatchEvent(new CustomEvent("harmony:stream-reopened"));
      opened = true;
    });
    source.onmessage = (message) => {
      const event = JSON.parse(message.data);
      for (const listener of operationListeners) listener(event);
    };
    source.addEventListener("auto_sync", (message) => {
      const status = JSON.parse(message.data);
      for (const listener of autoSyncListeners) listener(status);
    });
    for (const name of namedListeners.keys()) listen(name);
  }

  function listen(name) {
    source.addEventListener(name, (message) => {
      const data = JSON.parse(message.data);
      for (const listener of namedListeners.get(name)) listener(data);
    });
  }

  // A named server-sent event (e.g. "library_changed"): every listener gets its parsed data.
  function onEvent(name, listener) {
    if (!namedListeners.has(name)) {
      namedListeners.set(name, []);
      if (source) listen(name);
    }
    namedListeners.get(name).push(listener);
    connect();
  }

  function onOperation(listener) {
    operationListeners.push(listener);
    connect();
  }

  function onAutoSync(listener) {
    autoSyncListeners.push(listener);
    connect();
  }

  function text(value) {
    return value === null || value === undefined ? "" : String(value);
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(text(child)));
    }
    return node;
  }

  // A sentence that quotes a name (Set the title of “ליל שישי 2”) as one <span>, each quoted name in a <bdi>: a
  // Hebrew or Arabic name is then read in its own direction and keeps its numbers and brackets, and the English
  // around it keeps its order. Harmony quotes every name it puts in a sentence with “ and ”. The text is unchanged;
  // one span, so that a flex heading (h2) does not lay out the name and its quotes as separate items.
  function sentence(value) {
    const line = el("span", {});
    // The innermost quotes: a quoted label may itself quote a name (Not undone: “Deleted playlist “X” …”).
    for (const part of text(value).split(/(“[^“”]*”)/)) {
      if (!part) continue;
      if (part.length > 1 && part.startsWith("“") && part.endsWith("”")) {
        line.append("“", el("bdi", {}, part.slice(1, -1)), "”");
      } else {
        line.append(part);
      }
    }
    return line;
  }

  // One formatter for the page: making one costs about 25 µs, and a tree of 1,000 playlists counts 2,000 times.
  const numbers = new Intl.NumberFormat();
  function number(value) {
    return numbers.format(value);
  }

  // "1 track", "2 tracks", "20,000 tracks": every page counts this way; `many` where the plural is not `one`+"s".
  function plural(count, one, many = `${one}s`) {
    return `${number(count)} ${count === 1 ? one : many}`;
  }

  // A time the server sent. Harmony keeps its times in UTC, and the library's own (the last import, the
  // operations journal) are stored without a zone: read as they are, they were taken for the DJ's local time,
  // hours off outside UTC. A time with a zone is read as it says.
  function utc(text) {
    return new Date(/([zZ]|[+-]\d\d:\d\d)$/.test(text) ? text : `${text}Z`);
  }

  // A moment as the DJ reads it: the time alone today, the date with it on any other day ("Last sync: 2:56 PM"
  // two days later read as today's).
  function when(date) {
    return date.toDateString() === new Date().toDateString() ? date.toLocaleTimeString() : date.toLocaleString();
  }

  // `parent`'s children become `nodes` without taking out one that stays: a refresh that changed nothing leaves the
  // page's nodes alone, so the one the DJ pressed is still there when the button comes up (Chromium sends no
  // click, and drops a drag, whose pressed node left the page, even for a moment).
  function putChildren(parent, nodes) {
    const staying = new Set(nodes);
    for (const child of [...parent.childNodes]) if (!staying.has(child)) child.remove();
    // What is left are the staying nodes, in the order `nodes` has them: each new node goes in before the next one.
    let next = parent.firstChild;
    for (const node of nodes) {
      if (node === next) next = next.nextSibling;
      else parent.insertBefore(node, next);
    }
  }

  // For a view read again on each click or change: answers may come out of order on a busy machine, and one asked
  // for earlier must not replace a later one. `const asked = ask();` before the request, `if (!asked()) return;`
  // after it: true while no later request has been asked for.
  function latestOnly() {
    let count = 0;
    return () => {
      const mine = ++count;
      return () => mine === count;
    };
  }

  return { api, sendAsLeaving, changesAnswered, ApiError, onOperation, onAutoSync, onEvent, el, text, sentence, number, plural, token, putChildren,
    utc, when, latestOnly };
})();
