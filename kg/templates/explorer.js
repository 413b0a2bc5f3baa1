// The explorer page. Everything from the data reaches the page through textContent or as
// vis-network data drawn on a canvas, never as HTML. Links accept http(s) addresses only.
"use strict";

const ESTABLISHED = "#6e7781";
const DEBATED = "#cf222e";
const DIMMED = 0.15;
const LABEL_ABOVE = -(2 * DATA.nodeSize + 1.3 * DATA.font + 10);

const byId = new Map(DATA.nodes.map((n) => [n.id, n]));
let detailsCache;
// definitions, names, identifiers, notes and sources, parsed on first use
function detailsData() {
  if (!detailsCache) detailsCache = JSON.parse(document.getElementById("details-data").textContent);
  return detailsCache;
}
const nodeDetails = (id) => detailsData().nodes[id];
const edgeDetails = (id) => detailsData().edges[id];
const edgeById = new Map(DATA.edges.map((e) => [e.id, e]));
const bySlug = new Map();
DATA.nodes.forEach((n) => { if (!bySlug.has(n.slug)) bySlug.set(n.slug, n.id); });
const outgoing = new Map();
const incoming = new Map();
DATA.edges.forEach((e) => {
  if (!outgoing.has(e.from)) outgoing.set(e.from, []);
  outgoing.get(e.from).push(e);
  if (!incoming.has(e.to)) incoming.set(e.to, []);
  incoming.get(e.to).push(e);
});
// "1 concept", "2 concepts": a focused page may hold one
const counted = (count, noun) => count + " " + noun + (count === 1 ? "" : "s");

// a picker's options: the given concepts by label, each worded by `text`
function fillSelect(select, ids, text) {
  ids.map((id) => byId.get(id)).sort((a, b) => a.label.localeCompare(b.label)).forEach((n) => {
    const option = el("option", text(n));
    option.value = n.id;
    select.append(option);
  });
  return select;
}

// the mechanism view shows one drug's paths at a time, the one picked in #drug
const drugSelect = fillSelect(document.getElementById("drug"), Object.keys(DATA.views.mechanism),
  (n) => n.label + " (" + counted(DATA.paths.filter((p) => p.drug === n.id).length, "path") + ")");
