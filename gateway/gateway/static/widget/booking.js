// A new booking: services, then a specialist (or any), a time, contact details, the SMS code
// when the salon asks for one, and the confirmation with the client's own link.

import { ApiError, DEFAULT_SETTINGS, api, newKey, onlineBookingSettings, query } from "./api.js";
import * as format from "./format.js";
import { $, busy, clearProblem, details, el, onClick, say, showProblem, showStep } from "./page.js";
import { loadDays, openTimes } from "./times.js";

const CLIENT_FIELDS = ["name", "last_name", "middle_name", "phone", "email"];
const booking = {
  companyPath: null,
  settings: DEFAULT_SETTINGS,
  services: [],
  categories: [],
  serviceIds: [],
  staff: [],
  staffMemberId: null, // null: any specialist
  slot: null,
  attempt: null, // {json, key}: repeated with the same key only when it got no answer
  phone: null, // {typed, normalised, token, expiresAt}
  resendTimer: null,
};

export async function startBooking(companyId) {
  const companyPath = (rest = "") => `/companies/${companyId}${rest}`;
  const [company, settings, services, categories] = await Promise.all([
    api(companyPath()),
    onlineBookingSettings(companyPath),
    api(companyPath("/services")),
    api(companyPath("/service-categories")),
  ]);
  Object.assign(booking, { companyPath, settings, services, categories });
  format.useSalon(company);
  $("salon-name").textContent = company.name;
  document.title = `Book at ${company.name}`;
  wire();
  applyFieldSettings();
  renderServices();
  showStep("step-services");
}

function wire() {
  onClick("services-next", servicesChosen);
  // Enter in a field clicks the form's submit button; the page never submits a form itself.
  for (const form of [$("contact-form"), $("code-form")]) {
    form.addEventListener("submit", (event) => event.preventDefault());
  }
  onClick("book", contactGiven);
  onClick("confirm-code", codeGiven);
  onClick("resend-code", async () => {
    clearProblem();
    if (await sendCode(booking.phone.typed)) say("A new code is on its way.");
  });
  $("book-again").addEventListener("click", startOver);
}

// ---------------------------------------------------------------- services

function chosenServices() {
  return booking.serviceIds.map((id) => booking.services.find((service) => service.id === id));
}

function renderServices() {
  const list = $("service-list");
  list.replaceChildren();
  if (!booking.services.length) {
    list.append(el("p", { class: "note" }, "This salon has no services to book online yet."));
    return;
  }
  const titles = new Map(booking.categories.map((category) => [category.id, category.title]));
  const groups = new Map();
  for (const service of booking.services) {
    const key = titles.has(service.category_id) ? service.category_id : null;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(service);
  }
  const order = [...titles.keys(), null].filter((key) => groups.has(key));
  for (const key of order) {
    const heading = key === null ? (order.length > 1 ? "Other services" : null) : titles.get(key);
    if (heading) list.append(el("h2", { class: "subheading" }, heading));
    list.append(...groups.get(key).map(serviceButton));
  }
  updateServicesSummary();
}

function serviceButton(service) {
  return el(
    "button",
    {
      type: "button",
      class: "choice",
      "aria-pressed": String(booking.serviceIds.includes(service.id)),
      "data-service-id": service.id,
      onclick: () => toggleService(service.id),
    },
    el("span", { class: "choice-title" }, service.title),
    el(
      "span",
      { class: "choice-detail" },
      `${format.duration(service.duration_minutes)} · ${format.priceRange(service.price_min, service.price_max)}`,
    ),
  );
}

function toggleService(id) {
  const chosen = booking.serviceIds;
  booking.serviceIds = chosen.includes(id) ? chosen.filter((one) => one !== id) : [...chosen, id];
  for (const button of document.querySelectorAll("[data-service-id]")) {
    button.setAttribute("aria-pressed", String(booking.serviceIds.includes(Number(button.dataset.serviceId))));
  }
  updateServicesSummary();
}

function updateServicesSummary() {
  const services = chosenServices();
  $("services-next").disabled = !services.length;
  $("services-summary").textContent = services.length ? servicesLine(services) : "Choose one or more services.";
}

function servicesLine(services) {
  const total = (field) => services.reduce((sum, service) => sum + service[field], 0);
  const count = services.length === 1 ? "1 service" : `${services.length} services`;
  return `${count} · ${format.duration(total("duration_minutes"))} · ${totalPrice(services)}`;
}

