// The coverage page of `kg serve`, an editor: ~400 ms after the writer stops typing, the draft
// goes to /api/coverage, which runs the same code as `kg coverage` and answers with the JSON
// report, its HTML (escaped by the server's templates) and its Markdown. One request at a time:
// a draft typed while one is out waits for it, and an answer to a draft that has changed since
// is dropped, so the page never shows an older draft's report over a newer one. The textarea is
// never written to while results arrive, so the caret and the text stay where the writer left
// them.
"use strict";

const PAUSE_MS = 400;
const draft = document.getElementById("draft");
const kind = document.getElementById("kind");
const status = document.getElementById("status");
const result = document.getElementById("result");
const download = document.getElementById("download");
let draftName = "draft";
let pause = null; // the timer that sends the draft once the writer pauses
let sending = null; // the draft whose report is being made
let shown = null; // the draft whose report is on the page, and that report's Markdown
const counted = (count, noun) => `${count} ${noun}${count === 1 ? "" : "s"}`;

function kindOf(name) {
  const lower = name.toLowerCase();
  if (lower.endsWith(".html") || lower.endsWith(".htm")) return "html";
  if (lower.endsWith(".md") || lower.endsWith(".markdown")) return "md";
  return "text";
}

const current = () => ({ text: draft.value, name: draftName, kind: kind.value });
const same = (a, b) => a !== null && a.text === b.text && a.name === b.name && a.kind === b.kind;

function waiting() {
  window.coverageDone = false;
  download.disabled = true;
  status.textContent = "Checking…";
}

function afterPause() {
  waiting();
  clearTimeout(pause);
  pause = setTimeout(send, PAUSE_MS);
}

function summary(report) {
  const score = report.score;
  const flagged = report.checks.filter((check) => check.verdict !== "supported").length;
  return `${counted(score.concepts_covered, "concept")} covered (${score.concepts}% of the graph), ` +
    `${counted(score.claims_expressed, "claim")} expressed; topic ${score.topic}% (${score.grade}); ` +
    `fact check: ${flagged ? counted(flagged, "sentence") + " to look at" : "nothing flagged"}`;
}

function show(sent, answer) {
  result.innerHTML = answer.html;
  shown = { draft: sent, markdown: answer.markdown };
  window.coverageReport = answer.report;
  status.textContent = summary(answer.report);
  download.disabled = false;
  window.coverageDone = true;
}

function failed(message) {
  status.textContent = `Could not check: ${message}`;
  window.coverageDone = true;
}

function answered(sent, outcome) {
  sending = null;
  if (same(sent, current())) {
    outcome();
  } else if (pause === null) {
    send(); // the writer changed the draft and paused while this one was out
  }
}

function send() {
  pause = null;
  if (sending !== null) return; // sent when the answer in flight comes back
  const sent = current();
  if (same(shown && shown.draft, sent)) {
    status.textContent = summary(window.coverageReport);
    download.disabled = false;
    window.coverageDone = true;
    return;
  }
  sending = sent;
  waiting();
  fetch("api/coverage", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(sent),
  })
    .then((response) => (response.ok ? response.json() : response.text().then((t) => Promise.reject(new Error(t)))))
    .then(
      (answer) => answered(sent, () => show(sent, answer)),
      (error) => answered(sent, () => failed(error.message)),
    );
}

function stem(name) {
  const base = name.split(/[\\/]/).pop();
  return base.includes(".") ? base.slice(0, base.lastIndexOf(".")) : base;
}

function saveMarkdown() {
  const blob = new Blob([shown.markdown + "\n"], { type: "text/markdown;charset=utf-8" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = `${stem(shown.draft.name)}-coverage.md`;
  link.click();
  // the download has started from the URL once the click's task is over
  setTimeout(() => URL.revokeObjectURL(link.href), 0);
}

function load(file) {
  file.text().then((text) => {
    draft.value = text;
    draftName = file.name;
    kind.value = kindOf(file.name);
    clearTimeout(pause);
    send();
  });
}

document.getElementById("draft-form").addEventListener("submit", (event) => event.preventDefault());
draft.addEventListener("input", afterPause);
kind.addEventListener("change", afterPause);
download.addEventListener("click", saveMarkdown);
document.getElementById("file").addEventListener("change", (event) => {
  if (event.target.files.length) load(event.target.files[0]);
});
draft.addEventListener("dragover", (event) => {
  event.preventDefault();
  draft.classList.add("dropping");
});
draft.addEventListener("dragleave", () => draft.classList.remove("dropping"));
draft.addEventListener("drop", (event) => {
  event.preventDefault();
  draft.classList.remove("dropping");
  if (event.dataTransfer.files.length) load(event.dataTransfer.files[0]);
});

window.coveragePageReady = true;
