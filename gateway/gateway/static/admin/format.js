// Money in the salon's currency, times on the salon's clock whatever the browser's zone, and the
// API's names for things in words.

let salon = { currency: "EUR", timezone: "UTC" };

export function useSalon(currency, timezone) {
  salon = { currency, timezone };
}

export function money(minor) {
  const currency = new Intl.NumberFormat(undefined, { style: "currency", currency: salon.currency });
  return currency.format(minor / 10 ** currency.resolvedOptions().maximumFractionDigits);
}

function inSalon(iso, options) {
  return new Intl.DateTimeFormat(undefined, { timeZone: salon.timezone, ...options }).format(new Date(iso));
}

const DAY = { weekday: "short", day: "numeric", month: "short", year: "numeric" };
const CLOCK = { hour: "2-digit", minute: "2-digit" };

export function moment(iso) {
  return iso ? inSalon(iso, { ...DAY, ...CLOCK }) : "";
}

export function visitTime(startsAt, endsAt) {
  return `${moment(startsAt)}–${inSalon(endsAt, CLOCK)}`;
}

export const SOURCES = {
  widget: "Online: booking widget",
  api: "Online: API",
  admin: "Calendar",
  mobile: "Mobile app",
  import: "Excel import",
};

export const VISIT_STATUSES = { pending: "Pending", confirmed: "Confirmed", arrived: "Arrived", no_show: "No-show" };

export const STATES = { booked: "", cancelled: "Cancelled", deleted: "Deleted" };

export const DATA_LOG_ACTIONS = {
  export_requested: "Export requested",
  export_downloaded: "Export downloaded",
  import_requested: "Import",
  import_dry_run: "Import checked (dry run)",
};

export const JOB_STATUSES = { pending: "Waiting to start", running: "In progress", done: "Done", failed: "Failed" };

export function payment(booking) {
  if (booking.payment_status === "paid") return `Paid in full, ${money(booking.paid_amount)}`;
  if (booking.payment_status === "partly_paid") {
    return `Partly paid, ${money(booking.paid_amount)} of ${money(booking.total_price)}`;
  }
  return booking.total_price ? `Not paid, ${money(booking.total_price)} due` : "Nothing to pay";
}
