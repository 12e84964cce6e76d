// The salon's wall clock, whatever the browser's zone: dates are "YYYY-MM-DD" on the salon's
// calendar, instants are milliseconds, and a day from midnight to midnight may be 23 or 25 hours.

const MINUTE = 60_000;
const partsFormats = new Map();

function partsFormat(zone) {
  if (!partsFormats.has(zone)) {
    const options = { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" };
    partsFormats.set(zone, new Intl.DateTimeFormat("en-GB", { timeZone: zone, hourCycle: "h23", ...options }));
  }
  return partsFormats.get(zone);
}

// The wall clock at an instant: {year, month, day, hour, minute}.
function wallClock(instant, zone) {
  const found = {};
  for (const part of partsFormat(zone).formatToParts(new Date(instant))) {
    if (part.type !== "literal") found[part.type] = Number(part.value);
  }
  return found;
}

// Minutes the salon's clock is ahead of UTC at an instant (+60 in Berlin in winter).
function offsetAt(instant, zone) {
  const wall = wallClock(instant, zone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  return Math.round((asUtc - Math.floor(instant / MINUTE) * MINUTE) / MINUTE);
}

const two = (number) => String(number).padStart(2, "0");

function dateAt(instant, zone) {
  const wall = wallClock(instant, zone);
  return `${wall.year}-${two(wall.month)}-${two(wall.day)}`;
}

export function clockAt(instant, zone) {
  const wall = wallClock(instant, zone);
  return `${two(wall.hour)}:${two(wall.minute)}`;
}

export function today(zone) {
  return dateAt(Date.now(), zone);
}

function utcOf(date, minutes = 0) {
  const [year, month, day] = date.split("-").map(Number);
  return Date.UTC(year, month - 1, day) + minutes * MINUTE;
}

export function addDays(date, count) {
  return new Date(utcOf(date) + count * 24 * 60 * MINUTE).toISOString().slice(0, 10);
}

// The instant the salon's clock shows `time` ("HH:MM") on `date`; in a spring-forward gap, the time after it.
export function instantOf(date, time, zone) {
  const [hour, minute] = time.split(":").map(Number);
  const wall = utcOf(date, hour * 60 + minute);
  const guess = wall - offsetAt(wall, zone) * MINUTE;
  return wall - offsetAt(guess, zone) * MINUTE;
}

// Midnight to midnight on the salon's calendar.
export function dayBounds(date, zone) {
  return [instantOf(date, "00:00", zone), instantOf(addDays(date, 1), "00:00", zone)];
}

// Minutes after midnight on the salon's clock face (a DST day's 03:00 is 180, as on any day).
export function wallMinutes(instant, date, zone) {
  return Math.round((instant + offsetAt(instant, zone) * MINUTE - utcOf(date)) / MINUTE);
}

// "2027-03-28T10:00:00+02:00": an instant as the API takes it, in the salon's offset.
export function isoAt(instant, zone) {
  const offset = offsetAt(instant, zone);
  const sign = offset < 0 ? "-" : "+";
  const zoneText = `${sign}${two(Math.floor(Math.abs(offset) / 60))}:${two(Math.abs(offset) % 60)}`;
  return `${dateAt(instant, zone)}T${clockAt(instant, zone)}:00${zoneText}`;
}

// "HH:MM" rounded down to the salon's slot step.
export function toStep(time, step) {
  const [hour, minute] = time.split(":").map(Number);
  const minutes = Math.floor((hour * 60 + minute) / step) * step;
  return `${two(Math.floor(minutes / 60))}:${two(minutes % 60)}`;
}

export function addMinutes(time, count) {
  const [hour, minute] = time.split(":").map(Number);
  const minutes = Math.min(Math.max(hour * 60 + minute + count, 0), 24 * 60 - 1);
  return `${two(Math.floor(minutes / 60))}:${two(minutes % 60)}`;
}

export const minutesBetween = (start, end) => Math.round((Date.parse(end) - Date.parse(start)) / MINUTE);
