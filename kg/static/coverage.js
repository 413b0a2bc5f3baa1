// The coverage page of `kg serve`: the draft goes to /api/coverage, which runs the same code
// as `kg coverage`, and the report comes back as HTML the server has escaped.
"use strict";

const draft = document.getElementById("draft");
const kind = document.getElementById("kind");
const status = document.getElementById("status");
const result = document.getElementById("result");
let draftName = "draft";
const counted = (count, noun) => `${count} ${noun}${count === 1 ? "" : "s"}`;

function kindOf(name) {
  const lower = name.toLowerCase();
  if (lower.endsWith(".html") || lower.endsWith(".htm")) return "html";
  if (lower.endsWith(".md") || lower.endsWith(".markdown")) return "md";
  return "text";
}

function load(file) {
  file.text().then((text) => {
    draft.value = text;
    draftName = file.name;
    kind.value = kindOf(file.name);
    check();
  });
}

function check() {
  status.textContent = "Checking…";
  window.coverageDone = false;
  fetch("api/coverage", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ text: draft.value, name: draftName, kind: kind.value }),
  })
    .then((response) => (response.ok ? response.json() : response.text().then((t) => Promise.reject(new Error(t)))))
    .then((answer) => {
      result.innerHTML = answer.html; // escaped by the server's templates
      window.coverageReport = answer.report;
      const score = answer.report.score;
      status.textContent = `${counted(score.concepts_covered, "concept")} covered ` +
        `(${score.concepts}%), ${counted(score.claims_expressed, "claim")} expressed`;
      window.coverageDone = true;
    })
    .catch((error) => {
      status.textContent = `Could not check: ${error.message}`;
      window.coverageDone = true;
    });
}

document.getElementById("draft-form").addEventListener("submit", (event) => {
  event.preventDefault();
  check();
});
document.getElementById("file").addEventListener("change", (event) => {
  if (event.target.files.length) load(event.target.files[0]);
});
draft.addEventListener("input", () => { draftName = "draft"; });
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
