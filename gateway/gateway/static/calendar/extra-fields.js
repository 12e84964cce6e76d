// The salon's extra appointment fields as inputs (text, number, select, date; required ones
// marked), and their values read back.

import { el } from "./page.js";

const INPUT_TYPES = { text: "text", number: "number", date: "date" };

export function drawExtraFields(box, extraFields, values = {}, prefix = "extra") {
  box.replaceChildren(...extraFields.map((field) => extraField(field, values[field.code], prefix)));
}

function extraField(field, value, prefix) {
  const id = `${prefix}-${field.code}`;
  const label = el("label", { for: id }, field.required ? `${field.title} (required)` : field.title);
  const shared = { id, name: field.code, "data-extra-field": field.code, required: field.required };
  let input;
  if (field.type === "select") {
    input = el(
      "select",
      shared,
      el("option", { value: "" }, "—"),
      ...field.options.map((option) => el("option", { value: option, selected: option === value }, option)),
    );
  } else {
    const type = INPUT_TYPES[field.type] ?? "text";
    input = el("input", { ...shared, type, autocomplete: "off", step: type === "number" ? "any" : null });
    if (value !== null && value !== undefined) input.value = String(value);
  }
  return el("div", { class: "field" }, label, input);
}

// {code: value} for the fields filled in; `cleared` adds null for the empty ones (to remove a value).
export function extraFieldValues(box, { cleared = false } = {}) {
  const values = {};
  for (const input of box.querySelectorAll("[data-extra-field]")) {
    const text = input.value.trim();
    if (text === "") {
      if (cleared) values[input.dataset.extraField] = null;
    } else {
      values[input.dataset.extraField] = input.type === "number" ? Number(text) : text;
    }
  }
  return values;
}

// The required fields left empty, as field errors the problem box shows.
export function missingExtraFields(box) {
  const missing = {};
  for (const input of box.querySelectorAll("[data-extra-field][required]")) {
    if (!input.value.trim()) missing[input.dataset.extraField] = ["This field is required."];
  }
  return missing;
}