// the drug whose account is best supported first (the paths come in that order)
drugSelect.value = DATA.paths.length ? DATA.paths[0].drug : "";
const VIEWS = {
  get mechanism() { return DATA.views.mechanism[drugSelect.value] || null; },
  treatments: DATA.views.treatments,
  everything: null,
};
const state = {
  groups: new Set(DATA.groups.map((_, i) => i)),
  claimGroups: new Set(DATA.claimGroups.map((_, i) => i)),
  hideDebated: false,
  view: DATA.paths.length ? "mechanism" : "everything",
  viewNodes: null, // null: every node
  viewEdges: null,
  selected: null,
  route: null,
  drawn: null, // the view whose positions the nodes have now
};

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function link(text, url) {
  if (!url || !/^https?:\/\//i.test(url)) return el("span", text);
  const a = el("a", text);
  a.href = url;
  a.target = "_blank";
  a.rel = "noopener noreferrer";
  return a;
}

// ---- the network ----------------------------------------------------------------------------

function viewPosition(view, node) {
  const positions = VIEWS[view] && VIEWS[view].positions[node.id];
  if (positions) return { x: positions[0], y: positions[1], above: positions[2] };
  return { x: node.x, y: node.y, above: false };
}

// colour and shape come from vis-network groups, and only what differs from the defaults is
// set on an item, so that thousands of items are created quickly
function visNode(n, view) {
  const at = viewPosition(view, n);
  const node = { id: n.id, label: n.label, title: n.label + " (" + n.category + ")",
    x: at.x, y: at.y, group: "g" + n.group };
  if (at.above) node.font = { vadjust: LABEL_ABOVE };
  return node;
}

const visGroups = Object.fromEntries(DATA.groups.map((g, i) => ["g" + i, {
  shape: g.shape, color: { background: g.colour, border: g.colour },
}]));

const nodes = new vis.DataSet(DATA.nodes.map((n) => visNode(n, state.view)));
const edges = new vis.DataSet(DATA.edges.map((e) => {
  const edge = { id: e.id, from: e.from, to: e.to,
    title: byId.get(e.from).label + " " + e.label + " " + byId.get(e.to).label };
  if (e.status === "debated") {
    edge.title += " (debated)";
    edge.dashes = true;
    edge.color = { color: DEBATED, highlight: DEBATED };
  }
  return edge;
}));

function setViewMembers() {
  const view = VIEWS[state.view];
  state.viewNodes = view ? new Set(Object.keys(view.positions)) : null;
  state.viewEdges = view ? new Set(view.edges) : null;
  const condition = document.getElementById("condition").value;
  if (state.view === "treatments" && condition) {
    const kept = new Set([condition]);
    view.edges.forEach((id) => {
      const e = edgeById.get(id);
      if (e.to === condition) kept.add(e.from);
    });
    state.viewNodes = kept;
  }
}

const nodeShown = (id) => state.groups.has(byId.get(id).group)
  && (state.viewNodes === null || state.viewNodes.has(id));
const edgeShown = (e) => state.claimGroups.has(e.group)
  && !(state.hideDebated && e.status === "debated");

setViewMembers();
const nodeView = new vis.DataView(nodes, { filter: (n) => nodeShown(n.id) });
const edgeView = new vis.DataView(edges, {
  filter: (item) => {
    const e = edgeById.get(item.id);
    return (state.viewEdges === null || state.viewEdges.has(e.id)) && edgeShown(e)
      && nodeShown(e.from) && nodeShown(e.to);
  },
});

const network = new vis.Network(document.getElementById("network"),
  { nodes: nodeView, edges: edgeView }, {
    physics: { enabled: false },
    layout: { improvedLayout: false },
    interaction: { hover: true, tooltipDelay: 150, hideEdgesOnDrag: DATA.nodes.length > 1000 },
    groups: visGroups,
    nodes: { size: DATA.nodeSize, borderWidth: 2, font: { size: DATA.font, color: "#1f2328" } },
    edges: { arrows: { to: { enabled: true, scaleFactor: 0.6 } }, smooth: false, width: 1.5,
      color: { color: ESTABLISHED, highlight: "#0969da" } },
  });

const READABLE = 12 / DATA.font; // the least zoom at which labels are 12 px on screen

// The whole view on the screen; on a screen too narrow for its labels to be read, its start
// (the drugs, on the left) at a readable size, the rest a drag away.
function fitView() {
  network.fit({ animation: false, maxZoomLevel: 1.6 });
  if (state.view === "everything" || network.getScale() >= READABLE) return;
  const at = Object.values(network.getPositions(nodeView.getIds()));
  if (!at.length) return;
  const left = Math.min(...at.map((p) => p.x)) - 6 * DATA.font;
  const middle = (Math.min(...at.map((p) => p.y)) + Math.max(...at.map((p) => p.y))) / 2;
  const width = network.canvas.frame.canvas.clientWidth;
  network.moveTo({ position: { x: left + width / 2 / READABLE, y: middle }, scale: READABLE,
    animation: false });
}

document.getElementById("summary").textContent = counted(DATA.nodes.length, "concept") + ", "
  + counted(DATA.edges.length, "claim") + " ("
  + DATA.edges.filter((e) => e.status === "debated").length + " debated)";

// ---- views --------------------------------------------------------------------------------

const VIEW_HINTS = {
  mechanism: "Start on the left: how the drug is thought to act, step by step, up to the condition it treats; pick another drug or therapy above.",
  treatments: "Treatments on the left, the conditions they are approved, used or studied for on the right.",
  everything: "Every concept and claim; zoom and drag, or find a concept.",
  list: "Every concept with its claims and sources, as text.",
};

function refresh() {
  nodeView.refresh();
  edgeView.refresh();
}

function showView(name) {
  const previous = state.view;
  const before = state.drawn;
  state.view = name;
  document.querySelectorAll("#views [data-view]").forEach((button) => {
    button.setAttribute("aria-pressed", String(button.dataset.view === name));
  });
  document.getElementById("view-hint").textContent = VIEW_HINTS[name];
  document.getElementById("condition-picker").hidden = name !== "treatments";
  document.getElementById("drug-picker").hidden = name !== "mechanism";
  const listing = name === "list";
  document.getElementById("network").hidden = listing;
  document.getElementById("list-view").hidden = !listing;
  if (listing) {
    renderList();
    return;
  }
  // only the nodes that move between the two views (or two drugs' paths) are updated
  const after = VIEWS[name];
  if (before !== after) {
    const moved = [];
    const touched = new Set([
      ...(before ? Object.keys(before.positions) : []),
      ...(after ? Object.keys(after.positions) : []),
    ]);
    touched.forEach((id) => {
      const at = viewPosition(name, byId.get(id));
      moved.push({ id, x: at.x, y: at.y, font: { vadjust: at.above ? LABEL_ABOVE : 0 } });
    });
    nodes.update(moved);
  }
  state.drawn = after;
  setViewMembers();
  if (previous !== name || before !== after || name === "treatments") refresh();
  fitView();
}

document.querySelectorAll("#views [data-view]").forEach((button) => {
  button.addEventListener("click", () => showView(button.dataset.view));
});
const conditionSelect = fillSelect(document.getElementById("condition"),
  [...new Set(DATA.views.treatments.edges.map((id) => edgeById.get(id).to))], (n) => n.label);
conditionSelect.addEventListener("change", () => showView("treatments"));
drugSelect.addEventListener("change", () => showView("mechanism"));

// ---- details panel ------------------------------------------------------------------------

const details = document.getElementById("details");
const detailsBody = document.getElementById("details-body");

function sourcesOf(edge) {
  const sources = el("span", null, "sources");
  // supporting sources first, so that "contested by" reads as applying to what follows it only
  const ordered = [...edgeDetails(edge.id).sources].sort(
    (a, b) => (a.role === "contests") - (b.role === "contests"),
  );
  ordered.forEach((source, i) => {
    if (i) sources.append("; ");
    if (source.role === "contests") sources.append("contested by ");
    sources.append(link(source.citation, source.url));
  });
  return sources;
}

function statusOf(edge) {
  return el("span", edge.status, "status-" + edge.status);
}

function conceptLink(id, text) {
  const a = el("a", text);
  a.href = "#concept=" + encodeURIComponent(byId.get(id).slug);
  a.addEventListener("click", (event) => { event.preventDefault(); select(id); });
  return a;
}

function claimItem(edge, direction) {
  const other = direction === "out" ? edge.to : edge.from;
  const item = el("li");
  const statement = direction === "out" ? edge.label + " " + byId.get(other).label
    : byId.get(other).label + " " + edge.label + " this";
  item.append(conceptLink(other, statement));
  if (edge.status === "debated") item.append(" ", statusOf(edge));
  const { note } = edgeDetails(edge.id);
  if (note) item.append(el("span", note, "note"));
  item.append(sourcesOf(edge));
  return item;
}

// The canvas takes its new size at once when the panel opens or closes, so that a fit that
// follows fills the space left, but draws nothing then: the fit, focus or selection that
// follows draws the one frame (a frame of thousands of edges costs a few hundred ms).
function resizeQuietly() {
  network.renderer.allowRedraw = false;
  try {
    network.setSize("100%", "100%");
  } finally {
    network.renderer.allowRedraw = true;
  }
  network.body.emitter.emit("_requestRedraw");
}

function openDetails(build) {
  detailsBody.replaceChildren();
  build(detailsBody);
  details.hidden = false;
  details.scrollTop = 0;
  resizeQuietly();
}

function showDetails(id) {
  const node = byId.get(id);
  if (!node) return;
  openDetails((panel) => {
    panel.append(el("h2", node.label, "concept"),
      el("p", node.category + " · " + DATA.groups[node.group].name, "category"));
    const { definition, synonyms, identifiers } = nodeDetails(id);
    if (definition) panel.append(el("p", definition, "definition"));
    if (synonyms.length) {
      panel.append(el("h2", "Also called"), el("p", synonyms.join(", "), "synonyms"));
    }
    if (identifiers.length) {
      panel.append(el("h2", "Identifiers"));
      const list = el("ul", null, "identifiers");
      identifiers.forEach((identifier) => {
        const item = el("li");
        item.append(link(identifier.curie, identifier.url));
        if (identifier.match !== "exactMatch") item.append(" (" + identifier.match + ")");
        list.append(item);
      });
      panel.append(list);
    }
    for (const [heading, list, direction] of [["Claims", outgoing.get(id) || [], "out"],
      ["Claims about it", incoming.get(id) || [], "in"]]) {
      if (!list.length) continue;
      panel.append(el("h2", heading + " (" + list.length + ")"));
      const ul = el("ul", null, "claims-" + direction);
      list.forEach((edge) => ul.append(claimItem(edge, direction)));
      panel.append(ul);
    }
  });
}

function address(hash) {
  history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
}

function inView(ids) {
  return state.view !== "list" && ids.every((id) => nodeShown(id));
}

function select(id) {
  if (!byId.has(id)) return;
  clearRoute();
  const group = byId.get(id).group;
  if (!state.groups.has(group)) {
    state.groups.add(group);
    syncGroupBoxes();
    refresh();
  }
  if (!inView([id]) && state.view === "mechanism") {
    // on another drug's paths: show that drug's
    const drug = Object.keys(DATA.views.mechanism)
      .find((d) => id in DATA.views.mechanism[d].positions);
    if (drug) {
      drugSelect.value = drug;
      showView("mechanism");
    }
  }
  if (!inView([id])) showView("everything");
  state.selected = id;
  network.selectNodes([id]);
  showDetails(id);
  if (state.view === "everything") network.focus(id, { scale: 1, animation: false });
  address("concept=" + encodeURIComponent(byId.get(id).slug));
}

network.on("click", (params) => {
  if (params.nodes.length) select(params.nodes[0]);
});

// vis-network's unselectAll draws a frame at once; an empty selection waits for the next one
function unselect() {
  network.setSelection({ nodes: [], edges: [] });
}

function clearAll() {
  clearRoute();
  state.selected = null;
  unselect();
  details.hidden = true;
  resizeQuietly();
  if (state.view !== "list") fitView();
  address("");
}

document.getElementById("details-close").addEventListener("click", clearAll);

// ---- search -------------------------------------------------------------------------------

let nameList;
// every label and synonym, built on the first search
function names() {
  if (nameList) return nameList;
  nameList = [];
  DATA.nodes.forEach((n) => {
    nameList.push({ id: n.id, name: n.label, lower: n.label.toLowerCase(), via: null });
    nodeDetails(n.id).synonyms.forEach((s) => nameList.push({
      id: n.id, name: s, lower: s.toLowerCase(), via: n.label,
    }));
  });
  return nameList;
}
const search = document.getElementById("search");
const suggestions = document.getElementById("suggestions");

function closeSuggestions() {
  suggestions.replaceChildren();
  search.setAttribute("aria-expanded", "false");
  search.removeAttribute("aria-activedescendant");
}

function activate(index) {
  [...suggestions.children].forEach((item, i) => {
    item.classList.toggle("active", i === index);
    item.setAttribute("aria-selected", String(i === index));
    if (i === index) search.setAttribute("aria-activedescendant", item.id);
  });
}

function matches(query, limit) {
  const ranked = [];
  for (const n of names()) {
    const at = n.lower.indexOf(query);
    if (at >= 0) ranked.push([at, n.name.length, n]);
  }
  ranked.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const seen = new Set();
  const found = [];
  for (const [, , match] of ranked) {
    if (seen.has(match.id)) continue;
    seen.add(match.id);
    found.push(match);
    if (found.length >= limit) break;
  }
  return found;
}

function suggest() {
  const query = search.value.trim().toLowerCase();
  closeSuggestions();
  if (!query) return;
  matches(query, 12).forEach((match, i) => {
    const item = el("li", match.name);
    item.id = "suggestion-" + i;
    item.setAttribute("role", "option");
    item.dataset.id = match.id;
    if (match.via) item.append(el("span", " (" + match.via + ")", "via"));
    item.addEventListener("click", () => choose(match.id));
    suggestions.append(item);
  });
  if (suggestions.firstChild) {
    search.setAttribute("aria-expanded", "true");
    activate(0);
  }
}

function choose(id) {
  search.value = byId.get(id).label;
  closeSuggestions();
  select(id);
}

search.addEventListener("input", suggest);
search.addEventListener("keydown", (event) => {
  const items = [...suggestions.children];
  const active = items.findIndex((item) => item.classList.contains("active"));
  if (event.key === "Enter" && active >= 0) {
    event.preventDefault();
    choose(items[active].dataset.id);
  } else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && items.length) {
    event.preventDefault();
    activate((active + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length);
  }
});

// ---- filters and legend -------------------------------------------------------------------

const SVG = "http://www.w3.org/2000/svg";
const SHAPE_POINTS = {
  diamond: "8,1 15,8 8,15 1,8",
  square: "2,2 14,2 14,14 2,14",
  triangle: "8,1 15,14 1,14",
  triangleDown: "1,2 15,2 8,15",
  hexagon: "4,1.5 12,1.5 15.5,8 12,14.5 4,14.5 0.5,8",
  star: "8,0.5 10,6 15.5,6 11,9.5 12.8,15 8,11.6 3.2,15 5,9.5 0.5,6 6,6",
};

function shapeIcon(group) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("class", "shape");
  svg.setAttribute("aria-hidden", "true");
  const shape = group.shape in SHAPE_POINTS
    ? document.createElementNS(SVG, "polygon") : document.createElementNS(SVG, "circle");
  if (group.shape in SHAPE_POINTS) shape.setAttribute("points", SHAPE_POINTS[group.shape]);
  else { shape.setAttribute("cx", "8"); shape.setAttribute("cy", "8"); shape.setAttribute("r", "7"); }
  shape.setAttribute("fill", group.colour);
  svg.append(shape);
  return svg;
}

