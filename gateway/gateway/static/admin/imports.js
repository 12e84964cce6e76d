// Upload from Excel: check a file (a dry run writes nothing) or import it, then follow its job to the
// report of what was created, what was there already, and each problem by row and column. Both
// buttons stay disabled while a job runs, so a file is never sent twice.

import { api } from "./api.js";
import { showDataLog } from "./exports.js";
import { JOB_STATUSES } from "./format.js";
import { finishedJob } from "./jobs.js";
import { $, clearProblem, el, plural, report, say, showProblem } from "./page.js";
import { may } from "./session.js";

const BUTTONS = ["import-check", "import-run"];

export function wireImports() {
  $("import-check").addEventListener("click", () => runImport(true));
  $("import-run").addEventListener("click", () => runImport(false));
}

async function runImport(dryRun) {
  if (BUTTONS.some((id) => $(id).disabled)) return;
  hold(true);
  clearProblem("import-problem");
  $("import-report").hidden = true;
  say("import-status", "");
  try {
    const form = new FormData($("import-form"));
    form.set("dry_run", dryRun ? "true" : "false");
    const job = await api("/imports", { method: "POST", form });
    const finished = await finishedJob(job.id, { onProgress: (progress) => sayProgress(progress, dryRun) });
    showReport(finished, dryRun);
    if (may("export_data")) await showDataLog();
  } catch (problem) {
    report("import-problem", problem);
  } finally {
    hold(false);
  }
}

function hold(running) {
  for (const id of BUTTONS) $(id).disabled = running;
  $("import").setAttribute("aria-busy", String(running));
}

function sayProgress(job, dryRun) {
  const what = dryRun ? "Checking the file" : "Importing the file";
  say("import-status", `${what}: ${(JOB_STATUSES[job.status] ?? job.status).toLowerCase()}.`);
}

function showReport(job, dryRun) {
  if (job.status === "failed") {
    say("import-status", "");
    showProblem("import-problem", { message: `The ${dryRun ? "check" : "import"} failed: ${job.error || "no reason given"}` });
    return;
  }
  const found = job.report ?? {};
  const problems = found.problems ?? [];
  const counts = `Created: ${found.created ?? 0}. Already there: ${found.existing ?? 0}. ${plural(problems.length, "problem")}.`;
  say("import-status", dryRun ? `Check finished, nothing was written. ${counts}` : `Import finished. ${counts}`);
  const box = $("import-report");
  box.replaceChildren(...(problems.length ? [problemTable(problems)] : []));
  box.hidden = problems.length === 0;
}

function problemTable(problems) {
  return el(
    "table",
    { class: "problems" },
    el("caption", {}, "Problems in the file"),
    el("thead", {}, el("tr", {}, ...["Row", "Column", "Problem"].map((title) => el("th", { scope: "col" }, title)))),
    el(
      "tbody",
      {},
      ...problems.map((problem) =>
        el(
          "tr",
          {},
          el("td", { "data-label": "Row" }, String(problem.row ?? "")),
          el("td", { "data-label": "Column" }, String(problem.column ?? "")),
          el("td", { "data-label": "Problem" }, String(problem.message ?? "")),
        ),
      ),
    ),
  );
}
