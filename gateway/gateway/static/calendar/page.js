// Building the page and telling the user what happened: the server's problems shown plainly, next to
// the form that asked, and buttons kept from being pressed twice while their request runs.

import { ApiError, SignedOut } from "./api.js";

export const root = document.getElementById("calendar");
export const $ = (id) => document.getElementById(id);

// el("button", {type: "button", onclick: open}, "Text"); "on…" attributes become listeners.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...children.filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

export function say(text) {
  $("sheet-status").textContent = text;
}

function scopeOf(box) {
  return box.closest("form, dialog, section") ?? root;
}

export function clearProblem(boxId) {
  const box = $(boxId);
  box.hidden = true;
  box.replaceChildren();
  for (const input of scopeOf(box).querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
}

// The server's message, then each field's errors by name; a field the form shows is marked too.
export function showProblem(boxId, problem) {
  clearProblem(boxId);
  const box = $(boxId);
  const lines = [];
  for (const [field, messages] of fieldErrors(problem.body?.errors)) {
    if (messages.join(" ") !== problem.message) lines.push(`${field.replaceAll("_", " ")}: ${messages.join(" ")}`);
    for (const input of scopeOf(box).querySelectorAll(`[name="${CSS.escape(field)}"]`)) {
      input.setAttribute("aria-invalid", "true");
    }
  }
  box.append(el("p", {}, problem.message || "Something went wrong."));
  if (lines.length) box.append(el("ul", {}, ...lines.map((line) => el("li", {}, line))));
  box.hidden = false;
  box.scrollIntoView({ block: "nearest" });
}

// {"json": {"client": {"phone": ["..."]}}} -> [["phone", ["..."]]]
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

// A problem found before asking the server, shown the same way.
export function refuse(message, errors = {}) {
  return new ApiError(422, { message, errors });
}

// Run a button's work once at a time; what the server refused goes to the problem box given.
export async function busy(button, problemId, work) {
  if (button.disabled) return;
  button.disabled = true;
  const part = button.closest("dialog, section") ?? root;
  part.setAttribute("aria-busy", "true");
  clearProblem(problemId);
  try {
    await work();
  } catch (problem) {
    report(problemId, problem);
  } finally {
    button.disabled = false;
    part.setAttribute("aria-busy", "false");
  }
}

// A refusal is shown; a 401 has already brought the sign-in back; anything else is a bug.
export function report(problemId, problem) {
  if (problem instanceof SignedOut) return;
  if (!(problem instanceof ApiError)) throw problem;
  showProblem(problemId, problem);
}

export function facts(rows) {
  const list = el("dl", { class: "facts" });
  for (const [term, value] of rows) {
    if (value) list.append(el("div", {}, el("dt", {}, term), el("dd", {}, value)));
  }
  return list;
}

export function options(select, choices, chosen) {
  select.replaceChildren(
    ...choices.map(([value, text]) => el("option", { value, selected: String(value) === String(chosen ?? "") }, text)),
  );
}
