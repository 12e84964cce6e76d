// Breaks in a staff member's calendar: adding one (409 when it overlaps an appointment, event or
// break) and removing one of the calendar's.

import { api } from "./api.js";
import { addMinutes, instantOf, isoAt } from "./clock.js";
import { closeWindow, openWindow } from "./dialogs.js";
import { day as dayText, span, zone } from "./format.js";
import { $, busy, clearProblem, refuse, say } from "./page.js";
import { refresh } from "./view.js";

const BREAK_MINUTES = 30;
const chosen = { staffMember: null, date: null, break_: null };

export function wireBreaks() {
  $("break-form").addEventListener("submit", (event) => {
    event.preventDefault();
    busy($("create-break"), "break-problem", addBreak);
  });
  $("break-start").addEventListener("change", () => {
    const start = $("break-start").value;
    if (start && $("break-end").value <= start) $("break-end").value = addMinutes(start, BREAK_MINUTES);
  });
  $("remove-break").addEventListener("click", () => busy($("remove-break"), "remove-break-problem", removeBreak));
}

export function openBreakForm({ staffMember, date, time }) {
  Object.assign(chosen, { staffMember, date });
  $("break-form").reset();
  clearProblem("break-problem");
  $("break-staff").textContent = `${staffMember.name}, ${dayText(date)}`;
  $("break-start").value = time;
  $("break-end").value = addMinutes(time, BREAK_MINUTES);
  openWindow("new-break");
}

async function addBreak() {
  const start = $("break-start").value;
  const end = $("break-end").value;
  if (!start || !end || end <= start) {
    throw refuse("The break must end after it starts.", { ends_at: ["Choose an end after the start."] });
  }
  const at = (time) => isoAt(instantOf(chosen.date, time, zone()), zone());
  const added = await api(`/staff/${chosen.staffMember.id}/breaks`, {
    method: "POST",
    json: { starts_at: at(start), ends_at: at(end), note: $("break-note").value.trim() || null },
  });
  closeWindow("new-break");
  say(`Break added for ${chosen.staffMember.name}: ${span(added.starts_at, added.ends_at)}.`);
  await refresh();
}

export function openBreak(break_, column) {
  Object.assign(chosen, { staffMember: column.staffMember, date: column.date, break_ });
  clearProblem("remove-break-problem");
  $("break-facts").textContent = [`${column.staffMember.name}, ${span(break_.start, break_.end)}`, break_.note]
    .filter(Boolean)
    .join(". ");
  openWindow("break-window", $("remove-break"));
}

async function removeBreak() {
  await api(`/breaks/${chosen.break_.id}`, { method: "DELETE" });
  closeWindow("break-window");
  say(`Break removed for ${chosen.staffMember.name}.`);
  await refresh();
}
