// A new appointment from the calendar: the client (found or new), the staff member's services, the
// time and length, colour, category, extra fields and a comment. One Idempotency-Key per opening,
// so a double tap books once.

import { api, newKey } from "./api.js";
import { catalogue, categoryChoices, lengthOf, servicesOf } from "./catalogue.js";
import { clientPicker } from "./client-picker.js";
import { instantOf, isoAt } from "./clock.js";
import { closeWindow, openWindow } from "./dialogs.js";
import { drawExtraFields, extraFieldValues, missingExtraFields } from "./extra-fields.js";
import { clientName, duration, money, time as timeOf, zone } from "./format.js";
import { $, busy, clearProblem, el, options, refuse, say } from "./page.js";
import { refresh, showDay, shown } from "./view.js";

const form = { key: null, picker: null, lengthTyped: false };

export function wireAppointmentForm() {
  form.picker = clientPicker($("appointment-client"), "appointment-client");
  $("appointment-form").addEventListener("submit", (event) => {
    event.preventDefault();
    busy($("create-appointment"), "appointment-problem", create);
  });
  $("appointment-staff").addEventListener("change", () => drawServices(Number($("appointment-staff").value)));
  $("appointment-services").addEventListener("change", fitLength);
  $("appointment-length").addEventListener("input", () => {
    form.lengthTyped = true;
  });
  $("appointment-own-colour").addEventListener("change", () => {
    $("appointment-colour").disabled = !$("appointment-own-colour").checked;
  });
}

export function openAppointmentForm({ staffMember, date, time }) {
  form.key = newKey();
  form.lengthTyped = false;
  form.picker.reset();
  $("appointment-form").reset();
  clearProblem("appointment-problem");
  options($("appointment-staff"), shown.staff.map((member) => [member.id, member.name]), staffMember.id);
  $("appointment-date").value = date;
  $("appointment-time").step = String(catalogue.step * 60);
  $("appointment-time").value = time;
  $("appointment-colour").disabled = true;
  options($("appointment-category"), categoryChoices(), "");
  drawExtraFields($("appointment-extra-fields"), catalogue.extraFields, {}, "appointment-extra");
  $("appointment-extra-fields").closest("details").open = catalogue.extraFields.some((field) => field.required);
  drawServices(staffMember.id);
  openWindow("new-appointment", $("appointment-client-search"));
}

function drawServices(staffMemberId) {
  const services = servicesOf(staffMemberId);
  $("appointment-services").replaceChildren(
    ...services.map((service) =>
      el(
        "label",
        { class: "check service-choice" },
        el("input", { type: "checkbox", name: "service_ids", value: service.id }),
        el("span", {}, service.title),
        el("span", { class: "note" }, `${duration(lengthOf(service, staffMemberId))} · ${priceOf(service)}`),
      ),
    ),
  );
  $("no-services").hidden = services.length > 0;
  fitLength();
}

function priceOf(service) {
  const low = money(service.price_min);
  return service.price_max > service.price_min ? `${low} – ${money(service.price_max)}` : low;
}

function chosenServiceIds() {
  return [...$("appointment-services").querySelectorAll("input:checked")].map((input) => Number(input.value));
}

// The length follows the services chosen until someone types one.
function fitLength() {
  if (form.lengthTyped) return;
  const staffMemberId = Number($("appointment-staff").value);
  const chosen = catalogue.services.filter((service) => chosenServiceIds().includes(service.id));
  const minutes = chosen.reduce((sum, service) => sum + lengthOf(service, staffMemberId), 0);
  $("appointment-length").value = minutes ? String(minutes) : "";
}

function booking() {
  const client = form.picker.value();
  const serviceIds = chosenServiceIds();
  const errors = { ...missingExtraFields($("appointment-extra-fields")) };
  if (!client) errors.client = ["Find and pick a client, or enter a new one."];
  if (!serviceIds.length) errors.service_ids = ["Choose at least one service."];
  if (!$("appointment-date").value) errors.date = ["Choose the date."];
  if (!$("appointment-time").value) errors.starts_at = ["Choose the time."];
  if (Object.keys(errors).length) throw refuse("Some details are missing.", errors);
  const instant = instantOf($("appointment-date").value, $("appointment-time").value, zone());
  const length = Number($("appointment-length").value);
  return {
    ...client,
    staff_member_id: Number($("appointment-staff").value),
    service_ids: serviceIds,
    starts_at: isoAt(instant, zone()),
    length_minutes: length > 0 ? length : null,
    comment: $("appointment-comment").value.trim(),
    category_id: $("appointment-category").value ? Number($("appointment-category").value) : null,
    colour: $("appointment-own-colour").checked ? $("appointment-colour").value : null,
    extra_fields: extraFieldValues($("appointment-extra-fields")),
  };
}

async function create() {
  const sent = booking();
  const booked = await api("/appointments", { method: "POST", json: sent, headers: { "Idempotency-Key": form.key } });
  const { appointment } = booked;
  closeWindow("new-appointment");
  say(`Appointment booked: ${clientName(appointment.client)} at ${timeOf(appointment.starts_at)}.`);
  const date = $("appointment-date").value;
  if (!shown.weekOf && date !== shown.date) await showDay(date);
  else await refresh();
}