function totalPrice(services) {
  const total = (field) => services.reduce((sum, service) => sum + service[field], 0);
  return format.priceRange(total("price_min"), total("price_max"));
}

async function servicesChosen() {
  clearProblem();
  const onlyStaffMember = booking.settings.staff_member_id;
  if (onlyStaffMember) {
    await chooseStaffMember(onlyStaffMember);
    return;
  }
  const staff = await api(booking.companyPath(`/staff${query({ service_id: booking.serviceIds[0] })}`));
  booking.staff = staff.filter((member) => booking.serviceIds.every((id) => member.service_ids.includes(id)));
  renderStaff();
  showStep("step-staff");
}

// ---------------------------------------------------------------- the specialist

function renderStaff() {
  const list = $("staff-list");
  list.replaceChildren();
  if (!booking.staff.length) {
    const text = "No specialist performs all of these services together. Go back and choose fewer.";
    list.append(el("p", { class: "note" }, text));
    return;
  }
  if (booking.settings.any_specialist) {
    list.append(staffButton("any", "Any specialist", "The first one free at the time you choose", null));
  }
  list.append(...booking.staff.map((member) => staffButton(member.id, member.name, member.position, member.id)));
}

function staffButton(key, name, position, staffMemberId) {
  const button = el(
    "button",
    { type: "button", class: "choice", "data-staff-member-id": key },
    el("span", { class: "choice-title" }, name),
    position ? el("span", { class: "choice-detail" }, position) : null,
  );
  button.addEventListener("click", () => busy(button, () => chooseStaffMember(staffMemberId)));
  return button;
}

async function chooseStaffMember(staffMemberId) {
  booking.staffMemberId = staffMemberId;
  await openTimes({
    companyPath: booking.companyPath,
    serviceIds: booking.serviceIds,
    staffMemberId,
    title: "Choose a time",
    onSlot: openContact,
  });
}

function staffName() {
  if (booking.staffMemberId === null) return "Any specialist";
  return booking.staff.find((member) => member.id === booking.staffMemberId)?.name ?? "";
}

// ---------------------------------------------------------------- contact details

function applyFieldSettings() {
  const fields = booking.settings.fields;
  for (const name of ["last_name", "middle_name", "email", "comment"]) {
    const mode = fields[name]?.mode ?? "optional";
    const box = document.querySelector(`[data-field="${name}"]`);
    box.hidden = mode === "hidden";
    box.querySelector(".mark").textContent = mode === "required" ? "required" : "optional";
    box.querySelector("input, textarea").setAttribute("aria-required", String(mode === "required"));
  }
  const commentLabel = fields.comment?.label || DEFAULT_SETTINGS.fields.comment.label;
  document.querySelector('[data-field="comment"] [data-label]').textContent = commentLabel;
  const withLastName = fields.last_name?.mode !== "hidden";
  document.querySelector('[data-field="name"] [data-label]').textContent = withLastName ? "First name" : "Name";
  const message = $("contact-message");
  message.textContent = booking.settings.contact_step_message || "";
  message.hidden = !booking.settings.contact_step_message;
  $("book").textContent = booking.settings.sms_confirmation ? "Continue" : "Book";
}

function openContact(slot) {
  booking.slot = slot;
  const services = chosenServices();
  $("choice-summary").replaceChildren(
    details([
      ["Service", services.map((service) => service.title).join(", ")],
      ["Specialist", staffName()],
      ["When", format.when(slot)],
      ["Price", totalPrice(services)],
    ]),
  );
  showStep("step-contact");
}

function contactDetails() {
  const form = $("contact-form");
  const client = { name: "", phone: "" };
  for (const name of CLIENT_FIELDS) {
    const value = form.elements[name].value.trim();
    if (!form.querySelector(`[data-field="${name}"]`).hidden && value) client[name] = value;
  }
  const commentShown = !form.querySelector('[data-field="comment"]').hidden;
  return { client, comment: commentShown ? form.elements.comment.value.trim() : "" };
}

