// What the salon offers, read once a sign-in: its services (who performs each), appointment
// categories and extra fields, and its slot step.

import { api } from "./api.js";
import { useCategories } from "./colours.js";

export const catalogue = { services: [], categories: [], extraFields: [], step: 15, company: null };

export async function loadCatalogue() {
  const [company, services, categories, extraFields] = await Promise.all([
    api("/company"),
    api("/services"),
    api("/appointment-categories"),
    api("/appointment-extra-fields"),
  ]);
  Object.assign(catalogue, { company, services, categories, extraFields, step: company.slot_step_minutes || 15 });
  useCategories(categories);
  return catalogue;
}

const performs = (service, staffMemberId) =>
  service.active !== false && service.staff.some((entry) => entry.staff_member_id === staffMemberId);

// The services a staff member performs for one client (group services have seats instead).
export function servicesOf(staffMemberId) {
  return catalogue.services.filter((service) => performs(service, staffMemberId) && !service.group_capacity);
}

export function groupServicesOf(staffMemberId) {
  return catalogue.services.filter((service) => performs(service, staffMemberId) && service.group_capacity);
}

// How long a staff member takes for a service (their own length if set).
export function lengthOf(service, staffMemberId) {
  const entry = service.staff.find((one) => one.staff_member_id === staffMemberId);
  return entry?.duration_minutes || service.duration_minutes;
}

export function categoryChoices() {
  return [["", "No category"], ...catalogue.categories.map((category) => [category.id, category.title])];
}
