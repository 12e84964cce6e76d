// Money in the salon's currency and times in the salon's time zone, in the client's language.

let salon = { currency: "EUR", timezone: "UTC" };

export function useSalon(company) {
  salon = company;
}

export function salonTimezone() {
  return salon.timezone;
}

export function money(minor) {
  const currency = new Intl.NumberFormat(undefined, { style: "currency", currency: salon.currency });
  return currency.format(minor / 10 ** currency.resolvedOptions().maximumFractionDigits);
}

export function priceRange(low, high) {
  return low === high ? money(low) : `${money(low)} – ${money(high)}`;
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
  return inSalon(iso, { hour: "2-digit", minute: "2-digit" });
}

export function when(iso) {
  return inSalon(iso, { weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit" });
}

// A slot day is a date on the salon's calendar: shown as that date, whatever the browser's zone.
export function day(date, options) {
  const [year, month, dayOfMonth] = date.split("-").map(Number);
  const noon = new Date(Date.UTC(year, month - 1, dayOfMonth, 12));
  return new Intl.DateTimeFormat(undefined, { timeZone: "UTC", ...options }).format(noon);
}

export function addDays(date, count) {
  const [year, month, dayOfMonth] = date.split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, dayOfMonth + count)).toISOString().slice(0, 10);
}