function filterList(container, kind, entries, chosen) {
  const allNone = el("div", null, "all-none");
  for (const [text, pick] of [["All", () => entries.map((_, i) => i)], ["None", () => []]]) {
    const button = el("button", text);
    button.type = "button";
    button.setAttribute("aria-label", text + " " + kind);
    button.addEventListener("click", () => {
      chosen.clear();
      pick().forEach((i) => chosen.add(i));
      syncBoxes(container, chosen);
      refresh();
    });
    allNone.append(button);
  }
  container.append(allNone);
  entries.forEach((entry, i) => {
    if (!entry.count) return;
    const row = el("div", null, "group");
    const label = el("label");
    const box = el("input");
    box.type = "checkbox";
    box.checked = chosen.has(i);
    box.dataset.index = String(i);
    box.dataset.name = entry.name;
    box.addEventListener("change", () => {
      if (box.checked) chosen.add(i); else chosen.delete(i);
      refresh();
    });
    label.append(box);
    if (entry.icon) label.append(entry.icon);
    label.append(entry.name, " ", el("span", "(" + entry.count + ")", "count"));
    if (entry.title) label.title = entry.title;
    const only = el("button", "only", "only");
    only.type = "button";
    only.setAttribute("aria-label", "Only " + entry.name);
    only.addEventListener("click", () => {
      chosen.clear();
      chosen.add(i);
      syncBoxes(container, chosen);
      refresh();
    });
    row.append(label, only);
    container.append(row);
  });
}

