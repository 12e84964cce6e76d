// A new group event: one of the staff member's group services, its start, length, seats and title.

import { api } from "./api.js";
import { catalogue, groupServicesOf, lengthOf } from "./catalogue.js";
import { instantOf, isoAt } from "./clock.js";
import { closeWindow, openWindow } from "./dialogs.js";
import { day as dayText, money, time as timeOf, zone } from "./format.js";
import { $, busy, clearProblem, options, refuse, say } from "./page.js";
import { refresh, showDay, shown } from "./view.js";

const form = { staffMember: null };

export function wireGroupEventForm() {
  $("group-event-form").addEventListener("submit", (event) => {
    event.preventDefault();
    busy($("create-group-event"), "group-event-problem", create);
  });
  $("group-event-service").addEventListener("change", fitService);
}

export function openGroupEventForm({ staffMember, date, time }) {
  form.staffMember = staffMember;
  $("group-event-form").reset();
  clearProblem("group-event-problem");
  $("group-event-staff").textContent = `${staffMember.name}, ${dayText(date)}`;
  const services = groupServicesOf(staffMember.id);
  options(
    $("group-event-service"),
    services.map((service) => [service.id, `${service.title} · ${money(service.price_min)}`]),
  );
  $("no-group-services").hidden = services.length > 0;
  $("create-group-event").hidden = services.length === 0;
  $("group-event-date").value = date;
  $("group-event-time").step = String(catalogue.step * 60);
  $("group-event-time").value = time;
  fitService();
  openWindow("new-group-event");
}

// Length and seats as the service has them, to change if need be.
function fitService() {
  const service = catalogue.services.find((one) => one.id === Number($("group-event-service").value));
  $("group-event-length").value = service ? String(lengthOf(service, form.staffMember.id)) : "";
  $("group-event-capacity").value = service ? String(service.group_capacity) : "";
}

async function create() {
  const date = $("group-event-date").value;
  const time = $("group-event-time").value;
  if (!$("group-event-service").value) throw refuse("Choose the service.", { service_id: ["Choose a service."] });
  if (!date || !time) throw refuse("Choose the start.", { starts_at: ["Choose the date and time."] });
  const number = (id) => ($(id).value ? Number($(id).value) : null);
  const event = {
    staff_member_id: form.staffMember.id,
    service_id: Number($("group-event-service").value),
    starts_at: isoAt(instantOf(date, time, zone()), zone()),
    length_minutes: number("group-event-length"),
    capacity: number("group-event-capacity"),
    title: $("group-event-name").value.trim() || null,
  };
  const created = await api("/group-events", { method: "POST", json: event });
  closeWindow("new-group-event");
  say(`Group event created: ${created.name} at ${timeOf(created.starts_at)}.`);
  if (!shown.weekOf && date !== shown.date) await showDay(date);
  else await refresh();
}
