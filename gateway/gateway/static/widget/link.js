// The client's own booking, through the secret link they got when booking: see it, move it to
// another free time with the same specialist, or cancel it.

import { api } from "./api.js";
import { bookingDetails } from "./booking.js";
import * as format from "./format.js";
import { $, clearProblem, onClick, say, showStep } from "./page.js";
import { loadDays, openTimes } from "./times.js";

const link = { path: null, appointment: null, slot: null };

export async function startLink(token) {
  link.path = (rest = "") => `/bookings/${encodeURIComponent(token)}${rest}`;
  wire();
  show(await api(link.path()));
}

function wire() {
  onClick("reschedule", chooseNewTime);
  onClick("confirm-move", move);
  onClick("cancel-yes", cancel);
  $("cancel").addEventListener("click", () => askToCancel(true));
  $("cancel-no").addEventListener("click", () => askToCancel(false));
  $("book-new-link").href = location.pathname.replace(/\/bookings\/[^/]*\/?$/, "");
}

function show(appointment) {
  link.appointment = appointment;
  format.useSalon(appointment.company);
  $("salon-name").textContent = appointment.company.name;
  $("booking-details").replaceChildren(bookingDetails(appointment));
  const cancelled = appointment.state !== "booked";
  const started = new Date(appointment.starts_at) <= new Date();
  const status = $("booking-state");
  if (cancelled) status.textContent = "This booking is cancelled.";
  else status.textContent = started ? "This appointment has started or is over." : "You are booked.";
  status.className = `state ${cancelled ? "cancelled" : "booked"}`;
  $("booking-actions").hidden = cancelled || started;
  $("cancel-confirm").hidden = true;
  $("book-new").hidden = !cancelled;
  $("cancel-question").textContent = `Cancel your appointment on ${format.when(appointment.starts_at)}?`;
  showStep("step-booking", { fresh: true });
}

function askToCancel(asking) {
  $("booking-actions").hidden = asking;
  $("cancel-confirm").hidden = !asking;
  $(asking ? "cancel-yes" : "cancel").focus();
}

async function chooseNewTime() {
  clearProblem();
  const appointment = link.appointment;
  await openTimes({
    companyPath: (rest = "") => `/companies/${appointment.company.id}${rest}`,
    serviceIds: appointment.services.map((line) => line.service_id),
    staffMemberId: appointment.staff_member.id,
    title: "Choose a new time",
    onSlot: offerMove,
  });
}

function offerMove(slot) {
  link.slot = slot;
  $("confirm-move").textContent = `Move my booking to ${format.when(slot)}`;
  $("move-actions").hidden = false;
  $("confirm-move").focus();
}

async function move() {
  clearProblem();
  try {
    const moved = await api(link.path("/reschedule"), { method: "POST", body: { starts_at: link.slot } });
    show(moved);
    say(`Your booking is moved to ${format.when(moved.starts_at)}.`);
  } catch (problem) {
    if (problem.status === 409 || problem.status === 422) await loadDays();
    throw problem;
  }
}

async function cancel() {
  clearProblem();
  show(await api(link.path("/cancel"), { method: "POST" }));
  say("Your booking is cancelled.");
}