function syncBoxes(container, chosen) {
  container.querySelectorAll("input[type=checkbox]").forEach((box) => {
    box.checked = chosen.has(Number(box.dataset.index));
  });
}

const groupFilters = document.getElementById("group-filters");
const claimFilters = document.getElementById("claim-filters");
const syncGroupBoxes = () => syncBoxes(groupFilters, state.groups);

const groupCounts = DATA.groups.map(() => 0);
DATA.nodes.forEach((n) => { groupCounts[n.group] += 1; });
filterList(groupFilters, "groups", DATA.groups.map((g, i) => ({
  name: g.name, count: groupCounts[i], icon: shapeIcon(g),
})), state.groups);
const claimCounts = DATA.claimGroups.map(() => 0);
const claimPredicates = DATA.claimGroups.map(() => new Set());
DATA.edges.forEach((e) => { claimCounts[e.group] += 1; claimPredicates[e.group].add(e.label); });
filterList(claimFilters, "claims", DATA.claimGroups.map((name, i) => ({
  name, count: claimCounts[i], title: [...claimPredicates[i]].sort().join(", "),
})), state.claimGroups);
document.getElementById("hide-debated").addEventListener("change", (event) => {
  state.hideDebated = event.target.checked;
  refresh();
});

// ---- routes -------------------------------------------------------------------------------

