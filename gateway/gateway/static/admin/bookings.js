// Overview > Bookings: the filtered list a page at a time (keyset cursors), and deleting the bookings
// ticked on it. Bookings the user may not delete come back skipped, each with the server's reason.

import { api, query } from "./api.js";
import { chosenFilters } from "./filters.js";
import { moment, useSalon } from "./format.js";
import { $, busy, el, plural, say } from "./page.js";
import { bookingRows } from "./rows.js";
import { may } from "./session.js";

export const NARROW = "(max-width: 47.99rem)";

const list = {
  filters: {}, // as last shown: paging keeps them even if the form has changed since
  cursors: [null], // each page's cursor, the first page's none
  page: 0,
  nextCursor: null,
  bookings: new Map(), // id -> booking, on this page
  selected: new Set(),
};

export function wireBookings() {
  $("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    act($("show"), async () => {
      await showFirstPage();
      if (window.matchMedia(NARROW).matches) $("filter-box").open = false; // the list, not the form, on a phone
    });
  });
  $("next-page").addEventListener("click", () => act($("next-page"), () => goTo(list.page + 1, list.nextCursor)));
  $("previous-page").addEventListener("click", () =>
    act($("previous-page"), () => goTo(list.page - 1, list.cursors[list.page - 1])),
  );
  $("delete-selected").addEventListener("click", askToDelete);
  $("delete-no").addEventListener("click", () => {
    $("delete-confirm").hidden = true;
  });
  $("delete-yes").addEventListener("click", () => act($("delete-yes"), deleteSelected));
}

export async function showFirstPage() {
  list.filters = chosenFilters();
  $("deletion-report").hidden = true;
  await goTo(0, null);
}

// Buttons freed by busy() get the state the list gives them again.
async function act(button, work) {
  await busy(button, "bookings-problem", work);
  refreshControls();
}

async function goTo(page, cursor) {
  const answer = await api(`/bookings-overview${query({ ...list.filters, cursor })}`);
  list.page = page;
  list.cursors[page] = cursor;
  list.cursors.length = page + 1;
  list.nextCursor = answer.next_cursor;
  useSalon(answer.currency, answer.timezone);
  render(answer.rows);
}

function render(bookings) {
  const selectable = may("delete_bookings");
  list.bookings = new Map(bookings.map((booking) => [booking.id, booking]));
  list.selected.clear();
  $("delete-confirm").hidden = true;
  $("booking-rows").replaceChildren(
    ...bookings.flatMap((booking) => bookingRows(booking, { selectable, onSelect: select })),
  );
  $("no-bookings").hidden = bookings.length > 0;
  $("bookings-page").textContent = `Page ${list.page + 1}`;
  say("bookings-status", `${plural(bookings.length, "booking")} on page ${list.page + 1}.`);
  refreshControls();
}

function select(id, chosen) {
  if (chosen) list.selected.add(id);
  else list.selected.delete(id);
  $("delete-confirm").hidden = true;
  refreshControls();
}

function refreshControls() {
  const count = list.selected.size;
  $("delete-selected").disabled = count === 0;
  $("delete-selected").textContent = count ? `Delete selected (${count})` : "Delete selected";
  $("next-page").disabled = !list.nextCursor;
  $("previous-page").disabled = list.page === 0;
}

function askToDelete() {
  const count = list.selected.size;
  if (!count) return;
  $("delete-question").textContent =
    `Delete ${plural(count, "booking")} for good? They leave the calendar, and a deleted booking cannot be restored.`;
  $("delete-confirm").hidden = false;
  $("delete-yes").focus();
}

async function deleteSelected() {
  const chosen = [...list.selected];
  const result = await api("/bookings-overview/delete", { method: "POST", json: { appointment_ids: chosen } });
  const known = new Map(list.bookings);
  try {
    await goTo(list.page, list.cursors[list.page]);
  } finally {
    say("bookings-status", `${plural(result.deleted.length, "booking")} deleted.`);
    showSkipped(result.skipped, known);
  }
}

function showSkipped(skipped, known) {
  const box = $("deletion-report");
  box.hidden = skipped.length === 0;
  box.replaceChildren(
    el("p", {}, `${plural(skipped.length, "booking was", "bookings were")} not deleted:`),
    el("ul", {}, ...skipped.map((skip) => el("li", { "data-booking-id": skip.id }, describe(skip, known)))),
  );
}

function describe(skip, known) {
  const booking = known.get(skip.id);
  const which = booking ? `${booking.client.name}, ${moment(booking.starts_at)}` : `Booking #${skip.id}`;
  return `${which}: ${skip.reason}`;
}
