// The calendar sheet: a time axis kept in view on the left, a heading kept in view on top, and a
// column per staff member (day view) or per day (week view). Tapping an empty time in a column
// asks what to put there.

import { clockAt, toStep } from "./clock.js";
import { appointmentBlock, breakBlock, groupEventBlock, place } from "./blocks.js";
import { zone } from "./format.js";
import { lanes } from "./lanes.js";
import { $, el } from "./page.js";

// columns: [{heading, label, date, staffMember, timeline, working, breaks, appointments, group_events}]
export function drawSheet({ axis, columns, open, step, keepScroll }) {
  const sheet = $("sheet");
  const scroll = { top: sheet.scrollTop, left: sheet.scrollLeft };
  const grid = el(
    "div",
    { class: "grid" },
    el("div", { class: "corner" }),
    ...columns.map((column) => el("div", { class: "heading" }, column.heading)),
    drawAxis(axis),
    ...columns.map((column) => drawColumn(column, open, step)),
  );
  grid.style.setProperty("--columns", String(columns.length));
  grid.style.setProperty("--minutes", String(axis.minutes));
  const focused = sheetKey(document.activeElement);
  sheet.replaceChildren(grid);
  if (focused) bySheetKey(focused)?.focus({ preventScroll: true });
  $("no-staff").hidden = columns.length > 0;
  if (keepScroll) {
    sheet.scrollTo(scroll.left, scroll.top);
  } else {
    sheet.scrollTo(0, firstWorkingMinute(columns) * perMinute(grid, axis));
  }
}

function drawAxis(axis) {
  const labels = axis.hours.map((hour) =>
    place(el("span", { class: "hour-label" }, hour.label), { from: hour.minute, to: hour.minute + hour.length }),
  );
  return el("div", { class: "axis", "aria-hidden": "true" }, ...labels);
}

function drawColumn(column, open, step) {
  const { timeline } = column;
  const spot = (from, to, extra = {}) => ({ from: timeline.at(from), to: timeline.at(to), ...extra });
  const weekly = column.breaks.filter(isWeekly);
  const shades = [
    ...column.working.map((working) => place(el("div", { class: "shade working" }), spot(working.start, working.end))),
    ...weekly.map((break_) => place(breakBlock(break_), spot(break_.start, break_.end))),
  ];
  const booked = (one, node) => spot(one.starts_at, one.ends_at, { node });
  const openBreak = (found) => open.break(found, column);
  const records = [
    ...column.appointments.map((one) => booked(one, appointmentBlock(one, open.appointment))),
    ...column.group_events.map((one) => booked(one, groupEventBlock(one, open.groupEvent))),
    ...column.breaks
      .filter((break_) => !isWeekly(break_))
      .map((break_) => spot(break_.start, break_.end, { node: breakBlock(break_, openBreak) })),
  ];
  // In reading order: each hour, then what starts in it (what began the day before, in the first).
  const placed = lanes(records).map((record) => ({ ...record, node: place(record.node, record) }));
  const startsIn = (hour) => (record) =>
    record.from < hour.minute + hour.length && (record.from >= hour.minute || hour.minute === 0);
  const content = timeline.hours.flatMap((hour) => [
    emptyTime(column, hour, open, step),
    ...placed.filter(startsIn(hour)).map((record) => record.node),
  ]);
  const rest = placed.map((record) => record.node).filter((node) => !content.includes(node));
  return el(
    "div",
    {
      class: "column",
      role: "group",
      "aria-label": column.label,
      "data-date": column.date,
      "data-staff-member-id": column.staffMember.id,
    },
    ...shades,
    ...content,
    ...rest,
  );
}

// A break of the weekly hours has no id: it cannot be removed from the calendar.
const isWeekly = (break_) => break_.id === null || break_.id === undefined;

// An hour of a column, as a button: a tap opens the choice at the tapped time (down to the slot
// step), Enter or Space at the top of the hour.
function emptyTime(column, hour, open, step) {
  const cell = el("button", {
    type: "button",
    class: "empty-time",
    "aria-label": `${column.label}, ${hour.label}: add an appointment, group event or break`,
    "data-hour": hour.label,
  });
  cell.addEventListener("click", (event) => {
    const box = cell.getBoundingClientRect();
    const tapped = event.detail > 0 && event.clientY ? (event.clientY - box.top) / box.height : 0;
    const minute = hour.minute + Math.max(0, Math.min(tapped, 0.999)) * hour.length;
    const time = toStep(clockAt(column.timeline.instantAt(minute), zone()), step);
    open.emptyTime(column, time);
  });
  return place(cell, { from: hour.minute, to: hour.minute + hour.length });
}

function perMinute(grid, axis) {
  const column = grid.querySelector(".axis");
  return column ? column.getBoundingClientRect().height / axis.minutes : 1;
}

// A little before the first working hour, so the day starts in view.
function firstWorkingMinute(columns) {
  const starts = columns.flatMap((column) => column.working.map((working) => column.timeline.at(working.start)));
  return starts.length ? Math.max(Math.min(...starts) - 30, 0) : 8 * 60;
}

// A selector for a button of the sheet that finds its like again once the sheet is drawn anew.
export function sheetKey(node) {
  if (!node?.closest?.("#sheet")) return null;
  const kinds = { appointmentId: "appointment-id", groupEventId: "group-event-id", breakId: "break-id" };
  for (const [property, attribute] of Object.entries(kinds)) {
    if (node.dataset[property]) return `[data-${attribute}="${node.dataset[property]}"]`;
  }
  const column = node.closest(".column");
  if (!column || !node.dataset.hour) return null;
  const where = `.column[data-date="${column.dataset.date}"][data-staff-member-id="${column.dataset.staffMemberId}"]`;
  return `${where} .empty-time[data-hour="${node.dataset.hour}"]`;
}

export function bySheetKey(key) {
  return key ? document.querySelector(`#sheet ${key}`) : null;
}