const datalist = document.getElementById("concept-names");
// the route inputs' suggestions, filled when a route input is first used
function fillDatalist() {
  if (datalist.firstChild) return;
  datalist.replaceChildren(...DATA.nodes.map((n) => n.label).sort().map((label) => {
    const option = el("option");
    option.value = label;
    return option;
  }));
}
["route-from", "route-to"].forEach((id) => {
  document.getElementById(id).addEventListener("focus", fillDatalist);
});

function conceptNamed(text) {
  const wanted = text.trim().toLowerCase();
  const found = names().find((n) => n.lower === wanted);
  return found ? found.id : (bySlug.get(wanted) || null);
}

const routable = (e) => e.route && edgeShown(e) && state.groups.has(byId.get(e.to).group);
const sequences = DATA.paths.map((p) => ({
  path: p,
  nodes: [edgeById.get(p.claims[0]).from, ...p.claims.map((id) => edgeById.get(id).to)],
}));

// The shortest routes of two steps or more along claims that pass an effect on, at most
// `limit` of them, found breadth-first.
function shortestRoutes(fromId, toId, limit) {
  const parents = new Map([[fromId, []]]);
  let frontier = [fromId];
  while (frontier.length && !parents.has(toId)) {
    const next = [];
    const reached = new Map();
    for (const id of frontier) {
      for (const e of outgoing.get(id) || []) {
        if (!routable(e) || (id === fromId && e.to === toId) || parents.has(e.to)) continue;
        if (!reached.has(e.to)) { reached.set(e.to, []); next.push(e.to); }
        reached.get(e.to).push(e);
      }
    }
    reached.forEach((list, id) => parents.set(id, list));
    frontier = next;
  }
  const routes = [];
  const walk = (id, tail) => {
    if (routes.length >= limit) return;
    if (id === fromId) { routes.push(tail); return; }
    for (const e of parents.get(id) || []) walk(e.from, [e, ...tail]);
  };
  if (parents.has(toId)) walk(toId, []);
  return routes;
}

