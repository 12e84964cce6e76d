// Download as Excel: the export runs on the server and its file is emailed; the data log lists who
// exported or imported what and when, with a Download button for each export that is ready.

import { api, download, query } from "./api.js";
import { chosenFilters, exportBody } from "./filters.js";
import { DATA_LOG_ACTIONS, JOB_STATUSES, moment } from "./format.js";
import { finishedJob } from "./jobs.js";
import { $, busy, el, report, say } from "./page.js";

const LOG_LENGTH = 20;
let shownLog = 0; // which showing of the log is on the page: older ones stop following their jobs

export function wireExports() {
  $("export").addEventListener("click", () => busy($("export"), "bookings-problem", requestExport));
  $("refresh-data-log").addEventListener("click", () =>
    busy($("refresh-data-log"), "data-log-problem", showDataLog),
  );
}

async function requestExport() {
  await api("/exports", { method: "POST", json: exportBody(chosenFilters()) });
  say(
    "bookings-status",
    "The Excel file of these bookings is being prepared. It will be emailed to you, " +
      "and the data log below offers it for download when it is ready.",
  );
  await busy($("refresh-data-log"), "data-log-problem", showDataLog);
}

export async function showDataLog() {
  const entries = await api(`/data-log${query({ limit: LOG_LENGTH })}`);
  const showing = ++shownLog;
  $("data-log-rows").replaceChildren(...entries.map((entry) => logRow(entry, () => showing === shownLog)));
  $("data-log-empty").hidden = entries.length > 0;
}

function logRow(entry, wanted) {
  const file = el("td", { "data-label": "File" });
  if (entry.action === "export_requested" && entry.job_id) followExport(entry.job_id, file, wanted);
  return el(
    "tr",
    { "data-action": entry.action, "data-job-id": entry.job_id },
    el("td", { "data-label": "When" }, moment(entry.created_at)),
    el("td", { "data-label": "Who" }, entry.user?.name || `user ${entry.user?.id ?? ""}`),
    el("td", { "data-label": "What" }, DATA_LOG_ACTIONS[entry.action] ?? entry.action, fileName(entry)),
    file,
  );
}

function fileName(entry) {
  const name = entry.details?.file_name;
  return typeof name === "string" && name ? el("span", { class: "file-name" }, name) : null;
}

async function followExport(jobId, cell, wanted) {
  try {
    const job = await finishedJob(jobId, {
      onProgress: (progress) => cell.replaceChildren(JOB_STATUSES[progress.status] ?? progress.status),
      wanted,
    });
    if (!job) return;
    if (job.status === "done") cell.replaceChildren(downloadButton(job));
    else cell.replaceChildren(`Failed: ${job.error || "no reason given"}`);
  } catch (problem) {
    report("data-log-problem", problem);
  }
}

function downloadButton(job) {
  const button = el("button", { type: "button", class: "download" }, "Download");
  button.addEventListener("click", () =>
    busy(button, "data-log-problem", async () => {
      await download(`/exports/${job.id}/file`, job.file_name || `bookings-${job.id}.xlsx`);
      await showDataLog();
    }),
  );
  return button;
}