async function contactGiven() {
  clearProblem();
  const { client } = contactDetails();
  const confirmed = booking.phone;
  const needsCode = booking.settings.sms_confirmation;
  if (!needsCode || (confirmed?.token && confirmed.typed === client.phone && confirmed.expiresAt > Date.now())) {
    await book();
  } else if (await sendCode(client.phone)) {
    $("sms-code").value = "";
    showStep("step-code");
  }
}

// ---------------------------------------------------------------- the SMS code

// True when a code is on its way; false when one was sent moments ago and still works.
async function sendCode(phone) {
  try {
    const sent = await api(booking.companyPath("/phone-confirmations"), { method: "POST", body: { phone } });
    booking.phone = { typed: phone, normalised: sent.phone, token: null, expiresAt: 0 };
    $("code-sent").textContent = `We sent a code by text message to ${sent.phone}.`;
    waitToResend(sent.resend_after);
    return true;
  } catch (problem) {
    if (problem.status !== 429 || booking.phone?.typed !== phone) throw problem;
    waitToResend(Number(problem.headers?.get("Retry-After")) || 30);
    showStep("step-code");
    showProblem(problem);
    return false;
  }
}

function waitToResend(seconds) {
  clearInterval(booking.resendTimer);
  const button = $("resend-code");
  let left = Math.max(0, Math.ceil(Number(seconds) || 0));
  const tick = () => {
    button.disabled = left > 0;
    button.textContent = left > 0 ? `Send a new code (in ${left} s)` : "Send a new code";
    if (left <= 0) clearInterval(booking.resendTimer);
    left -= 1;
  };
  tick();
  booking.resendTimer = setInterval(tick, 1000);
}

async function codeGiven() {
  clearProblem();
  const body = { phone: booking.phone.normalised, code: $("sms-code").value.trim() };
  const verified = await api(booking.companyPath("/phone-confirmations/verify"), { method: "POST", body });
  booking.phone = { ...booking.phone, token: verified.phone_token, expiresAt: Date.now() + verified.expires_in * 1000 };
  await book();
}

// ---------------------------------------------------------------- booking

async function book() {
  const { client, comment } = contactDetails();
  const body = {
    service_ids: booking.serviceIds,
    staff_member_id: booking.staffMemberId,
    starts_at: booking.slot,
    client,
    comment,
  };
  if (booking.settings.sms_confirmation && booking.phone?.token) {
    client.phone = booking.phone.normalised;
    body.phone_token = booking.phone.token;
  }
  const json = JSON.stringify(body);
  if (booking.attempt?.json !== json) booking.attempt = { json, key: newKey() };
  let booked;
  try {
    const headers = { "Idempotency-Key": booking.attempt.key };
    booked = await api(booking.companyPath("/bookings"), { method: "POST", body, headers });
  } catch (problem) {
    if (!(problem instanceof ApiError)) throw problem;
    if (problem.status !== 0) booking.attempt = null;
    await refused(problem);
    return;
  }
  booking.attempt = null;
  showBooked(booked);
}

// Back to the step where the client can put right what the server refused.
async function refused(problem) {
  const errors = problem.body?.errors?.json ?? {};
  if (problem.status === 409 || "starts_at" in errors) {
    await loadDays();
    showStep("step-time");
  } else if ("phone_token" in errors) {
    booking.phone = null;
    showStep("step-contact");
  } else if (problem.status === 422) {
    showStep("step-contact");
  }
  showProblem(problem);
}

function showBooked(booked) {
  $("done-details").replaceChildren(bookingDetails(booked.appointment));
  const here = location.pathname.replace(/\/$/, "");
  $("manage-link").href = `${here}/bookings/${encodeURIComponent(booked.link_token)}`;
  showStep("step-done", { fresh: true });
  say("Your appointment is booked.");
}

export function bookingDetails(appointment) {
  const staff = appointment.staff_member;
  return details([
    ["Service", appointment.services.map((line) => line.title).join(", ")],
    ["Specialist", staff.position ? `${staff.name}, ${staff.position}` : staff.name],
    ["When", format.when(appointment.starts_at)],
    ["Until", format.time(appointment.ends_at)],
    ["Price", format.money(appointment.total_price)],
    ["Comment", appointment.comment],
    ["Salon", appointment.company.name],
  ]);
}

function startOver() {
  booking.serviceIds = [];
  booking.slot = null;
  say("");
  renderServices();
  showStep("step-services", { fresh: true });
}
