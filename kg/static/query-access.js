// Keyboard and screen-reader access to YASGUI's editor and controls on the query page. YASGUI
// builds its DOM itself (and again for each new tab, result or completion list), so this
// script mends each piece as it appears, whatever query.js does with the editor.
"use strict";

(function () {
  // CodeMirror inserts a tab for Tab, so a keyboard user could never leave the editor. Tab and
  // Shift-Tab go back to the browser and move focus; while the completion list is open, Tab
  // still picks a completion. Ctrl-] and Ctrl-[ indent, and Enter keeps the indentation.
  const keysThatLeave = { Tab: false, "Shift-Tab": false };

  function mendEditor(editor) {
    if (editor.mendedForAccess) return;
    editor.mendedForAccess = true;
    editor.setOption("extraKeys", Object.assign({}, editor.getOption("extraKeys"), keysThatLeave));
    editor.setOption("screenReaderLabel", "SPARQL query");
    // The editor grows with its query and long IRIs wrap, so the page is the only thing that
    // scrolls: no box a keyboard cannot scroll and, on a phone, no scroll inside a scroll.
    editor.setOption("lineWrapping", true);
    editor.setOption("viewportMargin", Infinity);
    editor.setSize(null, "auto");
  }

  function label(element, name) {
    if (!element.hasAttribute("aria-label")) element.setAttribute("aria-label", name);
  }

  function mend(root) {
    root.querySelectorAll(".CodeMirror").forEach((wrapper) => {
      if (wrapper.CodeMirror) mendEditor(wrapper.CodeMirror);
    });
    root.querySelectorAll("input.autocomplete").forEach((input) => label(input, "SPARQL endpoint"));
    root.querySelectorAll("select.tableSizer").forEach((select) => label(select, "Rows per page"));
    root.querySelectorAll("ul.CodeMirror-hints").forEach((list) => label(list, "Completions"));
    // YASGUI puts its "add a tab" button inside the tab list, where only tabs may be; as a
    // tab of that list it is announced and reached with the arrow keys like the others.
    root.querySelectorAll(".tabsList .addTab").forEach((button) => {
      button.setAttribute("role", "tab");
      button.setAttribute("aria-selected", "false");
    });
  }

  // the completion list is a child of the body, not of YASGUI's element
  mend(document);
  new MutationObserver(() => mend(document)).observe(document.body, {
    childList: true,
    subtree: true,
  });
})();
