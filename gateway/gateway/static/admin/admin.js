// Overview > Bookings for the salon's staff: plain ES2020 modules against the gateway's JSON API.
// Sign in, then the bookings list with its filters, deleting, export and import, as the user's rights allow.

import { api, signOut, whenSignedOut } from "./api.js";
import { NARROW, showFirstPage, wireBookings } from "./bookings.js";
import { showDataLog, wireExports } from "./exports.js";
import { loadChoices } from "./filters.js";
import { useSalon } from "./format.js";
import { wireImports } from "./imports.js";
import { $, busy, clearProblem, report, root, showProblem } from "./page.js";
import { companyId, current, keep, may } from "./session.js";
import { showUsage } from "./usage.js";

async function showSignIn(message) {
  $("workspace").hidden = true;
  $("who").hidden = true;
  $("sign-in").hidden = false;
  if (message) showProblem("sign-in-problem", { message });
  else clearProblem("sign-in-problem");
  $("email").focus();
  await attempt("sign-in-problem", async () => {
    const salon = await api(`/companies/${companyId}`, { signedIn: false });
    $("salon-name").textContent = salon.name;
  });
}

async function signIn(event) {
  event.preventDefault();
  await busy($("sign-in-button"), "sign-in-problem", async () => {
    const credentials = { company_id: companyId, email: $("email").value.trim(), password: $("password").value };
    const session = await api("/auth/login", { method: "POST", json: credentials, signedIn: false });
    keep(session);
    $("password").value = "";
  });
  if (current()) await attempt("workspace-problem", openWorkspace);
}

async function openWorkspace() {
  const { user } = current();
  $("sign-in").hidden = true;
  $("user-name").textContent = user.name;
  $("who").hidden = false;
  for (const part of document.querySelectorAll("[data-right]")) part.hidden = !may(part.dataset.right);
  const overview = may("view_bookings_overview");
  $("bookings").hidden = !overview;
  $("no-overview").hidden = overview;
  if (window.matchMedia(NARROW).matches) $("filter-box").open = false;
  $("workspace").hidden = false;
  $("workspace-title").focus({ preventScroll: true });

  const company = await api("/company");
  useSalon(company.currency, company.timezone);
  $("salon-name").textContent = company.name;
  await Promise.all([
    overview && attempt("bookings-problem", async () => {
      await loadChoices();
      await showFirstPage();
    }),
    may("export_data") && attempt("data-log-problem", showDataLog),
    may("manage_settings") && attempt("usage-problem", showUsage),
  ]);
}

async function attempt(problemId, work) {
  try {
    await work();
  } catch (problem) {
    report(problemId, problem);
  }
}

async function start() {
  whenSignedOut((message) => showSignIn(`You were signed out: ${message}`));
  $("sign-in-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", async () => {
    await signOut();
    window.location.reload();
  });
  wireBookings();
  wireExports();
  wireImports();
  try {
    if (current()) await attempt("workspace-problem", openWorkspace);
    else await showSignIn();
  } finally {
    $("loading").hidden = true;
    root.setAttribute("aria-busy", "false");
  }
}

start();
