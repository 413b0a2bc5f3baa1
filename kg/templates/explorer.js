// The explorer page. Everything from the data reaches the page through textContent or as
// vis-network data drawn on a canvas, never as HTML. Links accept http(s) addresses only.
"use strict";

const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
  "#ff9da7", "#9c755f", "#bab0ac", "#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
  "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#aec7e8"];
const ESTABLISHED = "#8c959f";
// Routes follow claims that pass an effect along, not part-of, location or requirement links.
const ROUTE_PREDICATES = new Set(["blocks", "inhibits", "activates", "increases", "decreases",
  "promotes", "produces", "metabolisedTo"].map((p) => "https://w3id.org/treatment-kg/vocab/" + p));
const DEBATED = "#cf222e";

const byId = new Map(DATA.nodes.map((n) => [n.id, n]));
const categories = [...new Set(DATA.nodes.map((n) => n.category))].sort();
const predicates = [...new Set(DATA.edges.map((e) => e.label))].sort();
const colour = new Map(categories.map((c, i) => [c, PALETTE[i % PALETTE.length]]));
const state = {
  categories: new Set(categories),
  predicates: new Set(predicates),
  hideDebated: false,
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

const nodes = new vis.DataSet(DATA.nodes.map((n) => ({
  id: n.id,
  label: n.label,
  title: n.label + " (" + n.category + ")",
  x: n.x,
  y: n.y,
  value: n.degree + 1,
  color: { background: colour.get(n.category), border: colour.get(n.category) },
  category: n.category,
})));
const edges = new vis.DataSet(DATA.edges.map((e) => ({
  id: e.id,
  from: e.from,
  to: e.to,
  label: e.label,
  title: byId.get(e.from).label + " " + e.label + " " + byId.get(e.to).label
    + (e.status === "debated" ? " (debated)" : ""),
  dashes: e.status === "debated",
  color: { color: e.status === "debated" ? DEBATED : ESTABLISHED, highlight: "#0969da" },
  status: e.status,
  predicate: e.predicate,
})));
const nodeView = new vis.DataView(nodes, { filter: (n) => state.categories.has(n.category) });
const edgeView = new vis.DataView(edges, {
  filter: (e) => state.predicates.has(e.label)
    && !(state.hideDebated && e.status === "debated")
    && state.categories.has(byId.get(e.from).category)
    && state.categories.has(byId.get(e.to).category),
});

const network = new vis.Network(document.getElementById("network"),
  { nodes: nodeView, edges: edgeView }, {
    physics: { enabled: false },
    layout: { improvedLayout: false },
    interaction: { hover: true, tooltipDelay: 150, hideEdgesOnDrag: DATA.nodes.length > 1000 },
    nodes: { shape: "dot", scaling: { min: 8, max: 34 }, font: { size: 14 } },
    edges: { arrows: { to: { enabled: true, scaleFactor: 0.5 } }, smooth: false,
      font: { size: 10, align: "middle", color: "#57606a" }, width: 1.2 },
  });

// "1 concept", "2 concepts": a focused page may hold one
const counted = (count, noun) => count + " " + noun + (count === 1 ? "" : "s");

document.getElementById("summary").textContent = counted(DATA.nodes.length, "concept") + ", "
  + counted(DATA.edges.length, "claim") + " ("
  + DATA.edges.filter((e) => e.status === "debated").length
  + " debated). Dashed red edges are debated.";

// ---- details panel ------------------------------------------------------------------------

function claimItem(edge, direction) {
  const other = byId.get(direction === "out" ? edge.to : edge.from);
  const item = el("li");
  const statement = direction === "out" ? edge.label + " " + other.label
    : other.label + " " + edge.label + " this";
  const what = el("a", statement);
  what.href = "#";
  what.addEventListener("click", (event) => { event.preventDefault(); select(other.id); });
  item.append(what);
  if (edge.status === "debated") item.append(" ", el("span", "debated", "status-debated"));
  if (edge.note) item.append(el("span", edge.note, "note"));
  const sources = el("span", null, "sources");
  // supporting sources first, so that "contested by" reads as applying to what follows it only
  const ordered = [...edge.sources].sort(
    (a, b) => (a.role === "contests") - (b.role === "contests"),
  );
  ordered.forEach((source, i) => {
    if (i) sources.append("; ");
    if (source.role === "contests") sources.append("contested by ");
    sources.append(link(source.citation, source.url));
  });
  item.append(sources);
  return item;
}

function showDetails(id) {
  const node = byId.get(id);
  const panel = document.getElementById("details");
  panel.replaceChildren();
  if (!node) return;
  panel.append(el("h2", node.label, "concept"), el("p", node.category, "category"));
  if (node.definition) panel.append(el("p", node.definition, "definition"));
  if (node.synonyms.length) {
    panel.append(el("h2", "Also called"), el("p", node.synonyms.join(", "), "synonyms"));
  }
  if (node.identifiers.length) {
    panel.append(el("h2", "Identifiers"));
    const list = el("ul", null, "identifiers");
    node.identifiers.forEach((id) => {
      const item = el("li");
      item.append(link(id.curie, id.url));
      if (id.match !== "exactMatch") item.append(" (" + id.match + ")");
      list.append(item);
    });
    panel.append(list);
  }
  const outgoing = DATA.edges.filter((e) => e.from === id);
  const incoming = DATA.edges.filter((e) => e.to === id);
  for (const [heading, list, direction] of [["Claims", outgoing, "out"],
    ["Claims about it", incoming, "in"]]) {
    if (!list.length) continue;
    panel.append(el("h2", heading + " (" + list.length + ")"));
    const ul = el("ul", null, "claims-" + direction);
    list.forEach((edge) => ul.append(claimItem(edge, direction)));
    panel.append(ul);
  }
}

function select(id) {
  if (!byId.has(id)) return;
  const category = byId.get(id).category;
  if (!state.categories.has(category)) {
    state.categories.add(category);
    document.querySelector('input[data-category="' + CSS.escape(category) + '"]').checked = true;
    refresh();
  }
  network.selectNodes([id]);
  network.focus(id, { scale: 1.1, animation: false });
  showDetails(id);
}

network.on("click", (params) => {
  if (params.nodes.length) showDetails(params.nodes[0]);
});

// ---- search -------------------------------------------------------------------------------

const names = [];
DATA.nodes.forEach((n) => {
  names.push({ id: n.id, name: n.label, via: null });
  n.synonyms.forEach((s) => names.push({ id: n.id, name: s, via: n.label }));
});
const search = document.getElementById("search");
const suggestions = document.getElementById("suggestions");

function suggest() {
  const query = search.value.trim().toLowerCase();
  suggestions.replaceChildren();
  if (!query) return;
  const seen = new Set();
  const ranked = names.filter((n) => n.name.toLowerCase().includes(query))
    .sort((a, b) => (a.name.toLowerCase().indexOf(query) - b.name.toLowerCase().indexOf(query))
      || a.name.length - b.name.length);
  for (const match of ranked) {
    if (seen.has(match.id)) continue;
    seen.add(match.id);
    const item = el("li", match.name);
    item.setAttribute("role", "option");
    item.dataset.id = match.id;
    if (match.via) item.append(el("span", " (" + match.via + ")", "via"));
    item.addEventListener("click", () => choose(match.id));
    suggestions.append(item);
    if (seen.size >= 12) break;
  }
  if (suggestions.firstChild) suggestions.firstChild.classList.add("active");
}

function choose(id) {
  search.value = byId.get(id).label;
  suggestions.replaceChildren();
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
    const next = (active + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
    items.forEach((item, i) => item.classList.toggle("active", i === next));
  }
});

