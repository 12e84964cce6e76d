// Which calendar is shown: a day of every staff member the user may see, or a week of one; the
// date controls, and showing it again after every change.

import { api, query } from "./api.js";
import { addDays, today } from "./clock.js";
import { catalogue } from "./catalogue.js";
import { day as dayText, useSalon, zone } from "./format.js";
import { $, clearProblem, el, options, report } from "./page.js";
import { drawSheet } from "./sheet.js";
import { dayTimeline, wallTimeline } from "./timeline.js";

export const shown = { date: null, weekOf: null, staff: [], opener: null };

// `opener`: {emptyTime, appointment, groupEvent, break}, the windows a tap opens.
export function wireView(opener) {
  shown.opener = opener;
  $("previous").addEventListener("click", () => moveBy(-1));
  $("next").addEventListener("click", () => moveBy(1));
  $("today").addEventListener("click", () => showDay(today(zone())));
  $("date").addEventListener("change", () => {
    if ($("date").value) showView($("date").value, shown.weekOf);
  });
  $("week-of").addEventListener("change", () => {
    showView(shown.date, $("week-of").value ? Number($("week-of").value) : null);
  });
}

function moveBy(step) {
  showView(addDays(shown.date, shown.weekOf ? 7 * step : step), shown.weekOf);
}

export const showDay = (date) => showView(date, null);
const showWeek = (date, staffMemberId) => showView(date, staffMemberId);

async function showView(date, weekOf) {
  const fresh = date !== shown.date || weekOf !== shown.weekOf;
  Object.assign(shown, { date, weekOf });
  await drawOrSay(fresh);
}

// Again, as it is now on the server (after a change), keeping the place scrolled to.
export function refresh() {
  return drawOrSay(false);
}

async function drawOrSay(fresh) {
  clearProblem("sheet-problem");
  try {
    await draw(fresh);
  } catch (problem) {
    report("sheet-problem", problem);
  }
}

async function draw(fresh) {
  const { date, weekOf } = shown;
  if (weekOf) await drawWeek(date, weekOf, fresh);
  else await drawDay(date, fresh);
  if (date !== shown.date || weekOf !== shown.weekOf) return; // a later choice is being drawn
  $("date").value = date;
  $("week-of").value = weekOf ? String(weekOf) : "";
  $("previous").setAttribute("aria-label", weekOf ? "Previous week" : "Previous day");
  $("next").setAttribute("aria-label", weekOf ? "Next week" : "Next day");
}

async function drawDay(date, fresh) {
  const answer = await api(`/calendar${query({ date })}`);
  if (date !== shown.date || shown.weekOf) return;
  useSalon(answer.currency, answer.timezone);
  knowStaff(answer.staff.map((column) => column.staff_member));
  $("sheet-title").textContent = dayText(date);
  const timeline = dayTimeline(date, answer.timezone);
  const columns = answer.staff.map((column) => ({
    ...column,
    date,
    timeline,
    staffMember: column.staff_member,
    label: column.staff_member.name,
    heading: staffHeading(column.staff_member, date),
  }));
  drawSheet({ axis: timeline, columns, open: shown.opener, step: catalogue.step, keepScroll: !fresh });
}

async function drawWeek(date, staffMemberId, fresh) {
  const answer = await api(`/calendar/week${query({ date, staff_member_id: staffMemberId })}`);
  if (date !== shown.date || shown.weekOf !== staffMemberId) return;
  useSalon(answer.currency, answer.timezone);
  const member = answer.staff_member;
  knowStaff([member]);
  const short = { weekday: "short", day: "numeric", month: "short" };
  $("sheet-title").textContent =
    `${member.name}: ${dayText(answer.date_from, short)} – ${dayText(answer.date_to, short)}`;
  const columns = answer.days.map((one) => ({
    ...one,
    staffMember: member,
    timeline: wallTimeline(one.date, answer.timezone),
    label: `${member.name}, ${dayText(one.date, short)}`,
    heading: dayHeading(one.date),
  }));
  const axis = wallTimeline(date, answer.timezone);
  drawSheet({ axis, columns, open: shown.opener, step: catalogue.step, keepScroll: !fresh });
}

// Staff members seen on a day stay known, for the week picker and the forms.
function knowStaff(members) {
  const known = new Map(shown.staff.map((member) => [member.id, member]));
  for (const member of members) known.set(member.id, member);
  shown.staff = [...known.values()].sort((one, other) => one.name.localeCompare(other.name));
  const chosen = $("week-of").value;
  const weeks = shown.staff.map((member) => [member.id, `Week of ${member.name}`]);
  options($("week-of"), [["", "Day"], ...weeks], chosen);
}

function staffHeading(member, date) {
  return el(
    "button",
    {
      type: "button",
      class: "staff-name",
      "aria-label": `${member.name}: show the week`,
      onclick: () => showWeek(date, member.id),
    },
    el("span", {}, member.name),
    member.position ? el("span", { class: "position" }, member.position) : null,
  );
}

function dayHeading(date) {
  return el(
    "button",
    {
      type: "button",
      class: "staff-name",
      "aria-label": `${dayText(date)}: show the day`,
      onclick: () => showDay(date),
    },
    el("span", {}, dayText(date, { weekday: "short" })),
    el("span", { class: "position" }, dayText(date, { day: "numeric", month: "short" })),
  );
}
