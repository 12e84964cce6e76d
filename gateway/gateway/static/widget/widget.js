// The client booking widget: plain ES2020 modules against the gateway's public JSON API.
// /widget/<company> books; /widget/<company>/bookings/<token> shows, moves or cancels a booking.

import { ApiError } from "./api.js";
import { startBooking } from "./booking.js";
import { startLink } from "./link.js";
import { $, goBack, root, showProblem } from "./page.js";
import { wireTimes } from "./times.js";

async function start() {
  for (const back of document.querySelectorAll("[data-back]")) back.addEventListener("click", goBack);
  wireTimes();
  const linkToken = root.dataset.linkToken;
  try {
    if (linkToken) await startLink(linkToken);
    else await startBooking(Number(root.dataset.companyId));
  } catch (problem) {
    if (!(problem instanceof ApiError)) throw problem;
    if (problem.status === 404 && linkToken) problem.message = "This booking link is not valid or has expired.";
    showProblem(problem);
  } finally {
    $("loading").hidden = true;
    root.setAttribute("aria-busy", "false");
  }
}

start();
