// The query page of `kg serve`: YASGUI on this server's /sparql, with the saved queries grouped
// by the question they answer, a form with a concept picker for their parameters, and results
// shown as people read them (prefixed names linked to the explorer, the graph's labels beside
// them, plain numbers and text). Nothing here reaches beyond this server: the editor's
// autocompleters that would call out (LOV for classes and properties) are left off.
"use strict";

const groups = JSON.parse(document.getElementById("saved-queries").textContent);
const prefixes = Object.entries(JSON.parse(document.getElementById("prefixes").textContent));
const examples = new Map(groups.flatMap((group) => group.queries).map((q) => [q.name, q]));
const endpoint = new URL("sparql", window.location.href).href;
const notice = document.getElementById("notice");
const paramForm = document.getElementById("params");

// Labels and concepts come from /api/names, once; results drawn before they arrive wait.
const names = { labels: new Map(), concepts: new Map(), list: [] };
const namesLoaded = fetch("api/names")
  .then((response) => (response.ok ? response.json() : Promise.reject(new Error(response.statusText))))
  .then((loaded) => {
    names.labels = new Map(Object.entries(loaded.labels));
    names.concepts = new Map(loaded.concepts.map((concept) => [concept.iri, concept]));
    names.list = loaded.concepts;
  })
  .catch((error) => showNotice(`The graph's labels could not be loaded (${error.message}): ` +
    "results show IRIs only.", true));

function element(tag, className, text) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

function showNotice(text, isError = false) {
  notice.textContent = text;
  notice.hidden = !text;
  notice.classList.toggle("error", isError);
}

// --- results -------------------------------------------------------------------------------

const NUMERIC = /#(integer|int|long|short|byte|decimal|double|float|nonNegativeInteger|positiveInteger|nonPositiveInteger|negativeInteger|unsignedInt|unsignedLong)$/;
const ROWS_PER_STEP = 500;

function prefixed(iri) {
  for (const [prefix, namespace] of prefixes) {
    if (iri.startsWith(namespace) && iri.length > namespace.length) {
      return `${prefix}:${iri.slice(namespace.length)}`;
    }
  }
  return iri;
}

// An IRI as a prefixed name, linked to the explorer for a concept (or to itself when it is on
// the web), with the graph's label beside it.
function iriCell(iri) {
  const concept = names.concepts.get(iri);
  const short = prefixed(iri);
  let name;
  if (concept) {
    name = element("a", "iri concept", short);
    name.href = `explore#concept=${encodeURIComponent(concept.slug)}`;
  } else if (short === iri && /^https?:\/\//.test(iri)) {
    name = element("a", "iri", short);
    name.href = iri;
    name.rel = "noopener noreferrer";
  } else {
    name = element("span", "iri", short);
  }
  name.title = iri;
  const label = names.labels.get(iri);
  // concept:ketamine says "ketamine" already; concept:ptsd is shown with its label
  const localName = short.slice(short.indexOf(":") + 1).replace(/-/g, " ");
  if (!label || label.toLowerCase() === localName.toLowerCase()) return [name];
  return [name, element("span", "label", label)];
}

function termCell(term) {
  if (term.type === "uri") return iriCell(term.value);
  if (term.type === "bnode") return [element("span", "blank", `_:${term.value}`)];
  if (term.type === "triple") return [element("span", "triple", termText(term))];
  const literal = element("span", "literal", term.value);
  if (term.datatype && NUMERIC.test(term.datatype)) literal.classList.add("number");
  if (term["xml:lang"]) literal.lang = term["xml:lang"];
  return [literal];
}

function termText(term) {
  if (term.type === "uri") return prefixed(term.value);
  if (term.type === "triple") {
    return `<< ${["subject", "predicate", "object"].map((p) => termText(term.value[p])).join(" ")} >>`;
  }
  return term.type === "bnode" ? `_:${term.value}` : term.value;
}

// A YASR plugin: the table is built with DOM calls, so no value from a result is ever read
// as HTML.
class ReadableTable {
  constructor(yasr) {
    this.yasr = yasr;
    this.priority = 20;
    this.label = "Table";
  }