// ---- filters and legend -------------------------------------------------------------------

function refresh() {
  nodeView.refresh();
  edgeView.refresh();
}

function checkbox(container, text, checked, onChange, swatch, dataName) {
  const label = el("label");
  const box = el("input");
  box.type = "checkbox";
  box.checked = checked;
  box.dataset[dataName] = text;
  box.addEventListener("change", () => { onChange(box.checked); refresh(); });
  label.append(box);
  if (swatch) {
    const dot = el("span", null, "swatch");
    dot.style.background = swatch;
    label.append(dot);
  }
  label.append(text);
  container.append(label);
}

const categoryFilters = document.getElementById("category-filters");
categories.forEach((c) => checkbox(categoryFilters, c, true,
  (on) => (on ? state.categories.add(c) : state.categories.delete(c)), colour.get(c), "category"));
const predicateFilters = document.getElementById("predicate-filters");
predicates.forEach((p) => checkbox(predicateFilters, p, true,
  (on) => (on ? state.predicates.add(p) : state.predicates.delete(p)), null, "predicate"));
document.getElementById("hide-debated").addEventListener("change", (event) => {
  state.hideDebated = event.target.checked;
  refresh();
});

// ---- routes -------------------------------------------------------------------------------

const datalist = document.getElementById("concept-names");
DATA.nodes.map((n) => n.label).sort().forEach((label) => {
  const option = el("option");
  option.value = label;
  datalist.append(option);
});

