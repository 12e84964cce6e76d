// The day and time step, two weeks a page: for a new booking and for moving one.

import { api, query } from "./api.js";
import * as format from "./format.js";
import { $, clearProblem, el, onClick, showStep } from "./page.js";

const DAYS_A_PAGE = 14;
const picker = {
  companyPath: null,
  serviceIds: [],
  staffMemberId: null, // null: any specialist
  onSlot: null,
  pages: [null], // the first day of each page; null: the salon's today
  page: 0,
  days: [],
  day: null,
};

export function wireTimes() {
  onClick("earlier-days", () => turnPage(-1));
  onClick("later-days", () => turnPage(1));
}

export async function openTimes({ companyPath, serviceIds, staffMemberId, title, onSlot }) {
  Object.assign(picker, { companyPath, serviceIds, staffMemberId, onSlot, pages: [null], page: 0 });
  await loadDays();
  const zone = format.salonTimezone();
  const note = $("time-zone-note");
  note.hidden = Intl.DateTimeFormat().resolvedOptions().timeZone === zone;
  note.textContent = `Times are the salon's local time (${zone}).`;
  $("time-title").textContent = title;
  showStep("step-time");
}

// Again after a slot was taken meanwhile.
export async function loadDays() {
  const first = picker.pages[picker.page];
  const params = {
    service_id: picker.serviceIds,
    staff_member_id: picker.staffMemberId,
    date_from: first,
    date_to: first && format.addDays(first, DAYS_A_PAGE - 1),
  };
  const found = await api(picker.companyPath(`/slots${query(params)}`));
  picker.days = found.days;
  if (picker.days.length) {
    picker.pages[picker.page] = picker.days[0].date;
    picker.pages[picker.page + 1] = format.addDays(picker.days.at(-1).date, 1);
  }
  picker.day = picker.days.find((day) => day.slots.length)?.date ?? null;
  renderDays();
}

async function turnPage(step) {
  clearProblem();
  picker.page += step;
  await loadDays();
}

function renderDays() {
  const list = $("day-list");
  list.replaceChildren(...picker.days.map(dayButton));
  $("earlier-days").disabled = picker.page === 0;
  $("later-days").disabled = !picker.days.length;
  renderSlots();
}

function dayButton(day) {
  const free = day.slots.length > 0;
  const label = format.day(day.date, { weekday: "long", day: "numeric", month: "long" });
  return el(
    "button",
    {
      type: "button",
      class: "day",
      "data-date": day.date,
      "aria-pressed": String(day.date === picker.day),
      "aria-label": free ? label : `${label}, fully booked`,
      disabled: !free,
      onclick: () => chooseDay(day.date),
    },
    el("span", { class: "day-weekday" }, format.day(day.date, { weekday: "short" })),
    el("span", { class: "day-number" }, format.day(day.date, { day: "numeric" })),
    el("span", { class: "day-month" }, format.day(day.date, { month: "short" })),
  );
}

function chooseDay(date) {
  picker.day = date;
  for (const button of document.querySelectorAll("[data-date]")) {
    button.setAttribute("aria-pressed", String(button.dataset.date === date));
  }
  renderSlots();
}

function renderSlots() {
  $("move-actions").hidden = true;
  const day = picker.days.find((one) => one.date === picker.day);
  const empty = $("no-slots");
  empty.hidden = Boolean(day);
  empty.textContent = "No free times on these dates. Try later dates.";
  const title = day && format.day(day.date, { weekday: "long", day: "numeric", month: "long" });
  $("slots-title").textContent = title || "Time";
  $("slot-list").replaceChildren(...(day ? day.slots.map(slotButton) : []));
}

function slotButton(slot) {
  return el(
    "button",
    {
      type: "button",
      class: "slot",
      "data-start": slot.start,
      "aria-pressed": "false",
      onclick: () => chooseSlot(slot.start),
    },
    format.time(slot.start),
  );
}

function chooseSlot(start) {
  clearProblem();
  for (const button of document.querySelectorAll("[data-start]")) {
    button.setAttribute("aria-pressed", String(button.dataset.start === start));
  }
  picker.onSlot(start);
}
