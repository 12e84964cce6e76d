// Money in the salon's currency (integer minor units, never floats) and times on the salon's clock,
// in the user's language.

let salon = { currency: "EUR", timezone: "UTC" };

export function useSalon(currency, timezone) {
  salon = { currency: currency || salon.currency, timezone: timezone || salon.timezone };
}

export const zone = () => salon.timezone;

function currencyFormat() {
  return new Intl.NumberFormat(undefined, { style: "currency", currency: salon.currency });
}

// Digits after the decimal point in the salon's currency: 2 for EUR, 0 for JPY.
function fractionDigits() {
  return currencyFormat().resolvedOptions().maximumFractionDigits;
}

export function money(minor) {
  return currencyFormat().format(minor / 10 ** fractionDigits());
}

export function currencySymbol() {
  return currencyFormat().formatToParts(0).find((part) => part.type === "currency")?.value ?? salon.currency;
}

// 4550 -> "45.50": for a field to edit.
export function decimalText(minor) {
  const digits = fractionDigits();
  const sign = minor < 0 ? "-" : "";
  const whole = String(Math.abs(minor)).padStart(digits + 1, "0");
  return digits ? `${sign}${whole.slice(0, -digits)}.${whole.slice(-digits)}` : `${sign}${whole}`;
}

// "45.5", "45,50", "1 045.50" -> 4550 by reading the digits; null when it is not an amount.
export function minorUnits(text) {
  const digits = fractionDigits();
  const cleaned = String(text).trim().replace(/[\s\u00a0\u202f']/g, "");
  const found = /^(\d+)(?:[.,](\d*))?$/.exec(cleaned);
  if (!found || (found[2] ?? "").length > digits) return null;
  const fraction = (found[2] ?? "").padEnd(digits, "0");
  const minor = Number(found[1] + fraction);
  return Number.isSafeInteger(minor) ? minor : null;
}

// "12.5" or "12,5" -> 12.5 (at most two decimals, 0 to 100); null otherwise.
export function percent(text) {
  const found = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(String(text).trim());
  if (!found) return null;
  const value = Number(`${found[1]}.${found[2] ?? "0"}`);
  return value <= 100 ? value : null;
}

export function duration(minutes) {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (!hours) return `${rest} min`;
  return rest ? `${hours} h ${rest} min` : `${hours} h`;
}

function inSalon(iso, options) {
  return new Intl.DateTimeFormat(undefined, { timeZone: salon.timezone, ...options }).format(new Date(iso));
}

export function time(iso) {
  return inSalon(iso, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
}

export function span(startsAt, endsAt) {
  return `${time(startsAt)}–${time(endsAt)}`;
}

export function when(startsAt, endsAt) {
  const day = inSalon(startsAt, { weekday: "short", day: "numeric", month: "short" });
  return `${day}, ${span(startsAt, endsAt)}`;
}

// A date of the salon's calendar, shown as that date whatever the browser's zone.
export function day(date, options = { weekday: "long", day: "numeric", month: "long", year: "numeric" }) {
  const [year, month, dayOfMonth] = date.split("-").map(Number);
  const noon = new Date(Date.UTC(year, month - 1, dayOfMonth, 12));
  return new Intl.DateTimeFormat(undefined, { timeZone: "UTC", ...options }).format(noon);
}

export const VISIT_STATUSES = { pending: "Expected", confirmed: "Confirmed", arrived: "Arrived", no_show: "No-show" };

export function clientName(client) {
  if (!client) return "No client";
  return [client.name, client.middle_name, client.last_name].filter(Boolean).join(" ");
}
