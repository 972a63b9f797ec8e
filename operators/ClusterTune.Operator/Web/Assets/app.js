// ClusterTune sweep page: hand-written, no dependencies. Reads /ui/api/... (or window.CT_SNAPSHOT in a static
// export) and draws the budget, the best trial, learning curves, parallel coordinates and parameter importance as SVG.
"use strict";
(function () {
  const SVGNS = "http://www.w3.org/2000/svg";
  const TERMINAL = ["Succeeded", "Failed"];
  const PALETTE = ["#3d7bd9", "#e07b39", "#3aa55d", "#c9463d", "#8e63c7", "#8c6d3f", "#d46bb3", "#6f7782", "#b5b82e", "#2fb5c4"];
  const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const params = new URLSearchParams(location.search);
  const snapshot = window.CT_SNAPSHOT || null;
  let token = null;
  const hash = new URLSearchParams(location.hash.replace(/^#/, ""));
  if (hash.get("token")) { token = hash.get("token"); sessionStorage.setItem("ct-token", token); history.replaceState(null, "", location.pathname + location.search); }
  else token = sessionStorage.getItem("ct-token");

  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    for (const c of children) e.append(c instanceof Node ? c : String(c));
    return e;
  }
  function sv(tag, attrs, text) {
    const e = document.createElementNS(SVGNS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fmt(v) {
    if (v === null || v === undefined) return "–";
    if (typeof v !== "number") return String(v);
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : v.toPrecision(4).replace(/\.?0+$/, "");
  }
  function duration(s) {
    if (s === null || s === undefined) return "–";
    const m = Math.floor(s / 60);
    return m > 0 ? m + " min " + Math.round(s % 60) + " s" : Math.round(s) + " s";
  }
  function viridis(t) {
    t = Math.min(1, Math.max(0, isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
    const i = Math.min(VIRIDIS.length - 2, Math.floor(t)), f = t - i;
    const c = VIRIDIS[i].map((a, k) => Math.round(a + (VIRIDIS[i + 1][k] - a) * f));
    return "rgb(" + c.join(",") + ")";
  }
  function showError(text) { const e = $("error"); e.textContent = text; e.hidden = !text; }

  async function getJson(path) {
    const headers = token ? { Authorization: "Bearer " + token } : {};
    const r = await fetch(path, { headers, cache: "no-store" });
    if (r.status === 401) throw new Error("This operator requires its bearer token (the --metrics-token-file): open the page as …/ui/#token=<token>.");
    if (!r.ok) throw new Error(path + ": HTTP " + r.status + " " + (await r.text()));
    return r.json();
  }

  // ---- the list of sweeps ----
  function renderList(sweeps) {
    $("list").hidden = false;
    const body = $("sweeps").tBodies[0];
    body.replaceChildren(...sweeps.map(s => {
      const link = el("a", { href: "?sweep=" + encodeURIComponent(s.namespace) + "/" + encodeURIComponent(s.name) }, s.name);
      return el("tr", { class: "sweep-row" }, el("td", {}, s.namespace), el("td", {}, link), el("td", {}, el("span", { class: "phase " + s.phase }, s.phase)),
        el("td", {}, s.trials), el("td", {}, s.succeeded), el("td", {}, s.running),
        el("td", {}, s.bestObjective === null ? "–" : s.metric + " " + fmt(s.bestObjective) + " (" + s.bestTrial + ")"));
    }));
    if (sweeps.length === 0) body.append(el("tr", {}, el("td", { colspan: 7 }, "No FineTuneJobs yet.")));
  }

  // ---- one sweep ----
  function renderDetail(d) {
    const s = d.summary;
    $("detail").hidden = false;
    $("detail").dataset.phase = s.phase;
    $("detail").dataset.trials = String(d.trials.length);
    $("title").textContent = s.namespace + "/" + s.name;
    $("crumb").textContent = "/ " + s.name;
    $("phase").className = "phase " + s.phase;
    $("phase").textContent = s.phase;
    $("message").textContent = d.message || "";
    renderBudget(d);
    renderBest(d);
    renderCurves(d);
    renderParallel(d);
    renderImportance(d);
    renderTrials(d);
  }

  function budgetRow(label, used, max, text) {
    const frac = max ? used / max : 0;
    const bar = el("div", { class: "bar" + (frac > 1 ? " over" : "") }, el("div", { style: "width:" + Math.min(100, frac * 100).toFixed(1) + "%" }));
    return el("div", { class: "budget-row" }, el("div", {}, label + ": " + text), bar);
  }
  function renderBudget(d) {
    const b = d.budget, rows = [];
    rows.push(budgetRow("Trials", b.trialsCreated, b.maxTrials, b.trialsCreated + (b.maxTrials ? " of " + b.maxTrials + " (" + Math.max(0, b.maxTrials - b.trialsCreated) + " left)" : " (no limit)")));
    rows.push(budgetRow("Time", b.elapsedSeconds, b.maxDurationSeconds, duration(b.elapsedSeconds) + (b.maxDurationSeconds ? " of " + duration(b.maxDurationSeconds) : " (no limit)")));
    if (b.maxGpuHours) rows.push(budgetRow("GPU-hours", b.gpuHoursUsed, b.maxGpuHours, fmt(b.gpuHoursUsed) + " of " + fmt(b.maxGpuHours)));
    $("budget").replaceChildren(...rows);
    // Burn-down: trials not yet finished over time (steps down as trials finish).
    const total = b.maxTrials || Math.max(b.trialsCreated, 1), end = Math.max(b.elapsedSeconds, b.maxDurationSeconds || 0, 1);
    const W = 360, H = 120, L = 34, B = 20, T = 8, R = 8;
    const x = t => L + (W - L - R) * t / end, y = n => T + (H - T - B) * (1 - n / total);
    const svg = sv("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "budget burn-down" });
    svg.append(sv("path", { class: "axis", d: "M" + L + " " + T + "V" + (H - B) + "H" + (W - R), fill: "none" }));
    svg.append(sv("text", { x: 2, y: T + 8 }, String(total)), sv("text", { x: 2, y: H - B }, "0"), sv("text", { x: W - 90, y: H - 4 }, duration(end)));
    let path = "M" + x(0) + " " + y(total), left = total;
    for (const t of b.finishedAtSeconds) { path += "H" + x(t).toFixed(1); left -= 1; path += "V" + y(left).toFixed(1); }
    path += "H" + x(b.elapsedSeconds).toFixed(1);
    svg.append(sv("path", { class: "burndown", d: path, fill: "none", stroke: "#3d7bd9", "stroke-width": 2 }));
    if (b.maxDurationSeconds) svg.append(sv("line", { x1: x(b.maxDurationSeconds), x2: x(b.maxDurationSeconds), y1: T, y2: H - B, class: "rung" }));
    svg.append(sv("text", { x: L + 4, y: H - B - 4 }, "trials left"));
    $("burndown").replaceChildren(svg);
  }

  function renderBest(d) {
    const b = d.best;
    if (!b) { $("best").replaceChildren(el("p", { class: "note" }, "No trial has reported the objective yet.")); return; }
    const ps = Object.entries(b.params).map(([k, v]) => k + "=" + fmt(v)).join(", ");
    $("best").replaceChildren(
      el("div", { class: "best-name" }, b.name + ": " + d.summary.metric + " " + fmt(b.objective)),
      el("div", {}, ps),
      el("div", { class: "mono" }, "checkpoint: " + (b.checkpointUri || "–")),
      el("div", { class: "mono" }, "promoted: " + (b.promotedUri ? b.promotedUri + " (sha256 " + (b.sha256 || "n/a") + ")" : "not yet")));
  }

  function extent(values) {
    let lo = Math.min(...values), hi = Math.max(...values);
    if (!isFinite(lo)) { lo = 0; hi = 1; }
    if (lo === hi) { lo -= 0.5; hi += 0.5; }
    return [lo, hi];
  }

  function renderCurves(d) {
    const W = 900, H = 320, L = 50, R = 16, T = 12, B = 32;
    const pts = d.trials.flatMap(t => t.curve);
    const maxEpoch = Math.max(1, ...pts.map(p => p.epoch), ...d.rungs);
    const [lo, hi] = extent(pts.map(p => p.value));
    const x = e => L + (W - L - R) * e / maxEpoch, y = v => T + (H - T - B) * (1 - (v - lo) / (hi - lo));
    const svg = sv("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "learning curves" });
    svg.append(sv("path", { class: "axis", d: "M" + L + " " + T + "V" + (H - B) + "H" + (W - R), fill: "none" }));
    for (let e = 0; e <= maxEpoch; e += Math.max(1, Math.ceil(maxEpoch / 10))) svg.append(sv("text", { x: x(e) - 3, y: H - B + 14 }, String(e)));
    for (let i = 0; i <= 4; i++) { const v = lo + (hi - lo) * i / 4; svg.append(sv("text", { x: 2, y: y(v) + 4 }, fmt(v))); }
    svg.append(sv("text", { x: W / 2 - 20, y: H - 2 }, "epoch"), sv("text", { x: L + 4, y: T + 10 }, d.summary.metric));
    for (const r of d.rungs) {
      svg.append(sv("line", { class: "rung", x1: x(r), x2: x(r), y1: T, y2: H - B }));
      svg.append(sv("text", { x: x(r) + 3, y: T + 22 }, "rung " + r));
    }
    const best = d.best ? d.best.name : null;
    d.trials.forEach(t => {
      if (t.curve.length === 0) return;
      const color = PALETTE[t.index % PALETTE.length];
      const cls = "curve" + (t.stopped ? " stopped" : "") + (t.phase === "Failed" ? " failed" : "") + (t.name === best ? " best" : "");
      const path = t.curve.map((p, i) => (i ? "L" : "M") + x(p.epoch).toFixed(1) + " " + y(p.value).toFixed(1)).join("");
      const line = sv("path", { class: cls, d: t.curve.length === 1 ? path + "h0.01" : path, stroke: color, "data-trial": t.name, "data-phase": t.phase });
      line.append(sv("title", {}, t.name + " (" + t.phase + "): " + fmt(t.curve[t.curve.length - 1].value)));
      svg.append(line);
      const last = t.curve[t.curve.length - 1], lx = x(last.epoch), ly = y(last.value);
      if (t.stopped) svg.append(sv("path", { class: "stop-mark", d: "M" + (lx - 4) + " " + (ly - 4) + "l8 8m0 -8l-8 8", stroke: color, "stroke-width": 2, "data-trial": t.name }));
      else if (t.phase === "Running" || t.phase === "Paused") svg.append(sv("circle", { class: "run-mark", cx: lx, cy: ly, r: 3.5, fill: color }));
      else svg.append(sv("circle", { cx: lx, cy: ly, r: 2, fill: color }));
    });
    $("curves").replaceChildren(svg);
  }

  function renderParallel(d) {
    const axes = d.parameters.map(p => ({ name: p.name, numeric: p.numeric, log: p.log, categories: p.categories }));
    axes.push({ name: d.summary.metric, numeric: true, log: false, categories: [], objective: true });
    const W = 900, H = 300, T = 24, B = 28, L = 60, R = 60;
    const ax = i => L + (W - L - R) * (axes.length === 1 ? 0.5 : i / (axes.length - 1));
    const value = (t, a) => a.objective ? t.objective : t.params[a.name];
    for (const a of axes) {
      if (a.numeric) {
        const vs = d.trials.map(t => value(t, a)).filter(v => typeof v === "number" && isFinite(v) && (!a.log || v > 0)).map(v => a.log ? Math.log10(v) : v);
        [a.lo, a.hi] = extent(vs);
      } else {
        const seen = d.trials.map(t => value(t, a)).filter(v => v !== undefined && !a.categories.some(c => c === v));
        a.categories = a.categories.concat([...new Set(seen)]);
      }
    }
    const pos = (a, v) => {
      if (v === undefined || v === null) return null;
      if (a.numeric) {
        if (typeof v !== "number" || (a.log && v <= 0)) return null;
        const u = a.log ? Math.log10(v) : v;
        return T + (H - T - B) * (1 - (u - a.lo) / (a.hi - a.lo));
      }
      const i = a.categories.findIndex(c => c === v), n = a.categories.length;
      return i < 0 ? null : T + (H - T - B) * (n === 1 ? 0.5 : 1 - i / (n - 1));
    };
    const objective = axes[axes.length - 1];
    const better = d.summary.direction === "minimize" ? v => (objective.hi - v) / (objective.hi - objective.lo) : v => (v - objective.lo) / (objective.hi - objective.lo);
    const svg = sv("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "parallel coordinates" });
    const rows = d.trials.filter(t => typeof t.objective === "number").sort((a, b) => better(a.objective) - better(b.objective));
    for (const t of rows) {
      const ys = axes.map(a => pos(a, value(t, a)));
      if (ys.some(v => v === null)) continue;
      const line = sv("path", { class: "pc-line", d: ys.map((v, i) => (i ? "L" : "M") + ax(i).toFixed(1) + " " + v.toFixed(1)).join(""),
        stroke: viridis(better(t.objective)), "data-trial": t.name });
      line.append(sv("title", {}, t.name + ": " + d.summary.metric + " " + fmt(t.objective)));
      svg.append(line);
    }
    axes.forEach((a, i) => {
      const g = sv("g", { class: "pc-axis axis" });
      g.append(sv("line", { x1: ax(i), x2: ax(i), y1: T, y2: H - B }));
      g.append(sv("text", { x: ax(i), y: H - 8, "text-anchor": "middle", "font-weight": "600" }, a.name + (a.log ? " (log)" : "")));
      const ticks = a.numeric ? [a.lo, (a.lo + a.hi) / 2, a.hi].map(u => [a.log ? Math.pow(10, u) : u, T + (H - T - B) * (1 - (u - a.lo) / (a.hi - a.lo))])
        : a.categories.map(c => [c, pos(a, c)]);
      for (const [label, yy] of ticks) g.append(sv("text", { x: ax(i) + 4, y: yy + 4 }, fmt(label)));
      svg.append(g);
    });
    svg.append(sv("text", { x: W - R - 90, y: 12 }, (d.summary.direction === "minimize" ? "low" : "high") + " = yellow"));
    $("parallel").replaceChildren(svg);
    if (rows.length === 0) $("parallel").append(el("p", { class: "note" }, "No trial has an objective yet."));
  }

  function renderImportance(d) {
    $("importance-method").textContent = "Over " + d.importanceTrials + " trials (few trials per level overstate importance). Method: " + d.importanceMethod;
    if (d.importance.length === 0) { $("importance").replaceChildren(el("p", { class: "note" }, "Not enough finished trials yet (at least 3 with a varying objective).")); return; }
    $("importance").replaceChildren(...d.importance.map(e => el("div", { class: "imp-row", "data-parameter": e.parameter },
      el("span", {}, e.parameter), el("div", { class: "bar" }, el("div", { style: "width:" + (e.importance * 100).toFixed(1) + "%" })),
      el("span", {}, (e.importance * 100).toFixed(0) + " %"))));
  }

  function renderTrials(d) {
    const best = d.best ? d.best.name : null;
    $("trials").tBodies[0].replaceChildren(...d.trials.map(t => el("tr", { class: "trial-row" + (t.name === best ? " best" : ""), "data-phase": t.phase },
      el("td", {}, t.index), el("td", {}, t.name), el("td", { title: t.reason || "" }, t.phase + (t.reason && t.reason !== t.phase ? " (" + t.reason + ")" : "")),
      el("td", {}, t.epoch === null ? "–" : t.epoch), el("td", {}, fmt(t.objective)),
      el("td", {}, Object.entries(t.params).map(([k, v]) => k + "=" + fmt(v)).join(", ")), el("td", { class: "mono" }, t.checkpointUri || "–"))));
  }

  function stamp(text, live) { $("updated").textContent = text; $("live").className = live ? "on" : ""; $("live").textContent = live ? "live" : ""; }

  async function tick() {
    const sweep = params.get("sweep");
    let delay = 2000;
    try {
      if (sweep) {
        const d = await getJson("api/sweeps/" + sweep.split("/").map(encodeURIComponent).join("/"));
        renderDetail(d);
        const done = TERMINAL.includes(d.summary.phase);
        delay = done ? 10000 : 2000;
        stamp("Updated " + new Date().toLocaleTimeString() + (done ? " (sweep finished)" : ""), !done);
      } else {
        renderList(await getJson("api/sweeps"));
        delay = 5000;
        stamp("Updated " + new Date().toLocaleTimeString(), true);
      }
      showError("");
    } catch (e) {
      showError(e.message);
      delay = 5000;
    }
    setTimeout(tick, delay);
  }

  if (snapshot) {
    if (snapshot.detail) renderDetail(snapshot.detail); else renderList(snapshot.sweeps || []);
    stamp("Exported " + snapshot.exported + " (static copy)", false);
  } else {
    tick();
  }
})();