// Routes from one concept to another: first the stretches of the mechanism paths that lead
// from one to the other, in the paths' order, then if none the shortest routes along claims;
// claims between the two themselves are listed apart.
function findRoutes(fromId, toId) {
  const direct = [...(outgoing.get(fromId) || []).filter((e) => e.to === toId),
    ...(outgoing.get(toId) || []).filter((e) => e.to === fromId)].filter(edgeShown);
  const routes = [];
  const seen = new Set();
  for (const { path, nodes: along } of sequences) {
    const start = along.indexOf(fromId);
    const end = along.lastIndexOf(toId);
    if (start < 0 || end - start < 2) continue;
    const steps = path.claims.slice(start, end).map((id) => edgeById.get(id));
    const key = steps.map((e) => e.id).join(" ");
    if (seen.has(key) || !steps.every(routable)) continue;
    seen.add(key);
    routes.push({ path, steps });
  }
  if (!routes.length) {
    shortestRoutes(fromId, toId, 5).forEach((steps) => routes.push({ path: null, steps }));
  }
  return { from: fromId, to: toId, direct, routes };
}

// The rest of the graph dimmed by a veil drawn over each frame, with the kept claims and
// concepts drawn again on top: no option of the thousands of other items changes.
let kept = null;

function highlight(nodeIds, edgeIds) {
  kept = nodeIds.length ? { nodes: nodeIds, edges: edgeIds } : null;
  network.body.emitter.emit("_requestRedraw");
}

function visibleArea() {
  const canvas = network.canvas.frame.canvas;
  const topLeft = network.DOMtoCanvas({ x: 0, y: 0 });
  const bottomRight = network.DOMtoCanvas({ x: canvas.clientWidth, y: canvas.clientHeight });
  return { left: topLeft.x, top: topLeft.y, right: bottomRight.x, bottom: bottomRight.y };
}

network.on("afterDrawing", (ctx) => {
  if (!kept) return;
  const area = visibleArea();
  ctx.save();
  ctx.globalAlpha = 1 - DIMMED;
  ctx.fillStyle = "#fff";
  ctx.fillRect(area.left, area.top, area.right - area.left, area.bottom - area.top);
  ctx.restore();
  const drawn = kept.edges.map((id) => network.body.edges[id]).filter((e) => e && e.connected);
  drawn.forEach((e) => e.draw(ctx));
  drawn.forEach((e) => e.drawArrows(ctx));
  // a node's label beside it is drawn by the function its draw returns
  kept.nodes.map((id) => network.body.nodes[id]).filter((n) => n && nodeShown(n.id))
    .map((n) => n.draw(ctx)).forEach((drawn) => drawn.drawExternalLabel?.());
});

