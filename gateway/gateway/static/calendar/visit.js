// The visit window: one appointment with its client, staff member and time; its visit status, its
// service lines and money, its checkout (checkout.js), its details; moving it and deleting it.

import { api } from "./api.js";
import { catalogue, categoryChoices } from "./catalogue.js";
import { drawCheckout, wireCheckout } from "./checkout.js";
import { instantOf, isoAt, minutesBetween } from "./clock.js";
import { closeWindow, confirm, openWindow } from "./dialogs.js";
import { drawExtraFields, extraFieldValues, missingExtraFields } from "./extra-fields.js";
import { VISIT_STATUSES, clientName, when, zone } from "./format.js";
import { $, busy, clearProblem, el, facts, options, refuse, report, say } from "./page.js";
import { drawLines, keptLines, newLine } from "./service-lines.js";
import { may } from "./session.js";
import { refresh, shown } from "./view.js";

const DELETE_QUESTION = "Are you sure you want to delete the appointment?";

const visit = { appointment: null };
const PROBLEM_BOXES = ["status-problem", "lines-problem", "details-problem", "move-problem", "delete-problem"];

export function wireVisit() {
  $("visit-lines").addEventListener("submit", (event) => {
    event.preventDefault();
    busy($("save-lines"), "lines-problem", () => change({ services: keptLines() }));
  });
  $("add-line").addEventListener("click", () =>
    busy($("add-line"), "lines-problem", () => change({ services: [...keptLines(), newLine()] })),
  );
  $("visit-details").addEventListener("submit", (event) => {
    event.preventDefault();
    busy($("save-details"), "details-problem", saveDetails);
  });
  $("visit-own-colour").addEventListener("change", () => {
    $("visit-colour").disabled = !$("visit-own-colour").checked;
  });
  $("visit-move").addEventListener("submit", (event) => {
    event.preventDefault();
    busy($("move"), "move-problem", move);
  });
  $("delete-appointment").addEventListener("click", () => busy($("delete-appointment"), "delete-problem", remove));
  wireCheckout({ onChange: billChanged });
}

// The checkout changed what is paid or sold: the lines' money says so too (unless lines are being
// edited), and the calendar's block.
async function billChanged(bill) {
  const paid = { paid_amount: bill.paid, due: bill.due, payment_status: bill.payment_status };
  visit.appointment = { ...visit.appointment, ...paid };
  if (!$("lines-note").textContent) drawLines(visit.appointment, { onRemove: removeLine });
  await refresh();
}

export async function openVisit(appointment) {
  for (const box of PROBLEM_BOXES) clearProblem(box);
  try {
    show(await api(`/appointments/${appointment.id}`));
  } catch (problem) {
    report("sheet-problem", problem);
    return;
  }
  $("visit-details-box").open = false;
  $("visit-move-box").open = false;
  openWindow("visit", $("visit").querySelector(".close"));
}

function show(appointment) {
  visit.appointment = appointment;
  $("visit-title").textContent = clientName(appointment.client);
  const staffMember = shown.staff.find((member) => member.id === appointment.staff_member_id);
  $("visit-facts").replaceChildren(
    facts([
      ["Phone", appointment.client?.phone],
      ["Staff member", staffMember?.name],
      ["Time", when(appointment.starts_at, appointment.ends_at)],
      ["Comment", appointment.comment],
      ["State", appointment.state === "booked" ? null : appointment.state],
    ]),
  );
  drawStatuses(appointment);
  drawLines(appointment, { onRemove: removeLine });
  drawCheckout(appointment);
  drawDetails(appointment);
  drawMove(appointment);
  $("delete-appointment").closest(".danger-zone").hidden = !may("delete_bookings");
}

function drawStatuses(appointment) {
  $("visit-statuses").replaceChildren(
    ...Object.entries(VISIT_STATUSES).map(([status, label]) =>
      el(
        "button",
        {
          type: "button",
          class: `visit-status-choice status-${status}`,
          "aria-pressed": String(appointment.visit_status === status),
          "data-visit-status": status,
          onclick: (event) => busy(event.currentTarget, "status-problem", () => setStatus(status)),
        },
        label,
      ),
    ),
  );
}

async function setStatus(status) {
  const changed = await api(`/appointments/${visit.appointment.id}/visit-status`, {
    method: "POST",
    json: { visit_status: status },
  });
  await shownAgain(changed);
  $("visit-statuses").querySelector(`[data-visit-status="${status}"]`)?.focus();
}

function drawDetails(appointment) {
  $("visit-length").value = String(minutesBetween(appointment.starts_at, appointment.ends_at));
  options($("visit-category"), categoryChoices(), appointment.category_id ?? "");
  $("visit-own-colour").checked = Boolean(appointment.colour);
  $("visit-colour").value = appointment.colour || "#7fb3e6";
  $("visit-colour").disabled = !appointment.colour;
  drawExtraFields($("visit-extra-fields"), catalogue.extraFields, appointment.extra_fields ?? {}, "visit-extra");
  $("visit-comment").value = appointment.comment ?? "";
}

function drawMove(appointment) {
  $("move-date").value = appointment.starts_at.slice(0, 10);
  $("move-time").step = String(catalogue.step * 60);
  $("move-time").value = appointment.starts_at.slice(11, 16);
  options($("move-staff"), shown.staff.map((member) => [member.id, member.name]), appointment.staff_member_id);
}

// PATCH the appointment; the window and the calendar show what the server made of it.
async function change(changes) {
  const id = visit.appointment.id;
  const changed = await api(`/appointments/${id}`, {
    method: "PATCH",
    json: { ...changes, version: visit.appointment.version },
  });
  await shownAgain(changed);
}

async function shownAgain(appointment) {
  show(appointment);
  await refresh();
}

function removeLine(line) {
  const button = $("line-list").querySelector(`[data-line-id="${line.id}"] .remove-line`);
  busy(button, "lines-problem", () => change({ services: keptLines(line.id) }));
}

async function saveDetails() {
  const missing = missingExtraFields($("visit-extra-fields"));
  if (Object.keys(missing).length) throw refuse("Some required fields are empty.", missing);
  const length = Number($("visit-length").value);
  if (!Number.isInteger(length) || length < 1) {
    throw refuse("Give the length in minutes.", { length_minutes: ["Use a whole number of minutes."] });
  }
  await change({
    length_minutes: length,
    comment: $("visit-comment").value.trim(),
    category_id: $("visit-category").value ? Number($("visit-category").value) : null,
    colour: $("visit-own-colour").checked ? $("visit-colour").value : null,
    extra_fields: extraFieldValues($("visit-extra-fields"), { cleared: true }),
  });
  say("Appointment saved.");
}

async function move() {
  if (!$("move-date").value || !$("move-time").value) {
    throw refuse("Choose the new date and time.", { starts_at: ["Choose the new date and time."] });
  }
  const instant = instantOf($("move-date").value, $("move-time").value, zone());
  const moved = await api(`/appointments/${visit.appointment.id}/reschedule`, {
    method: "POST",
    json: { starts_at: isoAt(instant, zone()), staff_member_id: Number($("move-staff").value) },
  });
  await shownAgain(moved);
  say(`Appointment moved to ${when(moved.starts_at, moved.ends_at)}.`);
}

async function remove() {
  if (!(await confirm(DELETE_QUESTION))) return;
  await api(`/appointments/${visit.appointment.id}`, { method: "DELETE" });
  closeWindow("visit");
  say(`Appointment deleted: ${clientName(visit.appointment.client)}.`);
  await refresh();
}
