// The filter form: its choices from the salon's staff, users, service and appointment categories, and what it asks
// for as the overview's query (several values of a name kept) or as an export's JSON body.

import { ApiError, api } from "./api.js";
import { $, el } from "./page.js";
import { may } from "./session.js";

const form = $("filters");
const LISTS = new Set(["staff_member_id", "visit_status", "service_category_id", "category_id"]);
const NUMBERS = new Set(["staff_member_id", "service_category_id", "category_id", "created_by_user_id"]);
const NOT_EXPORTED = new Set(["sort", "order"]);

export async function loadChoices() {
  const [staff, categories, bookingCategories, users] = await Promise.all([
    api("/staff"),
    api("/service-categories"),
    api("/appointment-categories"),
    may("manage_users") ? usersOrNothing() : null,
  ]);
  $("staff-choices").replaceChildren(
    ...staff.map((member) =>
      el(
        "label",
        { class: "check" },
        el("input", { type: "checkbox", name: "staff_member_id", value: member.id }),
        ` ${member.name}`,
      ),
    ),
  );
  replaceOptions($("filter-category"), categories.map((category) => [category.id, category.title]));
  replaceOptions($("filter-booking-category"), bookingCategories.map((category) => [category.id, category.title]));
  $("creator-field").hidden = !users;
  if (users) replaceOptions($("filter-creator"), users.map((user) => [user.id, user.name]));
}

// Naming who created a booking needs manage_users; without it the filter is simply not offered.
async function usersOrNothing() {
  try {
    return await api("/users");
  } catch (problem) {
    if (problem instanceof ApiError && problem.status === 403) return null;
    throw problem;
  }
}

function replaceOptions(select, choices) {
  const [anything] = select.options;
  select.replaceChildren(anything, ...choices.map(([value, text]) => el("option", { value }, text)));
}

// {name: [values]} with empty fields left out.
export function chosenFilters() {
  const chosen = {};
  for (const [name, value] of new FormData(form)) {
    const text = String(value).trim();
    if (text) (chosen[name] ??= []).push(text);
  }
  return chosen;
}

export function exportBody(chosen) {
  const body = {};
  for (const [name, values] of Object.entries(chosen)) {
    if (NOT_EXPORTED.has(name)) continue;
    const typed = NUMBERS.has(name) ? values.map(Number) : values;
    body[name] = LISTS.has(name) ? typed : typed[0];
  }
  return body;
}