// Whether the segment from a to b crosses the rectangle (Liang-Barsky clipping).
function crosses(a, b, area) {
  let [low, high] = [0, 1];
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  for (const [p, q] of [[-dx, a.x - area.left], [dx, area.right - a.x],
    [-dy, a.y - area.top], [dy, area.bottom - a.y]]) {
    if (p === 0) {
      if (q < 0) return false;
    } else if (p < 0) {
      low = Math.max(low, q / p);
    } else {
      high = Math.min(high, q / p);
    }
    if (low > high) return false;
  }
  return true;
}

const inside = (point, area) => point.x >= area.left && point.x <= area.right
  && point.y >= area.top && point.y <= area.bottom;

// vis-network draws every edge and arrowhead in every frame, even far off screen, which is
// most of a redraw of thousands of edges: a frame leaves out the edges that miss the visible
// area and the arrowheads (at the `to` end) outside it.
const DRAWN = {
  _drawEdges: (edge, area) => crosses(edge.from, edge.to, area),
  _drawArrows: (edge, area) => inside(edge.to, area),
};
for (const [name, drawn] of Object.entries(DRAWN)) {
  const draw = network.renderer[name];
  network.renderer[name] = function drawVisibleEdges(ctx) {
    const all = this.body.edgeIndices;
    const area = visibleArea();
    const margin = 30 / network.getScale(); // a node, its arrowhead or a line's width
    area.left -= margin;
    area.top -= margin;
    area.right += margin;
    area.bottom += margin;
    this.body.edgeIndices = all.filter((id) => {
      const edge = this.body.edges[id];
      return edge.from && edge.to && drawn(edge, area);
    });
    try {
      draw.call(this, ctx);
    } finally {
      this.body.edgeIndices = all;
    }
  };
}

function stepItem(edge) {
  const item = el("li");
  item.append(conceptLink(edge.from, byId.get(edge.from).label), " " + edge.label + " ",
    conceptLink(edge.to, byId.get(edge.to).label), " · ", statusOf(edge));
  const { note } = edgeDetails(edge.id);
  if (note) item.append(el("span", note, "note"));
  item.append(sourcesOf(edge));
  return item;
}

function showRoutes(found) {
  const fromLabel = byId.get(found.from).label;
  const toLabel = byId.get(found.to).label;
  const routeNodes = new Set([found.from, found.to]);
  const routeEdges = new Set();
  [...found.direct, ...found.routes.flatMap((r) => r.steps)].forEach((e) => {
    routeNodes.add(e.from);
    routeNodes.add(e.to);
    routeEdges.add(e.id);
  });
  if (!inView([...routeNodes])) showView("everything");
  state.route = found;
  state.selected = null;
  unselect();
  highlight([...routeNodes], [...routeEdges]);
  const summary = found.routes.length || found.direct.length
    ? counted(found.routes.length, "route") + " and " + counted(found.direct.length, "direct claim")
      + " from " + fromLabel + " to " + toLabel + "."
    : "No route along the shown claims from " + fromLabel + " to " + toLabel + ".";
  document.getElementById("route-result").textContent = summary;
  openDetails((panel) => {
    panel.append(el("h2", "From " + fromLabel + " to " + toLabel, "concept"),
      el("p", summary, "category"));
    found.routes.forEach((route, i) => {
      const heading = "Route " + (i + 1) + ": " + counted(route.steps.length, "step");
      panel.append(el("h2", heading));
      if (route.path) {
        panel.append(el("p", "Along the " + route.path.status + " mechanism path “"
          + route.path.label + "”", "note"));
      }
      const steps = el("ol", null, "route");
      route.steps.forEach((edge) => steps.append(stepItem(edge)));
      panel.append(steps);
    });
    if (found.direct.length) {
      panel.append(el("h2", "Direct claims"));
      const list = el("ul", null, "direct");
      found.direct.forEach((edge) => list.append(stepItem(edge)));
      panel.append(list);
    }
  });
  network.fit({ nodes: [...routeNodes], animation: false, maxZoomLevel: 1.6 });
  address("route=" + encodeURIComponent(byId.get(found.from).slug) + ","
    + encodeURIComponent(byId.get(found.to).slug));
}

