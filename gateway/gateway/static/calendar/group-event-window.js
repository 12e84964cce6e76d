// A group event's window: its name, time and seats; adding a client (409 once it is full), taking
// one off, and cancelling the whole event.

import { api, newKey } from "./api.js";
import { clientPicker } from "./client-picker.js";
import { closeWindow, confirm, openWindow } from "./dialogs.js";
import { VISIT_STATUSES, money, when } from "./format.js";
import { $, busy, clearProblem, el, facts, refuse, report, say } from "./page.js";
import { refresh, shown } from "./view.js";

const eventWindow = { event: null, picker: null, key: null };

export function wireGroupEventWindow() {
  eventWindow.picker = clientPicker($("seat-client"), "seat-client");
  $("seat-form").addEventListener("submit", (event) => {
    event.preventDefault();
    busy($("add-seat"), "seat-problem", addSeat);
  });
  $("cancel-event").addEventListener("click", () => busy($("cancel-event"), "cancel-event-problem", cancelEvent));
}

export async function openGroupEvent(event) {
  for (const box of ["event-problem", "seat-problem", "cancel-event-problem"]) clearProblem(box);
  try {
    show(await api(`/group-events/${event.id}`));
  } catch (problem) {
    report("sheet-problem", problem);
    return;
  }
  startSeat();
  openWindow("group-event", $("group-event").querySelector(".close"));
}

function startSeat() {
  eventWindow.picker.reset();
  eventWindow.key = newKey();
}

function show(event) {
  eventWindow.event = event;
  $("group-event-title").textContent = event.name;
  const staffMember = shown.staff.find((member) => member.id === event.staff_member_id);
  $("event-facts").replaceChildren(
    facts([
      ["Time", when(event.starts_at, event.ends_at)],
      ["Staff member", staffMember?.name],
      ["Service", event.service_title],
      ["Seats", `${event.seats_taken}/${event.capacity} taken, ${event.free_seats} free`],
      ["Price of a seat", money(event.price)],
      ["State", event.state === "booked" ? null : event.state],
    ]),
  );
  $("seat-list").replaceChildren(...event.seats.map(seatItem));
  $("no-seats").hidden = event.seats.length > 0;
  const live = event.state === "booked";
  $("seat-form").hidden = !live;
  $("cancel-event").closest(".danger-zone").hidden = !live;
}

function seatItem(seat) {
  const remove = el(
    "button",
    { type: "button", class: "danger", "aria-label": `Take ${seat.client_name} off the event` },
    "Remove",
  );
  remove.addEventListener("click", () => busy(remove, "event-problem", () => removeSeat(seat)));
  return el(
    "li",
    { class: "seat", "data-appointment-id": seat.appointment_id },
    el(
      "span",
      { class: "seat-client" },
      el("strong", {}, seat.client_name ?? "Client"),
      el("span", { class: "note" }, ` ${seat.client_phone ?? ""} · ${VISIT_STATUSES[seat.visit_status] ?? ""}`),
    ),
    remove,
  );
}

async function addSeat() {
  const client = eventWindow.picker.value();
  if (!client) throw refuse("Find and pick a client, or enter a new one.", { client: ["Say who the client is."] });
  const id = eventWindow.event.id;
  await api(`/group-events/${id}/seats`, { method: "POST", json: client, headers: { "Idempotency-Key": eventWindow.key } });
  show(await api(`/group-events/${id}`));
  startSeat();
  say(`Client added to ${eventWindow.event.name}.`);
  await refresh();
}

async function removeSeat(seat) {
  const changed = await api(`/group-events/${eventWindow.event.id}/seats/${seat.appointment_id}`, { method: "DELETE" });
  show(changed);
  await refresh();
}

async function cancelEvent() {
  if (!(await confirm("Cancel the group event and every client's seat?", "Yes, cancel it"))) return;
  await api(`/group-events/${eventWindow.event.id}/cancel`, { method: "POST", json: {} });
  closeWindow("group-event");
  say(`Group event cancelled: ${eventWindow.event.name}.`);
  await refresh();
}
