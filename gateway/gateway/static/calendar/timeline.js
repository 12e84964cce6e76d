// A column's time scale: where an instant falls, in minutes from the top, and which instant a
// place in the column is. The day view lays a day out by instants (a DST day is 23 or 25 hours
// long, each hour labelled by the salon's clock); the week view by the clock face, so its days line up.

import { addDays, clockAt, dayBounds, instantOf, wallMinutes } from "./clock.js";

const MINUTE = 60_000;

export function dayTimeline(date, zone) {
  const [start, end] = dayBounds(date, zone);
  const minutes = Math.round((end - start) / MINUTE);
  const hours = [];
  for (let minute = 0; minute < minutes; minute += 60) {
    hours.push({ minute, length: Math.min(60, minutes - minute), label: clockAt(start + minute * MINUTE, zone) });
  }
  return {
    date,
    minutes,
    hours,
    at: (iso) => clamp((Date.parse(iso) - start) / MINUTE, minutes),
    instantAt: (minute) => start + minute * MINUTE,
  };
}

export function wallTimeline(date, zone) {
  const hours = [];
  for (let hour = 0; hour < 24; hour += 1) {
    hours.push({ minute: hour * 60, length: 60, label: `${String(hour).padStart(2, "0")}:00` });
  }
  const [start, end] = dayBounds(date, zone);
  const at = (iso) => {
    const instant = Date.parse(iso);
    if (instant <= start) return 0;
    if (instant >= end) return 24 * 60;
    return clamp(wallMinutes(instant, date, zone), 24 * 60);
  };
  const instantAt = (minute) => {
    const hour = Math.floor(minute / 60);
    const time = `${String(hour).padStart(2, "0")}:${String(Math.floor(minute % 60)).padStart(2, "0")}`;
    return minute >= 24 * 60 ? instantOf(addDays(date, 1), "00:00", zone) : instantOf(date, time, zone);
  };
  return { date, minutes: 24 * 60, hours, at, instantAt };
}

function clamp(minute, most) {
  return Math.min(Math.max(minute, 0), most);
}