  canHandleResults() {
    const results = this.yasr.results;
    return Boolean(results && results.getVariables() && results.getVariables().length > 0);
  }

  getIcon() {
    return element("span", "table-icon", "▦");
  }

  download(filename) {
    return {
      getData: () => this.yasr.results.asCsv(),
      contentType: "text/csv",
      title: "Download result",
      filename: `${filename || "queryResults"}.csv`,
    };
  }

  async draw() {
    await namesLoaded;
    const variables = this.yasr.results.getVariables();
    const bindings = this.yasr.results.getBindings() || [];
    const scroller = element("div", "results-scroll");
    scroller.tabIndex = 0;
    scroller.setAttribute("role", "region");
    scroller.setAttribute("aria-label", "Query results");
    const table = element("table", "results");
    const head = table.createTHead().insertRow();
    for (const variable of variables) {
      const heading = element("th", "", variable);
      heading.scope = "col";
      head.appendChild(heading);
    }
    const body = table.createTBody();
    scroller.appendChild(table);
    this.yasr.resultsEl.appendChild(scroller);
    const more = element("button", "more-rows");
    more.type = "button";
    this.yasr.resultsEl.appendChild(more);
    let shown = 0;
    const showMore = () => {
      const end = Math.min(bindings.length, shown + ROWS_PER_STEP);
      for (; shown < end; shown += 1) {
        const row = body.insertRow();
        for (const variable of variables) {
          const cell = row.insertCell();
          const term = bindings[shown][variable];
          if (term) cell.append(...termCell(term));
        }
      }
      const left = bindings.length - shown;
      more.hidden = left === 0;
      more.textContent = `Show ${Math.min(left, ROWS_PER_STEP)} more of ${left} rows left`;
    };
    more.addEventListener("click", showMore);
    showMore();
  }
}

Yasgui.Yasr.registerPlugin("results", ReadableTable);
// YASR's own table writes values as HTML and shows literals with their datatypes: this one
// takes its place; the raw response stays one click away.
Yasgui.Yasr.defaults.plugins.table.enabled = false;
Yasgui.Yasr.defaults.pluginOrder = ["results", "response"];

const yasgui = new Yasgui(document.getElementById("yasgui"), {
  requestConfig: { endpoint: endpoint, method: "POST" },
  copyEndpointOnNewTab: true,
  endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }] },
  populateFromUrl: false,
  persistenceId: null,
  yasqe: { autocompleters: ["prefixes", "variables"] },
  yasr: { defaultPlugin: "results" },
});

// --- saved queries and their parameters ----------------------------------------------------

const fieldTemplate = document.getElementById("param-field");

function openExample(button) {
  const example = examples.get(button.dataset.name);
  const tab = yasgui.getTab();
  tab.setQuery(example.text);
  tab.setName(example.title);
  document.querySelectorAll(".example.active").forEach((b) => b.classList.remove("active"));
  button.classList.add("active");
  showNotice("");
  showParamForm(example);
}

function showParamForm(example) {
  const fields = document.getElementById("param-fields");
  fields.replaceChildren();
  paramForm.hidden = example.params.length === 0;
  paramForm.dataset.name = example.name;
  document.getElementById("params-heading").textContent = example.title;
  for (const param of example.params) {
    const field = fieldTemplate.content.firstElementChild.cloneNode(true);
    const input = field.querySelector("input");
    const id = `param-${param.name}`;
    input.id = id;
    input.name = param.name;
    field.querySelector("label").htmlFor = id;
    field.querySelector("label").textContent = param.name;
    const hint = field.querySelector(".param-hint");
    hint.id = `${id}-hint`;
    hint.textContent = param.description;
    input.setAttribute("aria-describedby", hint.id);
    if (param.kind === "concept") {
      makePicker(input, field.querySelector(".suggestions"));
    } else {
      field.querySelector(".suggestions").remove();
      if (param.kind === "number") input.inputMode = "decimal";
    }
    fields.appendChild(field);
  }
}

paramForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const values = new URLSearchParams();
  for (const input of paramForm.querySelectorAll("input[name]")) {
    values.set(input.name, input.dataset.iri || input.value.trim());
  }
  const name = paramForm.dataset.name;
  const response = await fetch(`api/saved/${encodeURIComponent(name)}?${values}`);
  if (!response.ok) {
    showNotice(await response.text(), true);
    return;
  }
  const bound = await response.json();
  showNotice("");
  const tab = yasgui.getTab();
  tab.setQuery(bound.query);
  tab.query();
});

// --- the concept picker: an ARIA combobox over the concepts' labels and synonyms --------------

const MAX_SUGGESTIONS = 8;
let pickerCount = 0;

function suggestionsFor(text) {
  const wanted = text.trim().toLowerCase();
  if (!wanted) return [];
  const ranked = [];
  for (const concept of names.list) {
    let best = null;
    for (const [name, isSynonym] of [[concept.label, false], ...concept.synonyms.map((s) => [s, true])]) {
      const at = name.toLowerCase().indexOf(wanted);
      if (at < 0) continue;
      // a name that starts with the text first, then the label before a synonym, then shorter
      const rank = [at === 0 ? 0 : 1, isSynonym ? 1 : 0, name.length];
      if (!best || compareRanks(rank, best.rank) < 0) best = { concept, name, isSynonym, rank };
    }
    if (best) ranked.push(best);
  }
  ranked.sort((a, b) => compareRanks(a.rank, b.rank) || a.concept.label.localeCompare(b.concept.label));
  return ranked.slice(0, MAX_SUGGESTIONS);
}

function compareRanks(a, b) {
  for (let i = 0; i < a.length; i += 1) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return 0;
}

function makePicker(input, list) {
  pickerCount += 1;
  list.id = `suggestions-${pickerCount}`;
  list.setAttribute("aria-label", `Concepts for ${input.name}`);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);
  let options = [];
  let active = -1;

  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const highlight = (index) => {
    active = index;
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    if (index >= 0) input.setAttribute("aria-activedescendant", options[index].id);
    else input.removeAttribute("aria-activedescendant");
  };
  const choose = (suggestion) => {
    input.value = suggestion.concept.label;
    input.dataset.iri = suggestion.concept.iri;
    close();
  };

  input.addEventListener("input", () => {
    delete input.dataset.iri;
    const suggestions = suggestionsFor(input.value);
    options = suggestions.map((suggestion, i) => {
      const option = element("li", "suggestion");
      option.id = `${list.id}-${i}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.append(element("span", "suggestion-label", suggestion.concept.label));
      if (suggestion.isSynonym) option.append(element("span", "suggestion-synonym", suggestion.name));
      option.append(element("span", "suggestion-category", suggestion.concept.category));
      // mousedown, not click: the input must keep the focus, or the list closes first
      option.addEventListener("mousedown", (event) => {
        event.preventDefault();
        choose(suggestion);
      });
      option.suggestion = suggestion;
      return option;
    });
    list.replaceChildren(...options);
    list.hidden = options.length === 0;
    input.setAttribute("aria-expanded", String(!list.hidden));
    highlight(options.length ? 0 : -1);
  });
  input.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      highlight((active + step + options.length) % options.length);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      choose(options[active].suggestion);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", close);
}

document.querySelectorAll(".example").forEach((button) => {
  button.addEventListener("click", () => openExample(button));
});

// The server cuts long results at its row limit and says so in a header; say it here too.
function watchResponses(tab) {
  if (tab.watchedByQueryPage) return;
  tab.watchedByQueryPage = true;
  tab.getYasqe().on("queryResponse", (yasqe, response) => {
    const cut = response && response.headers && response.headers.get("X-SPARQL-MaxRows");
    showNotice(cut ? `The server cut this result at ${cut} row${cut === "1" ? "" : "s"} (its row limit): ` +
      "narrow the query, or page through it with LIMIT and OFFSET." : "");
  });
}
yasgui.on("query", (instance, tab) => watchResponses(tab));
watchResponses(yasgui.getTab());

namesLoaded.then(() => {
  window.queryPageReady = true;
});