function conceptNamed(text) {
  const wanted = text.trim().toLowerCase();
  const found = names.find((n) => n.name.toLowerCase() === wanted);
  return found ? found.id : null;
}

function reach(start, forward, visibleEdges) {
  const next = new Map();
  visibleEdges.forEach((e) => {
    const [a, b] = forward ? [e.from, e.to] : [e.to, e.from];
    if (!next.has(a)) next.set(a, []);
    next.get(a).push([b, e]);
  });
  const parent = new Map([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const current = queue.shift();
    for (const [neighbour, edge] of next.get(current) || []) {
      if (!parent.has(neighbour)) {
        parent.set(neighbour, [current, edge]);
        queue.push(neighbour);
      }
    }
  }
  return parent;
}

// Every concept on some directed route from one concept to another, along the visible claims
// that pass an effect along.
function findRoutes(fromId, toId) {
  const visible = edgeView.get().filter((e) => ROUTE_PREDICATES.has(e.predicate));
  const ahead = reach(fromId, true, visible);
  const behind = reach(toId, false, visible);
  const onRoute = new Set([...ahead.keys()].filter((id) => behind.has(id)));
  const routeEdges = visible.filter((e) => onRoute.has(e.from) && onRoute.has(e.to)
    && ahead.has(e.from) && behind.has(e.to)).map((e) => e.id);
  const shortest = [];
  for (let step = toId; step !== null && ahead.has(step); step = ahead.get(step) && ahead.get(step)[0]) {
    shortest.unshift(step);
    if (!ahead.get(step)) break;
  }
  return { nodes: [...onRoute], edges: routeEdges, shortest: onRoute.size ? shortest : [] };
}

const routeResult = document.getElementById("route-result");
document.getElementById("route-button").addEventListener("click", () => {
  const fromId = conceptNamed(document.getElementById("route-from").value);
  const toId = conceptNamed(document.getElementById("route-to").value);
  if (!fromId || !toId) {
    routeResult.textContent = "Choose two concepts from the list.";
    return;
  }
  const routes = findRoutes(fromId, toId);
  if (!routes.nodes.length) {
    routeResult.textContent = "No route along the visible claims from "
      + byId.get(fromId).label + " to " + byId.get(toId).label + ".";
    network.unselectAll();
    return;
  }
  network.setSelection({ nodes: routes.nodes, edges: routes.edges }, { highlightEdges: false });
  network.fit({ nodes: routes.nodes, animation: false });
  routeResult.textContent = counted(routes.nodes.length, "concept") + " on routes from "
    + byId.get(fromId).label + " to " + byId.get(toId).label + ". Shortest: "
    + routes.shortest.map((id) => byId.get(id).label).join(" → ") + ". On a route: "
    + routes.nodes.map((id) => byId.get(id).label).sort().join(", ") + ".";
});
document.getElementById("route-clear").addEventListener("click", () => {
  network.unselectAll();
  routeResult.textContent = "";
});

// ---- for tests and scripts ----------------------------------------------------------------

window.explorer = {
  network, nodes, edges, nodeView, edgeView, select, showDetails, findRoutes, state,
};
network.once("afterDrawing", () => { window.explorerReady = true; });
