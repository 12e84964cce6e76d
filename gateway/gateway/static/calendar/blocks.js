// What a column shows: appointments in their colour, group events with their seats, breaks; each a
// button that opens its window. Positions are CSS custom properties, set through the CSSOM.

import { colourOf, inkOn } from "./colours.js";
import { VISIT_STATUSES, clientName, span } from "./format.js";
import { el } from "./page.js";

export function place(node, { from, to, lane = 0, lanes = 1 }) {
  node.style.setProperty("--from", String(from));
  node.style.setProperty("--length", String(Math.max(to - from, 1)));
  node.style.setProperty("--lane", String(lane));
  node.style.setProperty("--lanes", String(lanes));
  return node;
}

export function appointmentBlock(appointment, onOpen) {
  const colour = colourOf(appointment);
  const status = VISIT_STATUSES[appointment.visit_status] ?? appointment.visit_status;
  const services = appointment.services.map((line) => line.title).join(", ");
  const block = el(
    "button",
    {
      type: "button",
      class: `block appointment ink-${inkOn(colour)} status-${appointment.visit_status}`,
      "data-appointment-id": appointment.id,
      onclick: () => onOpen(appointment),
    },
    el(
      "span",
      { class: "block-line" },
      el("span", { class: "block-time" }, span(appointment.starts_at, appointment.ends_at)),
      el("span", { class: "visit-status" }, status),
    ),
    el("span", { class: "block-title" }, clientName(appointment.client)),
    el("span", { class: "block-services" }, services),
  );
  block.style.setProperty("--colour", colour);
  return block;
}

export function groupEventBlock(event, onOpen) {
  return el(
    "button",
    { type: "button", class: "block group-event", "data-group-event-id": event.id, onclick: () => onOpen(event) },
    el(
      "span",
      { class: "block-line" },
      el("span", { class: "block-time" }, span(event.starts_at, event.ends_at)),
      el("span", { class: "seats-taken" }, `${event.seats_taken}/${event.capacity} seats`),
    ),
    el("span", { class: "block-title" }, event.name),
  );
}

// A break of the calendar opens its window (to remove it); one of the weekly hours only shows.
export function breakBlock(break_, onOpen) {
  const content = [
    el("span", { class: "block-time" }, span(break_.start, break_.end)),
    el("span", { class: "block-title" }, "Break"),
    break_.note ? el("span", { class: "block-services" }, break_.note) : null,
  ];
  if (break_.id === null || break_.id === undefined) {
    return el("div", { class: "shade break weekly" }, ...content);
  }
  return el(
    "button",
    { type: "button", class: "block break", "data-break-id": break_.id, onclick: () => onOpen(break_) },
    ...content,
  );
}
