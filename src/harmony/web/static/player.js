// The track panel's player: the audio of the open track, its overview waveform with the cue points, loops and
// grid start drawn in their colours, hot cue pads, the playing position in m:ss.mmm, seek and volume.
"use strict";

window.HarmonyPlayer = (() => {
  const { el } = window.Harmony;
  const audio = document.getElementById("player-audio");
  const canvas = document.getElementById("player-waveform");
  const playButton = document.getElementById("player-play");
  const positionText = document.getElementById("player-position");
  const durationText = document.getElementById("player-duration");
  const seek = document.getElementById("player-seek");
  const volume = document.getElementById("player-volume");
  const status = document.getElementById("player-status");
  const pads = document.getElementById("player-hotcues");
  const VOLUME_KEY = "harmony.player.volume";
  const PAD_COUNT = 8;
  // Traktor's default marker colours where a cue has none of its own.
  const TYPE_COLOURS = { 0: "#3b82f6", 1: "#f5a524", 2: "#f5a524", 3: "#eab308", 4: "#e6e8eb", 5: "#30a46c" };

  const state = { track: null, cues: [], peaks: [], loading: 0, missing: false, failed: false };

  // m:ss.mmm, the way a DJ reads a cue position (milliseconds in, text out).
  function clock(ms) {
    if (ms === null || ms === undefined || !Number.isFinite(ms)) return "";
    const sign = ms < 0 ? "-" : "";
    const whole = Math.round(Math.abs(ms));
    const minutes = Math.floor(whole / 60000);
    const seconds = Math.floor((whole % 60000) / 1000);
    const millis = whole % 1000;
    return `${sign}${minutes}:${String(seconds).padStart(2, "0")}.${String(millis).padStart(3, "0")}`;
  }

  // "1:23.456", "83.456", "1:02:03.5" → milliseconds; null when the text is not a position.
  function parseClock(text) {
    const match = /^\s*(?:(\d+):)?(?:(\d+):)?(\d+(?:[.,]\d*)?)\s*$/.exec(text || "");
    if (!match) return null;
    const [, a, b, s] = match;
    const hours = b !== undefined ? Number(a) : 0;
    const minutes = b !== undefined ? Number(b) : Number(a || 0);
    const seconds = Number(s.replace(",", "."));
    if (b === undefined && a !== undefined && seconds >= 60) return null;
    return Math.round(((hours * 60 + minutes) * 60 + seconds) * 1000 * 1000) / 1000;
  }

  // The track's length in ms: what the browser measured, else what the library knows.
  function lengthMs() {
    if (Number.isFinite(audio.duration) && audio.duration > 0) return audio.duration * 1000;
    if (state.track && state.track.duration) return state.track.duration * 1000;
    return state.waveformMs || 0;
  }

  function nowMs() {
    return (audio.currentTime || 0) * 1000;
  }

  function setStatus(text, isError = false) {
    status.textContent = text;
    status.classList.toggle("error", isError);
    status.classList.toggle("muted", !isError);
  }

  function showPosition() {
    const total = lengthMs();
    positionText.textContent = clock(nowMs());
    durationText.textContent = clock(total);
    if (document.activeElement !== seek) seek.value = total ? String(Math.round((nowMs() / total) * 1000)) : "0";
    seek.setAttribute("aria-valuetext", clock(nowMs()));
    draw();
  }

  function colourOf(cue) {
    return cue.color || TYPE_COLOURS[cue.type] || "#e6e8eb";
  }

  function draw() {
    if (!canvas.clientWidth) return; // hidden: drawn when shown (a 1-pixel canvas stretched shows as a white box)
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
    const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const g = canvas.getContext("2d");
    g.clearRect(0, 0, width, height);
    const middle = height / 2;
    const total = lengthMs();
    const played = total ? (nowMs() / total) * width : 0;
    const peaks = state.peaks;
    if (peaks.length) {
      const step = width / peaks.length;
      for (let i = 0; i < peaks.length; i += 1) {
        const x = i * step;
        const h = Math.max(1, peaks[i] * (middle - 4));
        g.fillStyle = x < played ? "#7fb0ff" : "#4b5563";
        g.fillRect(x, middle - h, Math.max(1, step - 0.3), h * 2);
      }
    } else {
      g.fillStyle = "#2d323b";
      g.fillRect(0, middle - 1, width, 2);
    }
    if (!total) return;
    for (const cue of state.cues) {
      const x = (cue.start / total) * width;
      const colour = colourOf(cue);
      if (cue.type === 5 && cue.length > 0) { // a loop: its span, translucent
        g.globalAlpha = 0.25;
        g.fillStyle = colour;
        g.fillRect(x, 0, Math.max(2, (cue.length / total) * width), height);
        g.globalAlpha = 1;
      }
      g.fillStyle = colour;
      if (cue.type === 4) { // the grid start: a thin full-height line
        g.fillRect(x, 0, Math.max(1, ratio), height);
        continue;
      }
      g.fillRect(x - ratio, 0, 2 * ratio, height);
      g.beginPath(); // a flag on top, as on a deck
      g.moveTo(x - 5 * ratio, 0);
      g.lineTo(x + 5 * ratio, 0);
      g.lineTo(x, 8 * ratio);
      g.fill();
      if (cue.hotcue >= 0) {
        g.font = `${10 * ratio}px system-ui, sans-serif`;
        g.fillText(String(cue.hotcue + 1), x + 4 * ratio, height - 4 * ratio);
      }
    }
    g.fillStyle = "#ffffff";
    g.fillRect(played, 0, Math.max(1, ratio), height);
  }

  // Peaks as numbers from 0 to 1, whatever the scale the waveform answer uses.
  function readPeaks(answer) {
    let values = Array.isArray(answer) ? answer : (answer && (answer.peaks || answer.data || answer.samples)) || [];
    if (values.length && Array.isArray(values[0])) values = values.map((pair) => Math.max(...pair.map(Math.abs)));
    let top = 0;
    for (const v of values) top = Math.max(top, Math.abs(v));
    return top ? values.map((v) => Math.abs(v) / top) : values.map(() => 0);
  }

  function renderPads() {
    const bySlot = new Map(state.cues.filter((c) => c.hotcue >= 0).map((c) => [c.hotcue, c]));
    const buttons = [];
    for (let slot = 0; slot < PAD_COUNT; slot += 1) {
      const cue = bySlot.get(slot);
      const name = cue && cue.name && cue.name !== "n.n." ? cue.name : "";
      const button = el("button", { type: "button", class: "pad", "data-slot": String(slot),
        "aria-label": cue ? `Hot cue ${slot + 1}${name ? ` ${name}` : ""} at ${clock(cue.start)}` : `Hot cue ${slot + 1} (empty)` },
      String(slot + 1));
      if (cue) {
        button.style.borderColor = colourOf(cue); // CSSOM, allowed by the page's content security policy
        button.addEventListener("click", () => jump(cue.start));
      } else {
        button.disabled = true;
      }
      buttons.push(button);
    }
    pads.replaceChildren(...buttons);
  }

  function jump(ms) {
    if (state.missing || !state.track) return;
    const mine = state.loading;
    const go = () => {
      if (mine !== state.loading) return; // another track was loaded before this one's audio was ready
      audio.currentTime = Math.max(0, ms / 1000);
      showPosition();
    };
    if (audio.readyState >= 1) go();
    else {
      audio.addEventListener("loadedmetadata", go, { once: true });
      startLoading();
    }
  }

  function startLoading() {
    if (!audio.getAttribute("src") && state.track) {
      audio.src = `/api/library/tracks/${state.track.id}/audio`;
      audio.load();
    }
  }

  // Why the audio cannot play, in the server's words when it has some (a missing file says so).
  async function explainFailure(id) {
    try {
      const response = await fetch(`/api/library/tracks/${id}/audio`, { headers: { Range: "bytes=0-0" } });
      // Served, yet not played: a damaged file, or a format this browser does not play.
      if (response.ok) return "The browser cannot play this file: it may be damaged, or in a format it does not play.";
      const data = await response.json().catch(() => null);
      return (data && data.error) || `The audio could not be loaded (${response.status}).`;
    } catch (error) {
      return `The audio could not be loaded: ${error.message}`;
    }
  }

  async function loadWaveform(id, mine) {
    try {
      const answer = await window.Harmony.api("GET", `/api/library/tracks/${id}/waveform`);
      if (mine !== state.loading) return;
      state.peaks = readPeaks(answer);
      state.waveformMs = (answer && answer.duration_ms) || 0;
    } catch (error) {
      if (mine !== state.loading) return;
      state.peaks = [];
      if ((error.status === 404 || error.status === 422) && !state.missing) {
        // The file is gone (404), or there and its audio cannot be read or it holds none (422), the server says
        // which: nothing can be played or sought in, and the DJ is told so now (the seek bar's thumb moved, with
        // the clock at 0:00).
        if (error.status === 404) state.missing = true;
        else state.failed = true;
        playButton.disabled = true;
        seek.disabled = true;
        seek.value = "0";
        setStatus(error.message, true);
      } else if (!state.missing) {
        setStatus(`No waveform: ${error.message}`);
      }
    }
    draw();
  }

  // Open a track: nothing plays until the DJ presses play (or jumps to a cue).
  function load(track, cues) {
    const same = state.track && state.track.id === track.id;
    state.track = track;
    state.cues = cues;
    renderPads();
    if (same) {
      showPosition();
      return;
    }
    state.loading += 1;
    state.missing = Boolean(track.missing);
    state.failed = false;
    state.peaks = [];
    state.waveformMs = 0;
    audio.pause();
    audio.removeAttribute("src");
    audio.load();
    showPlayState();
    playButton.disabled = state.missing;
    seek.disabled = state.missing;
    setStatus(state.missing ? "The audio file is missing, so it cannot be played." : "");
    showPosition();
    // The cue markers at once, and no blank box where a missing file's waveform would be; after layout, as the
    // panel may be opening (hidden, the canvas has no width to draw at).
    requestAnimationFrame(draw);
    if (!state.missing) loadWaveform(track.id, state.loading);
  }

  function setCues(cues) {
    state.cues = cues;
    renderPads();
    draw();
  }

  function unload() {
    state.loading += 1;
    state.track = null;
    audio.pause();
    audio.removeAttribute("src");
    audio.load();
    showPlayState();
  }

  function toggle() {
    if (!state.track || state.missing) return;
    if (audio.paused) {
      startLoading();
      audio.play().catch((error) => { if (error.name !== "AbortError") setStatus(error.message, true); });
    } else {
      audio.pause();
    }
  }

  // The button says what pressing it does, from the audio's own state: audio.load() (another track opened while one
  // played) drops the "pause" event that pause() queued just before, and stops the audio without one, which left
  // the button at ❚❚ "Pause" over a track that was not playing.
  function showPlayState() {
    const playing = !audio.paused;
    playButton.textContent = playing ? "❚❚" : "▶";
    playButton.setAttribute("aria-label", playing ? "Pause (Space)" : "Play (Space)");
  }
  for (const name of ["play", "pause", "emptied"]) audio.addEventListener(name, showPlayState);
  audio.addEventListener("timeupdate", showPosition);
  audio.addEventListener("loadedmetadata", showPosition);
  audio.addEventListener("seeked", showPosition);
  audio.addEventListener("error", async () => {
    if (!state.track || !audio.getAttribute("src")) return;
    const mine = state.loading;
    state.failed = true; // no playhead to add a cue at
    seek.disabled = true; // a thumb that moved on a track that cannot play, with the clock at 0:00
    seek.value = "0";
    const why = await explainFailure(state.track.id);
    if (mine === state.loading) setStatus(why, true);
  });
  playButton.addEventListener("click", toggle);
  seek.addEventListener("input", () => {
    const total = lengthMs();
    if (total) jump((Number(seek.value) / 1000) * total);
  });
  volume.value = localStorage.getItem(VOLUME_KEY) || volume.value;
  audio.volume = Number(volume.value) / 100;
  volume.addEventListener("input", () => {
    audio.volume = Number(volume.value) / 100;
    localStorage.setItem(VOLUME_KEY, volume.value);
  });
  // A click on the waveform: on a hot cue's marker, jump to the cue; elsewhere, to that point of the track.
  canvas.addEventListener("click", (event) => {
    const total = lengthMs();
    if (!total) return;
    const box = canvas.getBoundingClientRect();
    const x = event.clientX - box.left;
    const near = state.cues.filter((c) => c.type !== 4)
      .map((c) => ({ cue: c, distance: Math.abs((c.start / total) * box.width - x) }))
      .filter((c) => c.distance <= 6).sort((a, b) => a.distance - b.distance)[0];
    jump(near ? near.cue.start : (x / box.width) * total);
  });
  window.addEventListener("resize", draw);

  // Whether the open track's audio can play here, so that its playhead means something.
  const playable = () => Boolean(state.track) && !state.missing && !state.failed;

  return { load, unload, setCues, toggle, jump, clock, parseClock, position: nowMs, playable, audio };
})();