function clearRoute() {
  if (!state.route) return;
  state.route = null;
  highlight([], []);
  document.getElementById("route-result").textContent = "";
}

function routeBetween(fromId, toId) {
  document.getElementById("route-from").value = byId.get(fromId).label;
  document.getElementById("route-to").value = byId.get(toId).label;
  showRoutes(findRoutes(fromId, toId));
}

document.getElementById("route-button").addEventListener("click", () => {
  const fromId = conceptNamed(document.getElementById("route-from").value);
  const toId = conceptNamed(document.getElementById("route-to").value);
  if (!fromId || !toId) {
    document.getElementById("route-result").textContent = "Choose two concepts from the list.";
    return;
  }
  routeBetween(fromId, toId);
});
document.getElementById("route-clear").addEventListener("click", clearAll);

// ---- the list view: the same concepts and claims as text ----------------------------------

const LIST_LIMIT = 200;
const listFilter = document.getElementById("list-filter");

function listEntry(node) {
  const item = el("li");
  const heading = el("h3");
  heading.append(conceptLink(node.id, node.label));
  const { definition } = nodeDetails(node.id);
  item.append(heading, el("p", node.category + (definition ? ": " + definition : ""), "note"));
  const claims = outgoing.get(node.id) || [];
  if (claims.length) {
    const list = el("ul");
    claims.forEach((edge) => list.append(claimItem(edge, "out")));
    item.append(list);
  }
  return item;
}

function renderList() {
  const query = listFilter.value.trim().toLowerCase();
  const wanted = DATA.nodes.filter((n) => !query || n.label.toLowerCase().includes(query)
    || nodeDetails(n.id).synonyms.some((s) => s.toLowerCase().includes(query))
    || (outgoing.get(n.id) || []).some((e) => (e.label + " " + byId.get(e.to).label)
      .toLowerCase().includes(query)));
  wanted.sort((a, b) => a.label.localeCompare(b.label));
  const list = document.getElementById("list");
  list.replaceChildren(...wanted.slice(0, LIST_LIMIT).map(listEntry));
  document.getElementById("list-count").textContent = (wanted.length > LIST_LIMIT
    ? "The first " + LIST_LIMIT + " of " : "") + counted(wanted.length, "concept")
    + (query ? " matching “" + listFilter.value.trim() + "”" : "") + ".";
}

listFilter.addEventListener("input", renderList);

// ---- deep links, keys and the drawer ------------------------------------------------------

function followAddress() {
  const hash = decodeURIComponent(location.hash.slice(1));
  const [key, value] = [hash.slice(0, hash.indexOf("=")), hash.slice(hash.indexOf("=") + 1)];
  if (key === "concept" && bySlug.has(value)) select(bySlug.get(value));
  if (key === "route") {
    const [fromId, toId] = value.split(",").map((slug) => bySlug.get(slug));
    if (fromId && toId) routeBetween(fromId, toId);
  }
}

window.addEventListener("hashchange", followAddress);

const tools = document.getElementById("tools");
const drawerButton = document.getElementById("drawer-button");
function drawer(open) {
  tools.classList.toggle("open", open);
  drawerButton.setAttribute("aria-expanded", String(open));
  if (open) document.getElementById("drawer-close").focus();
}
drawerButton.addEventListener("click", () => drawer(!tools.classList.contains("open")));
document.getElementById("drawer-close").addEventListener("click", () => {
  drawer(false);
  drawerButton.focus();
});

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  if (suggestions.firstChild) closeSuggestions();
  else if (tools.classList.contains("open")) drawer(false);
  else clearAll();
});

// ---- start --------------------------------------------------------------------------------

showView(state.view);
followAddress();

window.explorer = {
  network, nodes, edges, nodeView, edgeView, select, showDetails, findRoutes, routeBetween,
  showView, state, matches,
};
network.once("afterDrawing", () => {
  window.explorerReady = true;
  // the details and the names to search, read while the visitor looks at the first view
  (window.requestIdleCallback || setTimeout)(names);
});
