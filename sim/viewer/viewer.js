/* hubsim viewer: draws a run's vessels, queues, yards and landside flows on an offline map.
   The data is embedded in the page (#hubsim-data); plotly.js is embedded above this script.
   window.hubsimViewer exposes the state for tests: setStep(i), state(). */
(function () {
  "use strict";
  window.hubsimTimings = { start: performance.now() };
  const raw = JSON.parse(document.getElementById("hubsim-data").textContent);
  const T = raw.tables;
  const M = T.meta;
  const A = {};
  const TYPES = { f4: Float32Array, i4: Int32Array, i2: Int16Array, u1: Uint8Array };
  for (const [name, item] of Object.entries(raw.arrays)) {
    const bytes = Uint8Array.from(atob(item.b64), (c) => c.charCodeAt(0));
    A[name] = new TYPES[item.dtype](bytes.buffer);
  }
  window.hubsimTimings.decoded = performance.now();
  const TRACKS = M.aggregate === null;
  // the page's words in its language (M.i18n: English -> translation, from sim/i18n/zh.po);
  // say(text, {name: value}) fills in the fields named {name} in the text
  const L = M.i18n || {};
  const ZH = M.lang === "zh";
  function say(text, fields) {
    const said = L[text] || text;
    return fields ? said.replace(/\{(\w+)\}/g, (m, k) => (k in fields ? fields[k] : m)) : said;
  }
  const STEPS = M.steps;
  const STATES = [
    ["sailing", "#1f77b4"],
    ["waiting at a lock", "#ff7f0e"],
    ["in a lock", "#08306b"],
    ["waiting for a berth", "#e377c2"],
    ["at a berth", "#d62728"],
  ];
  const CLASS_COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02",
    "#a6761d", "#666666", "#1f78b4", "#b2df8a"];
  const STOP = { entry: 0, pass: 1, lock: 2, unmodelled: 3, berth: 4, exit: 5 };
  const P = T.places;
  const LINKS = T.links;
  const RES = T.resources;
  const gd = document.getElementById("map");
  const chart = document.getElementById("chart");

  // ---------------------------------------------------------------- time and formatting
  function hourOf(step) { return M.start_h + step * M.step_h; }
  function dateOf(hour) { return new Date(M.origin_ms + hour * 3600e3); }
  function pad(n) { return String(n).padStart(2, "0"); }
  function day(hour) {
    const d = dateOf(hour);
    if (ZH) return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  }
  function stamp(hour) {
    const d = dateOf(hour);
    return `${day(hour)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  }
  function isoStamp(hour) {
    // the chart's x values: plotly reads dates as YYYY-MM-DD HH:MM in every language
    const d = dateOf(hour);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
      `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  }
  const WEEKDAYS = ZH ? ["周日", "周一", "周二", "周三", "周四", "周五", "周六"]
    : ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  function fmt(v, digits) {
    if (v === null || v === undefined || !isFinite(v)) return "-";
    return Number(v).toLocaleString(ZH ? "zh-CN" : "en-US", { maximumFractionDigits: digits ?? 0,
      minimumFractionDigits: digits ?? 0 });
  }
  function esc(s) {
    return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;",
      '"': "&quot;" }[c]));
  }

  // ---------------------------------------------------------------- geometry
  function pointOnLink(li, fraction, forward) {
    const link = LINKS[li];
    let f = Math.min(1, Math.max(0, fraction));
    if (!forward) f = 1 - f;
    const cum = link.cum;
    let k = 1;
    while (k < cum.length - 1 && cum[k] < f) k++;
    const span = cum[k] - cum[k - 1];
    const u = span > 0 ? (f - cum[k - 1]) / span : 0;
    return [link.x[k - 1] + u * (link.x[k] - link.x[k - 1]),
      link.y[k - 1] + u * (link.y[k] - link.y[k - 1])];
  }
  function linkMiddle(li) { return pointOnLink(li, 0.5, true); }

  // ---------------------------------------------------------------- filters
  const FILTER = {
    layers: { vessels: true, queues: true, yards: true, trucks: true, trains: true, air: true,
      labels: true },
    commodity: new Set(T.commodities.map((_, i) => i).concat([-1])),
    area: new Set(T.areas.map((_, i) => i).concat([-1])),
    colourBy: "state",
  };
  function checkbox(parent, label, checked, onChange, swatch) {
    const l = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = checked;
    box.addEventListener("change", () => onChange(box.checked));
    l.appendChild(box);
    if (swatch) {
      const s = document.createElement("span");
      s.className = "swatch";
      s.style.background = swatch;
      l.appendChild(s);
    }
    l.appendChild(document.createTextNode(label));
    parent.appendChild(l);
    return box;
  }
  function buildFilters() {
    const layers = document.getElementById("layers");
    const names = TRACKS
      ? [["vessels", say("Vessels (inland waterways, sea)")], ["queues", say("Queues at locks and berths")],
        ["yards", say("Yard levels")], ["trucks", say("Trucks on roads")], ["trains", say("Trains on rail links")],
        ["air", say("Flights and drones")], ["labels", say("Names")]]
      : [["vessels", say("Vessels sailing each waterway")], ["queues", say("Queues at locks and berths")],
        ["yards", say("Yard levels")], ["trucks", say("Trucks on roads")],
        ["trains", say("Train movements on rail links")], ["air", say("Flights and drones")],
        ["labels", say("Names")]];
    for (const [key, label] of names) {
      checkbox(layers, label, FILTER.layers[key], (on) => { FILTER.layers[key] = on; redraw(); });
    }
    const commodities = document.getElementById("commodities");
    T.commodities.forEach((c, i) => checkbox(commodities, commodityWords(c), true,
      (on) => { on ? FILTER.commodity.add(i) : FILTER.commodity.delete(i); redraw(); },
      T.commodity_colours[i]));
    checkbox(commodities, say("through traffic (no call)"), true,
      (on) => { on ? FILTER.commodity.add(-1) : FILTER.commodity.delete(-1); redraw(); }, "#9e9e9e");
    const areas = document.getElementById("areas");
    T.areas.forEach((a, i) => checkbox(areas, T.area_names[a] || a, true,
      (on) => { on ? FILTER.area.add(i) : FILTER.area.delete(i); redraw(); }));
    checkbox(areas, say("through traffic (no call)"), true,
      (on) => { on ? FILTER.area.add(-1) : FILTER.area.delete(-1); redraw(); });
    document.getElementById("colourby").addEventListener("change", (e) => {
      FILTER.colourBy = e.target.value;
      legend();
      redraw();
    });
    if (!TRACKS) document.getElementById("colourby").disabled = true;
  }
  function legend() {
    const parts = [];
    if (TRACKS) {
      if (FILTER.colourBy === "state") {
        for (const [name, colour] of STATES) {
          parts.push(`<div><span class="swatch" style="background:${colour}"></span>${say(name)}</div>`);
        }
      } else if (FILTER.colourBy === "class") {
        T.classes.forEach((c, i) => parts.push(`<div><span class="swatch" style="background:` +
          `${CLASS_COLOURS[i % CLASS_COLOURS.length]}"></span>${esc(c)}</div>`));
      } else {
        parts.push(`<div class="small">${say("the colours of the commodity list below")}</div>`);
      }
    } else {
      parts.push('<div><span class="line" style="border-color:#1f77b4"></span>' +
        say("vessels sailing a waterway (mean of the step)") + "</div>");
    }
    parts.push('<div><span class="swatch" style="background:#fd8d3c"></span>' +
      say("queue: area = ships waiting; colour = share of berths or chambers in use") + "</div>");
    parts.push('<div class="gradient"></div><div class="small">0 % &nbsp;&nbsp; 50 % ' +
      "&nbsp;&nbsp; " + say("100 % in use") + "</div>");
    parts.push('<div><span class="swatch sq" style="background:#74c476"></span>' +
      say("yard: colour = fullest yard of the terminal (green empty, red full)") + "</div>");
    parts.push(`<div><span class="line" style="border-color:${T.mode_colours.road || "#999"}">` +
      "</span>" + say("trucks per hour on a road (width)") + "</div>");
    parts.push(`<div><span class="line" style="border-color:${T.mode_colours.rail || "#555"}">` +
      "</span>" + say("rail: train movements in the last 24 h") + "</div>");
    parts.push('<div><span class="swatch" style="background:#111"></span>' +
      say("train on a rail link") + " &nbsp; <span class=\"swatch\" style=\"background:#9467bd\"></span>" +
      say("flight or drone") + "</div>");
    document.getElementById("legend").innerHTML = parts.join("");
  }

  // ---------------------------------------------------------------- vessels at an instant
  const V = TRACKS ? {
    count: A.v_id.length, entry: A.v_entry, exit: A.v_exit, off: A.w_offset, place: A.w_place,
    stop: A.w_stop, arrive: A.w_arrive, serve: A.w_serve, depart: A.w_depart, link: A.w_link,
    forward: A.w_forward,
  } : null;
  const FLOWS = T.vessels.flows;
  function vesselAt(v, t) {
    // position and state of vessel v at t (hours from the window's start), or null
    const entry = V.entry[v];
    const exit = isNaN(V.exit[v]) ? Infinity : V.exit[v];
    if (!(entry <= t && t < exit)) return null;
    const a = V.off[v], b = V.off[v + 1];
    let i = a;
    while (i + 1 < b && V.arrive[i + 1] <= t) i++;
    const depart = isNaN(V.depart[i]) ? Infinity : V.depart[i];
    const place = V.place[i];
    if (t <= depart || i + 1 >= b) {
      const stop = V.stop[i];
      const waiting = !(t >= V.serve[i]);
      let state = 0;
      if (stop === STOP.lock) state = waiting ? 1 : 2;
      else if (stop === STOP.berth) state = waiting ? 3 : 4;
      return { x: P.x[place], y: P.y[place], state, place, since: t - V.arrive[i] };
    }
    const li = V.link[i];
    const next = V.arrive[i + 1];
    const fraction = next > depart ? (t - depart) / (next - depart) : 1;
    if (li < 0) return { x: P.x[place], y: P.y[place], state: 0, place };
    const [x, y] = pointOnLink(li, fraction, V.forward[i] === 1);
    return { x, y, state: 0, link: li, to: V.place[i + 1] };
  }
  function vesselVisible(v) {
    const flow = V_FLOW(v);
    const commodity = FLOWS.commodity[flow];
    const area = FLOWS.area[flow];
    return FILTER.commodity.has(commodity) && FILTER.area.has(area);
  }
  function V_FLOW(v) { return A.v_flow[v]; }
  function resId(id) {
    // a resource id; in Chinese with its place's name in place of the place id
    const head = id.split("/")[0];
    const at = P.id.indexOf(head);
    return ZH && at >= 0 ? P.name[at].split(" (")[0] + id.slice(head.length) : id;
  }
  function commodityWords(c) {
    // English: "building mat"; Chinese: the catalogue's name of "Building Mat"
    const english = c.toLowerCase().replace(/_/g, " ");
    if (!ZH) return english;
    return say(english.replace(/\b\w/g, (ch) => ch.toUpperCase()));
  }
  function vesselText(v, at) {
    const flow = V_FLOW(v);
    const cls = T.classes[A.v_class[v]];
    const commodity = FLOWS.commodity[flow] >= 0 ? T.commodities[FLOWS.commodity[flow]] : "";
    const kind = FLOWS.kind[flow];
    const dest = FLOWS.terminal[flow] >= 0 ? P.name[P.id.indexOf(T.terminals[FLOWS.terminal[flow]])]
      : say("{origin} to {destination}", { origin: FLOWS.origin[flow], destination: FLOWS.destination[flow] });
    let doing = say(STATES[at.state][0]);
    if (at.state > 0 && at.place !== undefined) {
      doing += say(" at {place}", { place: P.name[at.place].split(" (")[0] });
      if (at.state === 1 || at.state === 3) doing += say(" for {hours} h", { hours: fmt(at.since, 1) });
    } else if (at.link !== undefined) {
      doing += say(" on {corridor} towards {place}",
        { corridor: LINKS[at.link].corridor, place: P.name[at.to].split(" (")[0] });
    }
    const berthWait = A.v_berth_wait[v];
    return `<b>${esc(say("vessel {id}", { id: A.v_id[v] }))}</b> · ${esc(cls)} · ${fmt(A.v_payload[v])} t` +
      (commodity ? ` ${esc(ZH ? commodityWords(commodity) : commodity.toLowerCase())}` : "") +
      `<br>${kind === "through" ? say("through traffic") : say("calls at")} ${esc(dest)} ` +
      `(${esc(FLOWS.id[flow])})${A.v_diverted[v] ? say(", diverted") : ""}` +
      `<br>${esc(doing)}` +
      `<br>${esc(say("waits this trip: locks {hours} h", { hours: fmt(A.v_lock_wait[v], 1) }))}` +
      (isFinite(berthWait) ? esc(say(", berth {hours} h", { hours: fmt(berthWait, 1) })) : "");
  }

  // ---------------------------------------------------------------- static traces
  const traces = [];
  const index = {};
  function add(name, trace) { index[name] = traces.length; traces.push(trace); }
  const BM = T.basemap.layers;
  const basemapStyle = {
    land: ["#f3f0e6", "#d8d2bf"], island: ["#f3f0e6", "#d8d2bf"], lake: ["#b9d7ee", "#8fb9dc"],
  };
  for (const layer of ["land", "lake", "island"]) {
    if (!BM[layer]) continue;
    add(`basemap-${layer}`, { type: "scatter", mode: "lines", x: BM[layer].x, y: BM[layer].y,
      fill: "toself", fillcolor: basemapStyle[layer][0], hoverinfo: "skip",
      line: { color: basemapStyle[layer][1], width: 0.6 }, showlegend: false });
  }
  if (BM.river) {
    add("basemap-river", { type: "scatter", mode: "lines", x: BM.river.x, y: BM.river.y,
      hoverinfo: "skip", line: { color: "#9cc3e4", width: 0.9 }, showlegend: false });
  }
  const MODE_STYLE = {
    water: { color: "#4a90d9", width: 2.6, dash: "solid" },
    sea: { color: "#6baed6", width: 1.6, dash: "dash" },
    rail: { color: "#5a5a5a", width: 1.6, dash: "solid" },
    road: { color: "#c2a77f", width: 1.2, dash: "solid" },
    air: { color: "#9467bd", width: 1.4, dash: "dot" },
  };
  for (const mode of ["road", "rail", "sea", "water", "air"]) {
    const xs = [], ys = [];
    LINKS.forEach((l) => {
      if (l.mode !== mode) return;
      if (xs.length) { xs.push(null); ys.push(null); }
      xs.push(...l.x); ys.push(...l.y);
    });
    if (!xs.length) continue;
    add(`network-${mode}`, { type: "scatter", mode: "lines", x: xs, y: ys, hoverinfo: "skip",
      line: MODE_STYLE[mode], showlegend: false });
  }
  // flows drawn on links: classes of width per mode
  const FLOW_CLASSES = {
    road: { colour: "#a0522d", limits: [1, 20, 60, 150], widths: [2, 4, 7, 11], unit: "trucks/h" },
    rail: { colour: "#222222", limits: [1, 6, 15, 30], widths: [2.5, 4, 6, 9],
      unit: "train movements in 24 h" },
    water: { colour: "#08519c", limits: [0.5, 5, 15, 40], widths: [3, 5, 8, 12],
      unit: "vessels sailing" },
    sea: { colour: "#08519c", limits: [0.5, 5, 15, 40], widths: [2, 4, 6, 9],
      unit: "vessels sailing" },
    air: { colour: "#9467bd", limits: [0.05, 0.5, 2, 5], widths: [2, 3, 4, 6],
      unit: "flights under way" },
  };
  for (const mode of Object.keys(FLOW_CLASSES)) {
    FLOW_CLASSES[mode].widths.forEach((w, k) => add(`flow-${mode}-${k}`, {
      type: "scatter", mode: "lines", x: [], y: [], hoverinfo: "skip", showlegend: false,
      line: { color: FLOW_CLASSES[mode].colour, width: w }, opacity: 0.55 }));
  }
  const MIDDLES = LINKS.map((_, li) => linkMiddle(li));
  add("link-hover", { type: "scatter", mode: "markers", x: MIDDLES.map((p) => p[0]),
    y: MIDDLES.map((p) => p[1]), marker: { size: 9, opacity: 0 }, hoverinfo: "text", text: [],
    hoverlabel: { bgcolor: "#fff" }, showlegend: false });
  // places
  const PLACE_STYLE = {
    terminal: ["square", 9, "#ffffff", "#1f3b57"], lock: ["diamond", 8, "#ffffff", "#08306b"],
    gateway: ["circle", 8, "#ffffff", "#333333"], airport: ["triangle-up", 9, "#ffffff", "#6a3d9a"],
    rail_station: ["square-x", 8, "#ffffff", "#333333"],
    logistics_park: ["hexagon", 8, "#ffffff", "#666666"],
    junction: ["circle", 3, "#999999", "#999999"], hinterland: ["circle-open", 7, "#ffffff", "#999"],
  };
  for (const [kind, [symbol, size, fill, edge]] of Object.entries(PLACE_STYLE)) {
    const ids = P.kind.map((k, i) => (k === kind ? i : -1)).filter((i) => i >= 0);
    if (!ids.length) continue;
    add(`places-${kind}`, { type: "scatter", mode: "markers", x: ids.map((i) => P.x[i]),
      y: ids.map((i) => P.y[i]), text: ids.map((i) => `${esc(P.name[i])}<br>${kind.replace("_", " ")}`),
      hoverinfo: "text", marker: { symbol, size, color: fill, line: { color: edge, width: 1.5 } },
      showlegend: false });
  }
  const LABEL_COLOURS = { lake: "#1f5f99", "corridor-water": "#1f5f99", "corridor-rail": "#444444",
    "corridor-road": "#7a6446" };

  // resources grouped by what the map shows: one queue marker per lock and per terminal
  const QUEUE_SITES = [];
  const YARD_SITES = [];
  const SIDINGS = [];
  {
    const byPlace = {};
    RES.forEach((r, i) => {
      if (r.kind === "lock") QUEUE_SITES.push({ kind: "lock", place: r.place, x: r.x, y: r.y, members: [i], name: r.name });
      else if (r.kind === "berths" || r.kind === "yard" || r.kind === "gate") {
        const key = `${r.kind}|${r.place}`;
        if (!byPlace[key]) {
          byPlace[key] = { kind: r.kind, place: r.place, x: r.x, y: r.y, members: [], area: r.area,
            name: P.name[P.id.indexOf(r.place)] || r.place };
          if (r.kind === "berths") QUEUE_SITES.push(byPlace[key]);
          if (r.kind === "yard") YARD_SITES.push(byPlace[key]);
        }
        byPlace[key].members.push(i);
      } else if (r.kind === "rail") SIDINGS.push({ kind: "rail", place: r.place, x: r.x, y: r.y, members: [i], name: r.name });
    });
    for (const site of QUEUE_SITES) {
      if (site.kind !== "berths") continue;
      const gate = byPlace[`gate|${site.place}`];
      site.gate = gate ? gate.members[0] : -1;
    }
  }
  const AREA_INDEX = Object.fromEntries(T.areas.map((a, i) => [a, i]));
  function siteVisible(site) {
    if (site.kind === "lock" || site.kind === "rail") return true;
    return FILTER.area.has(AREA_INDEX[site.area] ?? -1);
  }
  const YARD_DX = 0.016;
  add("queues", { type: "scatter", mode: "markers", x: [], y: [], text: [], hoverinfo: "text",
    customdata: [], showlegend: false,
    marker: { size: [], color: [], cmin: 0, cmax: 1,
      colorscale: [[0, "#ffffcc"], [0.5, "#fd8d3c"], [1, "#bd0026"]], opacity: 0.8,
      line: { color: "#7f2704", width: 1 } } });
  add("yards", { type: "scatter", mode: "markers", x: [], y: [], text: [], hoverinfo: "text",
    customdata: [], showlegend: false,
    marker: { symbol: "square", size: 11, color: [], cmin: 0, cmax: 1,
      colorscale: [[0, "#c7e9c0"], [0.6, "#fdd049"], [1, "#cb181d"]],
      line: { color: "#444", width: 1 } } });
  add("sidings", { type: "scatter", mode: "markers+text", x: [], y: [], text: [], hovertext: [],
    hoverinfo: "text", customdata: [], textposition: "bottom center", showlegend: false,
    textfont: { size: 10, color: "#222" },
    marker: { symbol: "square-x", size: 12, color: "#fff", line: { color: "#111", width: 1.5 } } });
  add("trains", { type: "scatter", mode: "markers", x: [], y: [], text: [], hoverinfo: "text",
    showlegend: false, marker: { symbol: "square", size: 8, color: "#111" } });
  add("air", { type: "scatter", mode: "markers", x: [], y: [], text: [], hoverinfo: "text",
    showlegend: false, marker: { symbol: "triangle-right", size: 9, color: "#9467bd" } });
  for (let s = 0; s < STATES.length; s++) {
    add(`vessels-${s}`, { type: "scatter", mode: "markers", x: [], y: [], text: [], name: STATES[s][0],
      meta: "vessels", hoverinfo: "text", showlegend: false,
      marker: { size: 7, color: STATES[s][1], line: { color: "rgba(255,255,255,.8)", width: 0.6 } } });
  }
  add("pathless", { type: "scatter", mode: "markers", x: [], y: [], text: [], meta: "vessels",
    hoverinfo: "text", showlegend: false, marker: { size: 7, color: "#999", symbol: "x" } });
  add("selected", { type: "scatter", mode: "markers", x: [], y: [], hoverinfo: "skip",
    showlegend: false, marker: { size: 34, color: "rgba(0,0,0,0)", line: { color: "#000", width: 2.5 } } });

  // ---------------------------------------------------------------- views
  const VIEWS = {
    hub: [118.45, 119.45, 32.95, 33.85],
    canal: [117.8, 120.0, 32.15, 34.45],
    region: [116.5, 122.7, 30.45, 35.3],
  };
  const COS = Math.cos(33.2 * Math.PI / 180);
  const layout = {
    margin: { l: 46, r: 8, t: 8, b: 30 },
    paper_bgcolor: "#ffffff", plot_bgcolor: "#d5e6f3",
    xaxis: { range: VIEWS.canal.slice(0, 2), showgrid: false, zeroline: false, ticksuffix: "°E" },
    yaxis: { range: VIEWS.canal.slice(2), showgrid: false, zeroline: false, ticksuffix: "°N",
      scaleanchor: "x", scaleratio: 1 / COS },
    hovermode: "closest", dragmode: "pan", showlegend: false,
    uirevision: "map",
  };

  // ---------------------------------------------------------------- per-step update
  let step = 0;
  let drawn = 0;
  function series(r, name, s) {
    const a = A[`r${r}_${name}`];
    return a ? a[s] : NaN;
  }
  function peak(r, name, s) {
    const a = A[`r${r}_${name}_max`];
    return a ? a[s] : NaN;
  }
  // marker area grows with the queue; capped so that a long queue does not hide its neighbours
  function queueSize(n) { return Math.min(44, 7 + 4 * Math.sqrt(Math.max(0, n))); }
  function siteState(site, s) {
    let queue = 0, inside = 0, capacity = 0;
    for (const r of site.members) {
      queue += series(r, "queue", s) || 0;
      inside += series(r, "inside", s) || 0;
      capacity += series(r, "capacity", s) || 0;
    }
    return { queue, inside, capacity, use: capacity > 0 ? Math.min(1, inside / capacity) : 0 };
  }
  const AGG_NOTE = TRACKS ? "" : (M.aggregate === "daily" ? " (mean of the day, largest)" : "");
  function siteText(site, s) {
    const rows = [`<b>${esc(site.name.split(" (")[0])}</b>`];
    for (const r of site.members) {
      const res = RES[r];
      const q = series(r, "queue", s), n = series(r, "inside", s), c = series(r, "capacity", s);
      const label = site.kind === "lock" ? say("in a chamber") : say("at a berth");
      let line = esc(say("{resource}: {waiting} waiting, {inside} {where} of {capacity} {unit}", {
        resource: resId(res.id), waiting: fmt(q, TRACKS ? 0 : 1), inside: fmt(n, TRACKS ? 0 : 1),
        where: label, capacity: fmt(c), unit: say(res.unit) }));
      if (M.aggregate === "daily") line += esc(say(" (largest queue {n})", { n: fmt(peak(r, "queue", s)) }));
      rows.push(line);
    }
    if (site.gate >= 0) {
      rows.push(esc(say("truck gate: {trucks} trucks in the hour (capacity {capacity} an open hour)",
        { trucks: fmt(series(site.gate, "flow", s), 0), capacity: fmt(RES[site.gate].capacity) })));
    }
    rows.push(`<span style="color:#666">${say("click for its queue over time")}</span>`);
    return rows.join("<br>");
  }
  function yardState(site, s) {
    let fullest = 0;
    const rows = [`<b>${esc(say("{place}: yards", { place: site.name.split(" (")[0] }))}</b>`];
    for (const r of site.members) {
      const res = RES[r];
      const level = series(r, "level", s);
      const share = res.capacity > 0 ? level / res.capacity : 0;
      fullest = Math.max(fullest, share);
      rows.push(`${esc(res.id.split("/").pop())} (${esc(say(res.cargo.replace("_", " ")))}): ` +
        esc(say("{level} t of {capacity} t ({share} %)",
          { level: fmt(level), capacity: fmt(res.capacity), share: fmt(100 * share) })));
    }
    return { fullest, text: rows.join("<br>") };
  }
  function linkFlow(li, s) {
    const a = A.link_flow;
    return a ? a[li * STEPS + s] : 0;
  }
  function update(s) {
    step = s;
    const t = hourOf(s) - M.start_h;
    const upd = {};
    function set(name, values) { upd[index[name]] = values; }
    // flows on links
    const classes = {};
    for (const mode of Object.keys(FLOW_CLASSES)) {
      classes[mode] = FLOW_CLASSES[mode].widths.map(() => ({ x: [], y: [] }));
    }
    const hover = [];
    LINKS.forEach((link, li) => {
      const v = linkFlow(li, s);
      const spec = FLOW_CLASSES[link.mode];
      let text = `<b>${esc(link.corridor)}</b> (${esc(link.id)}, ${fmt(link.length_km)} km)`;
      if (spec) text += `<br>${fmt(v, v < 10 ? 1 : 0)} ${spec.unit}${AGG_NOTE}`;
      hover.push(text);
      const layerOn = { road: "trucks", rail: "trains", water: "vessels", sea: "vessels", air: "air" }[link.mode];
      const drawFlow = spec && FILTER.layers[layerOn] && (link.mode === "road" || link.mode === "rail" ||
        link.mode === "air" || !TRACKS);
      if (!drawFlow || !(v >= spec.limits[0])) return;
      let k = 0;
      while (k + 1 < spec.limits.length && v >= spec.limits[k + 1]) k++;
      const target = classes[link.mode][k];
      if (target.x.length) { target.x.push(null); target.y.push(null); }
      target.x.push(...link.x); target.y.push(...link.y);
    });
    for (const mode of Object.keys(FLOW_CLASSES)) {
      classes[mode].forEach((c, k) => set(`flow-${mode}-${k}`, { x: c.x, y: c.y }));
    }
    set("link-hover", { text: hover });
    // queues
    const q = { x: [], y: [], text: [], customdata: [], size: [], color: [] };
    if (FILTER.layers.queues) {
      QUEUE_SITES.forEach((site, k) => {
        if (!siteVisible(site)) return;
        const st = siteState(site, s);
        q.x.push(site.x); q.y.push(site.y); q.text.push(siteText(site, s));
        q.customdata.push(`q${k}`); q.size.push(queueSize(st.queue)); q.color.push(st.use);
      });
    }
    set("queues", { x: q.x, y: q.y, text: q.text, customdata: q.customdata,
      "marker.size": q.size, "marker.color": q.color });
    const y = { x: [], y: [], text: [], customdata: [], color: [] };
    if (FILTER.layers.yards) {
      YARD_SITES.forEach((site, k) => {
        if (!siteVisible(site)) return;
        const st = yardState(site, s);
        y.x.push(site.x + YARD_DX); y.y.push(site.y - YARD_DX * 0.6); y.text.push(st.text);
        y.customdata.push(`y${k}`); y.color.push(st.fullest);
      });
    }
    set("yards", { x: y.x, y: y.y, text: y.text, customdata: y.customdata, "marker.color": y.color });
    const sd = { x: [], y: [], text: [], hovertext: [], customdata: [] };
    if (FILTER.layers.trains) {
      SIDINGS.forEach((site, k) => {
        const r = site.members[0];
        const loading = series(r, "inside", s), departed = series(r, "flow", s);
        sd.x.push(site.x); sd.y.push(site.y); sd.customdata.push(`s${k}`);
        sd.text.push("");
        sd.hovertext.push(`<b>${esc(RES[r].name)}</b><br>` +
          esc(say("{loading} trains loading; {departed} departed in the last 24 h",
            { loading: fmt(loading, TRACKS ? 0 : 1), departed: fmt(departed, TRACKS ? 0 : 1) })));
      });
    }
    set("sidings", { x: sd.x, y: sd.y, text: sd.text, hovertext: sd.hovertext, customdata: sd.customdata });
    // trains moving along rail links
    const tr = { x: [], y: [], text: [] };
    if (TRACKS && FILTER.layers.trains && A.t_link) {
      for (let i = 0; i < A.t_link.length; i++) {
        const start = A.t_start[i];
        const visibleFor = Math.max(A.t_run[i], M.step_h);
        if (!(start <= t && t < start + visibleFor)) continue;
        const li = A.t_link[i];
        const [px, py] = pointOnLink(li, (t - start) / A.t_run[i], A.t_forward[i] === 1);
        tr.x.push(px); tr.y.push(py);
        tr.text.push(`<b>${say("train")}</b> ` +
          esc(say("on {corridor} ({link})", { corridor: LINKS[li].corridor, link: LINKS[li].id })) +
          "<br>" + esc(say("entered the line {when}, {minutes} min to run it",
            { when: stamp(M.start_h + start), minutes: fmt(A.t_run[i] * 60) })) +
          '<br><span style="color:#666">' + say("the records say when a train takes the line " +
          "(laden run, then its empty return), not which way: drawn alternating") + "</span>");
      }
    }
    set("trains", tr);
    // drones and aircraft: flights under way spread along each air link
    const air = { x: [], y: [], text: [] };
    if (FILTER.layers.air) {
      LINKS.forEach((link, li) => {
        if (link.mode !== "air") return;
        const v = linkFlow(li, s);
        const n = Math.round(v);
        for (let k = 0; k < n; k++) {
          const [px, py] = pointOnLink(li, (k + 0.5) / n, true);
          air.x.push(px); air.y.push(py);
          air.text.push(`<b>${esc(link.corridor)}</b><br>` + esc(say("{n} flights under way " +
            "(flights in the hour x flight time, spaced evenly)", { n: fmt(v, 1) })));
        }
      });
    }
    set("air", air);
    // vessels
    let count = 0;
    drawn = 0;
    if (TRACKS) {
      const byState = STATES.map(() => ({ x: [], y: [], text: [], color: [] }));
      for (let v = 0; v < V.count; v++) {
        const at = vesselAt(v, t);
        if (!at) continue;
        count++;
        if (!FILTER.layers.vessels || !vesselVisible(v)) continue;
        const target = byState[at.state];
        target.x.push(at.x); target.y.push(at.y); target.text.push(vesselText(v, at));
        if (FILTER.colourBy === "commodity") {
          const c = FLOWS.commodity[V_FLOW(v)];
          target.color.push(c >= 0 ? T.commodity_colours[c] : "#9e9e9e");
        } else if (FILTER.colourBy === "class") {
          target.color.push(CLASS_COLOURS[A.v_class[v] % CLASS_COLOURS.length]);
        }
        drawn++;
      }
      byState.forEach((b, k) => {
        const colour = FILTER.colourBy === "state" ? STATES[k][1] : b.color;
        set(`vessels-${k}`, { x: b.x, y: b.y, text: b.text, "marker.color": colour });
      });
      const pl = { x: [], y: [], text: [] };
      for (let i = 0; i < (A.p_entry ? A.p_entry.length : 0); i++) {
        const exit = isNaN(A.p_exit[i]) ? Infinity : A.p_exit[i];
        if (!(A.p_entry[i] <= t && t < exit)) continue;
        count++;
        if (A.p_place[i] < 0 || !FILTER.layers.vessels) continue;
        pl.x.push(P.x[A.p_place[i]]); pl.y.push(P.y[A.p_place[i]]);
        pl.text.push(say("a vessel without a path on the map, drawn at its terminal"));
        drawn++;
      }
      set("pathless", pl);
    }
    const drawing = apply(upd);
    // header
    const hour = hourOf(s);
    const inSystem = A.total_in_system[s];
    const d = dateOf(hour);
    document.getElementById("when").textContent = TRACKS || M.aggregate === "hourly"
      ? `${WEEKDAYS[d.getUTCDay()]} ${stamp(hour)}`
      : `${WEEKDAYS[d.getUTCDay()]} ${day(hour)}`;
    document.getElementById("counts").textContent = TRACKS
      ? say("vessels in the system: {n}", { n: fmt(inSystem) }) +
        (drawn !== inSystem ? say(" (drawn with the filters: {n})", { n: fmt(drawn) }) : "")
      : say("vessels in the system: {n}", { n: fmt(inSystem, M.aggregate === "daily" ? 0 : 0) }) +
        (M.aggregate === "daily" ? say(" (mean of the day; largest {n})", { n: fmt(A.total_in_system_max[s]) }) : "");
    state.count = count;
    document.getElementById("slider").value = String(s);
    moveChartCursor();
    showSelected();
    return drawing;
  }
  function nested(values) {
    const out = {};
    for (const [key, value] of Object.entries(values)) {
      if (key.startsWith("marker.")) (out.marker = out.marker || {})[key.slice(7)] = value;
      else out[key] = value;
    }
    return out;
  }
  function apply(upd) {
    // the changed traces only, without a full redraw (plotly's animation path)
    const ids = Object.keys(upd).map(Number);
    if (!ids.length) return Promise.resolve();
    return Plotly.animate(gd, { data: ids.map((id) => nested(upd[id])), traces: ids },
      { transition: { duration: 0 }, frame: { duration: 0, redraw: false }, mode: "immediate" });
  }
  function restyle(upd) {
    // a change of what a trace is (labels placed anew): a redraw, after any step drawing
    let chain = Promise.resolve();
    for (const [id, values] of Object.entries(upd)) {
      const attr = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, [v]]));
      chain = chain.then(() => Plotly.restyle(gd, attr, [Number(id)]));
    }
    return chain;
  }

  // ---------------------------------------------------------------- labels that fit
  const CANDIDATES = [
    ["middle right", 1, 0], ["middle left", -1, 0], ["top center", 0, -1], ["bottom center", 0, 1],
    ["top right", 1, -1], ["bottom right", 1, 1], ["top left", -1, -1], ["bottom left", -1, 1],
  ];
  function placeLabels() {
    // greedy: names by priority, each at the first of eight places around its point that
    // overlaps no name or place already drawn; drawn as annotations (pixel offsets)
    const full = gd._fullLayout;
    if (!full || !full.xaxis) return Promise.resolve();
    const xa = full.xaxis, ya = full.yaxis;
    const px = (x) => xa.l2p(x), py = (y) => ya.l2p(y);
    const width = xa._length, height = ya._length;
    const order = T.labels.map((l, i) => i).sort((a, b) => T.labels[a].priority - T.labels[b].priority);
    const boxes = [];
    P.kind.forEach((kind, i) => {
      if (kind === "junction" || kind === "hinterland") return;
      const x = px(P.x[i]), y = py(P.y[i]);
      boxes.push([x - 7, y - 7, x + 7, y + 7]);
    });
    const overlaps = (b) => boxes.some((o) => b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]);
    const annotations = [];
    if (FILTER.layers.labels) {
      for (const i of order) {
        const label = T.labels[i];
        const x = px(label.x), y = py(label.y);
        if (!(x >= 0 && x <= width && y >= 0 && y <= height)) continue;
        const w = label.text.length * 6.6 + 4, h = 14;
        const anchored = label.anchor === true;
        const tries = anchored ? CANDIDATES : [["middle center", 0, 0], ...CANDIDATES];
        const gap = anchored ? 9 : 3;
        for (const [, dx, dy] of tries) {
          const cx = x + dx * (w / 2 + gap), cy = y + dy * (h / 2 + gap);
          const b = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
          if (b[0] < 0 || b[2] > width || b[1] < 0 || b[3] > height || overlaps(b)) continue;
          boxes.push(b);
          annotations.push({ x: label.x, y: label.y, xref: "x", yref: "y", text: esc(label.text),
            showarrow: false, xanchor: dx > 0 ? "left" : dx < 0 ? "right" : "center",
            yanchor: dy < 0 ? "bottom" : dy > 0 ? "top" : "middle", xshift: dx * gap, yshift: -dy * gap,
            font: { size: 11, color: LABEL_COLOURS[label.kind] || "#1a1a1a" },
            bgcolor: anchored ? "rgba(255,255,255,0.55)" : "rgba(0,0,0,0)", borderpad: 0,
            captureevents: false });
          break;
        }
      }
    }
    placing = true;
    return Plotly.relayout(gd, { annotations }).finally(() => { placing = false; });
  }
  let placing = false;

  // ---------------------------------------------------------------- selection and chart
  let selected = null;
  function selectSite(tag) {
    const kind = tag[0];
    const k = Number(tag.slice(1));
    const site = kind === "q" ? QUEUE_SITES[k] : kind === "y" ? YARD_SITES[k] : SIDINGS[k];
    selected = { tag, site, kind };
    drawChart();
    showSelected();
    return apply({ [index.selected]: { x: [site.x + (kind === "y" ? YARD_DX : 0)],
      y: [site.y - (kind === "y" ? YARD_DX * 0.6 : 0)] } });
  }
  function stepDates() {
    const out = [];
    for (let s = 0; s < STEPS; s++) out.push(isoStamp(hourOf(s)));
    return out;
  }
  const DATES = stepDates();
  function drawChart() {
    if (!selected) {
      Plotly.react(chart, [], { margin: { l: 50, r: 50, t: 26, b: 30 },
        title: { text: say("click a lock, berths, a yard or a rail siding on the map"), font: { size: 12 } },
        xaxis: { visible: false }, yaxis: { visible: false } }, { displaylogo: false, responsive: true });
      return;
    }
    const { site, kind } = selected;
    const data = [];
    const palette = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2"];
    let title = site.name.split(" (")[0];
    let yTitle = "";
    site.members.forEach((r, k) => {
      const res = RES[r];
      const colour = palette[k % palette.length];
      const label = site.members.length > 1 ? `${res.id.split("/").pop()} ` : "";
      if (kind === "y") {
        const level = Array.from(A[`r${r}_level`], (v) => (100 * v) / Math.max(1, res.capacity));
        data.push({ x: DATES, y: level, name: label + say("fill %"), line: { color: colour, width: 1.5 } });
        yTitle = say("yard fill (% of capacity)");
        title = say("{place}: yards", { place: title });
      } else if (kind === "s") {
        data.push({ x: DATES, y: Array.from(A[`r${r}_inside`]), name: say("trains loading"), line: { color: colour } });
        data.push({ x: DATES, y: Array.from(A[`r${r}_flow`]), name: say("trains departed in 24 h"),
          line: { color: "#555", dash: "dot" } });
        yTitle = say("trains");
      } else {
        data.push({ x: DATES, y: Array.from(A[`r${r}_queue`]), name: label + say("ships waiting"),
          line: { color: colour, width: 1.6 } });
        if (M.aggregate === "daily") {
          data.push({ x: DATES, y: Array.from(A[`r${r}_queue_max`]), name: label + say("largest queue"),
            line: { color: colour, width: 0.8, dash: "dot" } });
        }
        const cap = A[`r${r}_capacity`], inside = A[`r${r}_inside`];
        data.push({ x: DATES, y: Array.from(inside, (v, i) => (cap[i] > 0 ? (100 * v) / cap[i] : null)),
          name: label + (kind === "q" && site.kind === "lock" ? say("% chambers in use") : say("% berths in use")),
          yaxis: "y2", line: { color: colour, width: 1, dash: "dash" }, opacity: 0.7,
          visible: STEPS > 1000 ? "legendonly" : true });
        yTitle = say("ships waiting");
      }
    });
    // whole ships on the axis of a short queue (no tick at half a ship)
    let most = 0;
    data.forEach((d) => { if (d.yaxis !== "y2") d.y.forEach((v) => { if (v > most) most = v; }); });
    const lay = {
      margin: { l: 52, r: 52, t: 24, b: 28 },
      title: { text: `${esc(title)}${TRACKS ? "" : (M.aggregate === "daily" ? say(" (daily means)") : "")}`,
        font: { size: 12 }, x: 0.01, xanchor: "left" },
      // Chinese dates on the axis (plotly's own month names are English)
      xaxis: ZH ? { type: "date", tickformat: "%-m月%-d日 %H:%M", hoverformat: "%Y年%-m月%-d日 %H:%M" }
        : { type: "date" },
      yaxis: { title: { text: yTitle, font: { size: 11 } }, rangemode: "tozero",
        dtick: kind !== "y" && most <= 6 ? 1 : undefined,
        range: kind === "y" ? [0, 105] : most <= 6 ? [0, Math.max(1, most) + 0.3] : undefined },
      yaxis2: { overlaying: "y", side: "right", range: [0, 105], showgrid: false, dtick: 25,
        title: { text: say("% in use"), font: { size: 11 } }, visible: kind === "q" },
      legend: { orientation: "h", x: 1, xanchor: "right", y: 1.02, yanchor: "bottom", font: { size: 10 } },
      shapes: [cursorShape()],
      hovermode: "x unified",
    };
    Plotly.react(chart, data.map((d) => ({ type: "scatter", mode: "lines", ...d })), lay,
      { displaylogo: false, responsive: true });
  }
  function cursorShape() {
    return { type: "line", xref: "x", yref: "paper", x0: DATES[step], x1: DATES[step], y0: 0, y1: 1,
      line: { color: "#000", width: 1 } };
  }
  function moveChartCursor() {
    if (selected && chart.layout) Plotly.relayout(chart, { shapes: [cursorShape()] });
  }
  function showSelected() {
    const box = document.getElementById("selected");
    if (!selected) return;
    const { site, kind } = selected;
    let html = `<b>${esc(site.name.split(" (")[0])}</b><table>`;
    for (const r of site.members) {
      const res = RES[r];
      if (kind === "y") {
        html += `<tr><td>${esc(res.id.split("/").pop())}</td><td class="n">${fmt(series(r, "level", step))} t</td>` +
          `<td class="n">${fmt(100 * series(r, "level", step) / Math.max(1, res.capacity))} %</td></tr>`;
      } else if (kind === "s") {
        html += `<tr><td>${say("trains loading")}</td><td class="n">${fmt(series(r, "inside", step), 1)}</td></tr>` +
          `<tr><td>${say("departed in 24 h")}</td><td class="n">${fmt(series(r, "flow", step), 1)}</td></tr>`;
      } else {
        html += `<tr><td>${esc(res.id.split("/").pop())}</td><td class="n">${esc(say("{n} waiting", { n: fmt(series(r, "queue", step), TRACKS ? 0 : 1) }))}</td>` +
          `<td class="n">${fmt(series(r, "inside", step), TRACKS ? 0 : 1)}/${fmt(series(r, "capacity", step))} ${esc(say(res.unit))}</td></tr>`;
      }
    }
    box.innerHTML = `${html}</table>`;
  }

  // ---------------------------------------------------------------- playback
  let timer = null;
  function play(on) {
    const button = document.getElementById("play");
    if (on && timer === null) {
      const rate = Number(document.getElementById("speed").value);
      timer = setInterval(() => update((step + 1) % STEPS), 1000 / rate);
      button.innerHTML = "&#10074;&#10074; " + say("Pause");
    } else if (!on && timer !== null) {
      clearInterval(timer);
      timer = null;
      button.innerHTML = "&#9654; " + say("Play");
    }
  }
  function redraw() { return update(step).then(placeLabels); }

  // ---------------------------------------------------------------- start
  document.getElementById("title").textContent = M.title;
  const slider = document.getElementById("slider");
  slider.max = String(STEPS - 1);
  slider.addEventListener("input", () => update(Number(slider.value)));
  document.getElementById("play").addEventListener("click", () => play(timer === null));
  document.getElementById("speed").addEventListener("change", () => { if (timer !== null) { play(false); play(true); } });
  document.addEventListener("keydown", (e) => {
    if (e.target.tagName === "SELECT" || e.target.tagName === "INPUT" && e.target.type !== "range") return;
    if (e.key === " ") { e.preventDefault(); play(timer === null); }
    if (e.key === "ArrowRight") update(Math.min(STEPS - 1, step + 1));
    if (e.key === "ArrowLeft") update(Math.max(0, step - 1));
  });
  document.querySelectorAll("#viewbuttons button").forEach((b) => b.addEventListener("click", () => {
    const v = VIEWS[b.dataset.view];
    Plotly.relayout(gd, { "xaxis.range": v.slice(0, 2), "yaxis.range": v.slice(2) });
  }));
  const about = [
    esc(say("{scenario}, replication {replication} of {replications} (seed {seed}).",
      { scenario: M.scenario, replication: M.replication + 1, replications: M.replications, seed: M.seed })),
    TRACKS ? say("Every vessel from {start} to {end}, a step every {minutes} min.",
      { start: stamp(M.start_h), end: stamp(M.end_h), minutes: fmt(M.step_h * 60) })
      : (M.aggregate === "daily"
        ? say("Daily aggregates from {start} to {end}", { start: day(M.start_h), end: day(M.end_h) })
        : say("Hourly aggregates from {start} to {end}", { start: day(M.start_h), end: day(M.end_h) })) +
        say(" (instants every hour, averaged over each step)."),
    T.vessels.pathless ? say("{n} vessels have no path on the map (drawn at their terminal).", { n: T.vessels.pathless }) : "",
    say("Vessels sail their itinerary between the recorded moments (entry, locks, berth, exit), " +
      "shared between the links by length and speed."),
    esc(say("Basemap: {basemap}. Network: hubsim data/ports. Drawn with plotly.js {version} (MIT).",
      { basemap: T.basemap.source, version: M.plotly_js })),
    esc(say("Written {when} from {source}.", { when: M.generated, source: M.source })),
  ];
  document.getElementById("about").innerHTML = about.filter(Boolean).map((p) => `<p>${p}</p>`).join("");
  buildFilters();
  legend();
  const state = {
    ready: false, count: 0,
    setStep: (s) => update(Math.max(0, Math.min(STEPS - 1, s))),
    steps: STEPS,
  };
  window.hubsimViewer = {
    // a promise of the state once the step is drawn
    setStep: (s) => state.setStep(s).then(() => window.hubsimViewer.state()),
    state: () => {
      const vessels = traces.map((_, i) => i).filter((i) => gd.data[i].meta === "vessels");
      const xs = [], ys = [];
      for (const i of vessels) { xs.push(...gd.data[i].x); ys.push(...gd.data[i].y); }
      return { ready: state.ready, step, steps: STEPS, hour: hourOf(step), inSystem: A.total_in_system[step],
        counted: state.count, drawn: xs.length, x: xs, y: ys, tracks: TRACKS };
    },
    select: (tag) => selectSite(tag),
    _index: index,
  };
  Plotly.newPlot(gd, traces, layout, { displaylogo: false, scrollZoom: true, responsive: true,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"] }).then(() => {
    gd.on("plotly_click", (event) => {
      const point = event.points && event.points[0];
      if (point && typeof point.customdata === "string") selectSite(point.customdata);
    });
    gd.on("plotly_relayout", (e) => {
      if (placing || !e || e.annotations) return;
      if (e["xaxis.range[0]"] !== undefined || e["xaxis.range"] || e["xaxis.autorange"] ||
        e["yaxis.range[0]"] !== undefined || e.width || e.height) placeLabels();
    });
    window.addEventListener("resize", () => setTimeout(placeLabels, 100));
    window.hubsimTimings.plotted = performance.now();
    return update(0);
  }).then(() => {
    window.hubsimTimings.updated = performance.now();
    const first = QUEUE_SITES.findIndex((site) => site.members.some((r) => RES[r].id === M.first_bottleneck));
    return selectSite(`q${first >= 0 ? first : 0}`);
  }).then(() => new Promise((resolve) => setTimeout(resolve, 0))).then(() => {
    window.hubsimTimings.selected = performance.now();
    return placeLabels();
  }).then(() => {
    state.ready = true;
    window.hubsimTimings.ready = performance.now();
  });
})();
