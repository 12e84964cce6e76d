// The staff calendar: plain ES2020 modules against the gateway's JSON API. Sign in, then a day of
// every staff member the user may see (or a week of one), where a tap books an appointment, a group
// event or a break, and an appointment opens its visit window.

import { api, signOut, whenSignedOut } from "./api.js";
import { openAppointmentForm, wireAppointmentForm } from "./appointment-form.js";
import { openBreak, openBreakForm, wireBreaks } from "./breaks.js";
import { loadCatalogue } from "./catalogue.js";
import { today } from "./clock.js";
import { wireDialogs } from "./dialogs.js";
import { useSalon } from "./format.js";
import { openGroupEventForm, wireGroupEventForm } from "./group-event-form.js";
import { openGroupEvent, wireGroupEventWindow } from "./group-event-window.js";
import { $, busy, clearProblem, report, root, showProblem } from "./page.js";
import { companyId, current, keep } from "./session.js";
import { openSlotMenu, wireSlotMenu } from "./slot-menu.js";
import { showDay, wireView } from "./view.js";
import { openVisit, wireVisit } from "./visit.js";

async function showSignIn(message) {
  for (const dialog of document.querySelectorAll("dialog[open]")) dialog.close();
  $("workspace").hidden = true;
  $("who").hidden = true;
  $("sign-in").hidden = false;
  if (message) showProblem("sign-in-problem", { message });
  else clearProblem("sign-in-problem");
  $("email").focus();
  try {
    const salon = await api(`/companies/${companyId}`, { signedIn: false });
    $("salon-name").textContent = salon.name;
  } catch (problem) {
    report("sign-in-problem", problem);
  }
}

async function signIn(event) {
  event.preventDefault();
  await busy($("sign-in-button"), "sign-in-problem", async () => {
    const credentials = { company_id: companyId, email: $("email").value.trim(), password: $("password").value };
    keep(await api("/auth/login", { method: "POST", json: credentials, signedIn: false }));
    $("password").value = "";
  });
  if (current()) await openWorkspace();
}

async function openWorkspace() {
  const { user } = current();
  $("sign-in").hidden = true;
  $("user-name").textContent = user.name;
  $("who").hidden = false;
  $("workspace").hidden = false;
  $("sheet-title").focus({ preventScroll: true });
  try {
    const { company } = await loadCatalogue();
    useSalon(company.currency, company.timezone);
    $("salon-name").textContent = company.name;
    showZone(company.timezone);
    await showDay(today(company.timezone));
  } catch (problem) {
    report("sheet-problem", problem);
  }
}

function showZone(zone) {
  const note = $("time-zone-note");
  note.hidden = Intl.DateTimeFormat().resolvedOptions().timeZone === zone;
  note.textContent = `Times are the salon's local time (${zone}).`;
}

async function start() {
  whenSignedOut((message) => showSignIn(`You were signed out: ${message}`));
  $("sign-in-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", async () => {
    await signOut();
    window.location.reload();
  });
  wireDialogs();
  wireView({ emptyTime: openSlotMenu, appointment: openVisit, groupEvent: openGroupEvent, break: openBreak });
  wireSlotMenu({ appointment: openAppointmentForm, groupEvent: openGroupEventForm, break: openBreakForm });
  wireAppointmentForm();
  wireVisit();
  wireGroupEventForm();
  wireGroupEventWindow();
  wireBreaks();
  try {
    if (current()) await openWorkspace();
    else await showSignIn();
  } finally {
    $("loading").hidden = true;
    root.setAttribute("aria-busy", "false");
  }
}

start();
