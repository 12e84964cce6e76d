// One booking of the overview as a table row (a card on a phone), and the row of details under it
// that its Info button opens: who deleted it and when, cancellation, category, comment, prices.

import { money, moment, payment, SOURCES, STATES, VISIT_STATUSES, visitTime } from "./format.js";
import { details, el } from "./page.js";

export function creator(booking) {
  const by = booking.created_by;
  if (by.kind === "client") return "client";
  return by.name || `user ${by.id}`;
}

export function bookingRows(booking, { selectable, onSelect }) {
  const infoId = `booking-${booking.id}-info`;
  const info = el("button", { type: "button", class: "info", "aria-expanded": "false", "aria-controls": infoId },
    "Info"); // prettier-ignore
  const row = el(
    "tr",
    { class: `booking ${booking.state}`, "data-booking-id": booking.id },
    selectable ? selectCell(booking, onSelect) : null,
    cell("Created", moment(booking.created_at), el("span", { class: "by" }, `by ${creator(booking)}`)),
    cell("Source", SOURCES[booking.source] ?? booking.source),
    cell("Staff member", booking.staff_member.name ?? ""),
    cell("Services", services(booking)),
    cell("Client", booking.client.name ?? "", el("span", { class: "phone" }, booking.client.phone ?? "")),
    cell("Visit", visitTime(booking.starts_at, booking.ends_at)),
    cell("Visit status", VISIT_STATUSES[booking.visit_status] ?? booking.visit_status, stateMark(booking)),
    cell("Payment", payment(booking)),
    el("td", { class: "actions-cell" }, info),
  );
  const more = el(
    "tr",
    { class: `booking-info ${booking.state}`, id: infoId, hidden: true },
    el("td", { colspan: selectable ? 10 : 9 }, bookingDetails(booking)),
  );
  info.addEventListener("click", () => {
    more.hidden = !more.hidden;
    info.setAttribute("aria-expanded", String(!more.hidden));
  });
  return [row, more];
}

function cell(label, ...content) {
  const parts = content.map((part) => (typeof part === "string" ? el("span", {}, part) : part));
  return el("td", { "data-label": label }, ...parts);
}

function selectCell(booking, onSelect) {
  const box = el("input", {
    type: "checkbox",
    class: "select",
    value: booking.id,
    disabled: booking.state === "deleted",
    "aria-label": `Select the booking of ${booking.client.name || "a client"}, ${moment(booking.starts_at)}`,
  });
  box.addEventListener("change", () => onSelect(booking.id, box.checked));
  return el("td", { class: "select-cell", "data-label": "Select" }, el("label", { class: "check" }, box));
}

function services(booking) {
  const titles = booking.services.map((line) => line.title).join(", ");
  return titles ? `${titles} · ${money(booking.total_price)}` : "No services";
}

function stateMark(booking) {
  const state = STATES[booking.state];
  return state ? el("span", { class: `state ${booking.state}` }, state) : null;
}

function bookingDetails(booking) {
  return details([
    ["Booking", `#${booking.id}`],
    ["Deleted", booking.deleted_at && `${moment(booking.deleted_at)} by ${booking.deleted_by?.name || "a user"}`],
    ["Cancelled", moment(booking.cancelled_at)],
    ["Created", `${moment(booking.created_at)} by ${creator(booking)}`],
    ["Booking category", booking.category?.title],
    ["Total price", money(booking.total_price)],
    ["Paid", money(booking.paid_amount)],
    ["Discount", booking.discount ? money(booking.discount) : ""],
    ["Comment", booking.comment],
  ]);
}
