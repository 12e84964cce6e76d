// Tapping an empty time: a pop-up to choose the exact time, then an appointment, a group event or a
// break there for that staff member.

import { closeWindow, openWindow } from "./dialogs.js";
import { catalogue } from "./catalogue.js";
import { day as dayText } from "./format.js";
import { $ } from "./page.js";

let chosen = null; // {staffMember, date}
let forms = null; // {appointment, groupEvent, break}: each opens its form with {staffMember, date, time}

export function wireSlotMenu(openers) {
  forms = openers;
  $("slot-menu-form").addEventListener("submit", (event) => {
    event.preventDefault();
    choose("appointment");
  });
  $("choose-appointment").addEventListener("click", () => choose("appointment"));
  $("choose-group-event").addEventListener("click", () => choose("groupEvent"));
  $("choose-break").addEventListener("click", () => choose("break"));
}

export function openSlotMenu(column, time) {
  chosen = { staffMember: column.staffMember, date: column.date };
  $("slot-menu-title").textContent = column.staffMember.name;
  $("slot-menu-day").textContent = dayText(column.date);
  $("slot-time").step = String(catalogue.step * 60);
  $("slot-time").value = time;
  openWindow("slot-menu", $("slot-time"));
}

function choose(kind) {
  const time = $("slot-time").value;
  if (!time) {
    $("slot-time").setAttribute("aria-invalid", "true");
    $("slot-time").focus();
    return;
  }
  $("slot-time").removeAttribute("aria-invalid");
  closeWindow("slot-menu");
  forms[kind]({ ...chosen, time });
}
