// The page itself: one step shown at a time, the server's problems shown plainly, buttons kept
// from being pressed twice while their request is under way.

import { ApiError } from "./api.js";

export const root = document.getElementById("widget");
export const $ = (id) => document.getElementById(id);

const history = [];

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "class") node.className = value;
    else if (name === "onclick") node.addEventListener("click", value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...children.filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

// Show one step; Back returns to the step before it. `fresh` starts over (after booking, on the booking's page).
export function showStep(id, { fresh = false } = {}) {
  if (fresh) history.length = 0;
  const seen = history.indexOf(id);
  if (seen >= 0) history.length = seen + 1;
  else history.push(id);
  reveal(id);
}

function reveal(id) {
  for (const step of document.querySelectorAll(".step")) step.hidden = step.id !== id;
  window.scrollTo(0, 0);
  document.querySelector(`#${id} h1`)?.focus({ preventScroll: true });
}

export function goBack() {
  clearProblem();
  if (history.length > 1) history.pop();
  reveal(history.at(-1));
}

export function say(text) {
  $("status").textContent = text;
}

export function clearProblem() {
  $("problem").hidden = true;
  $("problem").replaceChildren();
  for (const error of document.querySelectorAll(".field-error")) {
    error.hidden = true;
    error.textContent = "";
  }
  for (const input of document.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
}

// The server's message on top; each field error next to its field when the step shows it, else on top too.
export function showProblem(problem) {
  clearProblem();
  const loose = [];
  for (const [field, messages] of fieldErrors(problem.body?.errors?.json)) {
    const box = document.querySelector(`.step:not([hidden]) [data-field="${field}"]:not([hidden])`);
    if (box) {
      const error = box.querySelector(".field-error");
      error.textContent = messages.join(" ");
      error.hidden = false;
      box.querySelector("input, textarea")?.setAttribute("aria-invalid", "true");
    } else {
      loose.push(`${field.replaceAll("_", " ")}: ${messages.join(" ")}`);
    }
  }
  const banner = $("problem");
  banner.append(el("p", {}, problem.message || "Something went wrong."));
  if (loose.length) banner.append(el("ul", {}, ...loose.map((line) => el("li", {}, line))));
  banner.hidden = false;
  const firstInvalid = document.querySelector('.step:not([hidden]) [aria-invalid="true"]');
  if (firstInvalid) firstInvalid.focus();
  else banner.scrollIntoView({ block: "nearest" });
}

// {"client": {"email": ["..."]}, "comment": ["..."]} -> [["email", ["..."]], ["comment", ["..."]]]
function fieldErrors(errors) {
  if (!errors || typeof errors !== "object") return [];
  const found = [];
  for (const [field, value] of Object.entries(errors)) {
    if (Array.isArray(value)) found.push([field, value.map(String)]);
    else if (value && typeof value === "object") found.push(...fieldErrors(value));
    else found.push([field, [String(value)]]);
  }
  return found;
}

// Run a button's work once at a time; what the server refused is shown, anything else is a bug.
export async function busy(button, work) {
  if (button.disabled) return;
  button.disabled = true;
  root.setAttribute("aria-busy", "true");
  try {
    await work();
  } catch (problem) {
    if (!(problem instanceof ApiError)) throw problem;
    showProblem(problem);
  } finally {
    button.disabled = false;
    root.setAttribute("aria-busy", "false");
  }
}

export function onClick(id, work) {
  const button = $(id);
  button.addEventListener("click", () => busy(button, work));
}

export function details(rows) {
  const list = el("dl", { class: "details" });
  for (const [term, value] of rows) {
    if (value) list.append(el("div", {}, el("dt", {}, term), el("dd", {}, value)));
  }
  return list;
}
