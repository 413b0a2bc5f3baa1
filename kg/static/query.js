// The query page of `kg serve`: YASGUI on this server's /sparql, with the saved queries as
// examples. Nothing here reaches beyond this server: the editor's autocompleters that would
// call out (LOV for classes and properties) are left off.
"use strict";

const examples = JSON.parse(document.getElementById("saved-queries").textContent);
const endpoint = new URL("sparql", window.location.href).href;
const notice = document.getElementById("notice");

const yasgui = new Yasgui(document.getElementById("yasgui"), {
  requestConfig: { endpoint: endpoint, method: "POST" },
  copyEndpointOnNewTab: true,
  endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }] },
  populateFromUrl: false,
  persistenceId: null,
  yasqe: { autocompleters: ["prefixes", "variables"] },
});

function showNotice(text) {
  notice.textContent = text;
  notice.hidden = !text;
}

function openExample(button) {
  const example = examples.find((e) => e.name === button.dataset.name);
  const tab = yasgui.getTab();
  tab.setQuery(example.text);
  tab.setName(example.title);
  document.querySelectorAll(".example.active").forEach((b) => b.classList.remove("active"));
  button.classList.add("active");
  showNotice("");
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

window.queryPageReady = true;
