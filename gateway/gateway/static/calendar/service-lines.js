// The visit's service lines: price, quantity (– and +), discount (an amount or a percent) and the
// line's total as the server worked it out; adding and removing lines. Typed prices become minor
// units by reading the digits, never through floats.

import { servicesOf } from "./catalogue.js";
import { currencySymbol, decimalText, minorUnits, money, percent } from "./format.js";
import { $, el, facts, options, refuse } from "./page.js";

export function drawLines(appointment, { onRemove }) {
  const symbol = currencySymbol();
  $("line-list").replaceChildren(...appointment.services.map((line) => lineItem(line, symbol, onRemove)));
  $("visit-money").replaceChildren(
    ...facts([
      ["Total", money(appointment.total_price)],
      ["Discount", appointment.discount ? money(appointment.discount) : null],
      ["Paid", appointment.paid_amount ? money(appointment.paid_amount) : null],
      ["Due", money(appointment.due)],
    ]).children,
  );
  $("lines-note").textContent = "";
  const addable = servicesOf(appointment.staff_member_id);
  options($("add-service"), addable.map((service) => [service.id, `${service.title} · ${money(service.price_min)}`]));
  $("add-service").closest(".add-service").hidden = addable.length === 0;
  $("add-quantity").value = "1";
}

function lineItem(line, symbol, onRemove) {
  const id = (name) => `line-${line.id}-${name}`;
  const quantity = el("input", {
    id: id("quantity"),
    name: "quantity",
    type: "number",
    min: 1,
    max: 1000,
    inputmode: "numeric",
    value: line.quantity,
    "data-field": "quantity",
  });
  const step = (by) => () => {
    quantity.value = String(Math.min(Math.max(Number(quantity.value || 1) + by, 1), 1000));
    unsaved();
  };
  const percentOff = line.discount_percent !== null && line.discount_percent !== undefined;
  const discountValue = percentOff ? String(line.discount_percent) : line.discount ? decimalText(line.discount) : "";
  const discountKind = el(
    "select",
    { id: id("discount-kind"), name: "discount_kind", "data-field": "discount-kind", "aria-label": "Discount as" },
    el("option", { value: "amount", selected: !percentOff }, symbol),
    el("option", { value: "percent", selected: percentOff }, "%"),
  );
  return el(
    "li",
    { class: "line", "data-line-id": line.id, "data-service-id": line.service_id, oninput: unsaved },
    el(
      "div",
      { class: "line-head" },
      el("span", { class: "line-title" }, line.title),
      el(
        "button",
        { type: "button", class: "remove-line", "aria-label": `Remove ${line.title}`, onclick: () => onRemove(line) },
        "Remove",
      ),
    ),
    el(
      "div",
      { class: "line-fields" },
      el(
        "div",
        { class: "field price-field" },
        el("label", { for: id("price") }, `Price (${symbol})`),
        moneyInput(id("price"), "price", decimalText(line.price)),
      ),
      el(
        "div",
        { class: "field quantity-field" },
        el("label", { for: id("quantity") }, "Quantity"),
        el(
          "div",
          { class: "stepper" },
          el("button", { type: "button", "aria-label": `One fewer ${line.title}`, onclick: step(-1) }, "–"),
          quantity,
          el("button", { type: "button", "aria-label": `One more ${line.title}`, onclick: step(1) }, "+"),
        ),
      ),
      el(
        "div",
        { class: "field discount-field" },
        el("label", { for: id("discount") }, "Discount"),
        el(
          "div",
          { class: "discount" },
          moneyInput(id("discount"), "discount", discountValue),
          discountKind,
        ),
      ),
      el("p", { class: "line-total" }, el("span", {}, "Line total "), el("strong", {}, money(line.total))),
    ),
  );
}

function moneyInput(id, name, value) {
  return el("input", { id, name, value, inputmode: "decimal", autocomplete: "off", "data-field": name });
}

function unsaved() {
  $("lines-note").textContent = "Not saved yet.";
}

// Every line kept, as PATCH /appointments/{id} takes it: {id, quantity, price, discount}.
export function keptLines(except = null) {
  const lines = [];
  for (const item of $("line-list").querySelectorAll(".line")) {
    const id = Number(item.dataset.lineId);
    if (id === except) continue;
    const read = (field) => item.querySelector(`[data-field="${field}"]`).value.trim();
    const title = item.querySelector(".line-title").textContent;
    const price = minorUnits(read("price"));
    if (price === null) throw refuse(`The price of ${title} is not an amount.`, { price: ["Use e.g. 45.50."] });
    const quantity = Number(read("quantity"));
    if (!Number.isInteger(quantity) || quantity < 1) {
      throw refuse(`The quantity of ${title} is not a whole number.`, { quantity: ["Use 1 or more."] });
    }
    lines.push({ id, quantity, price, discount: discountOf(read("discount"), read("discount-kind"), title) });
  }
  return lines;
}

function discountOf(text, kind, title) {
  if (!text) return { amount: 0 };
  if (kind === "percent") {
    const value = percent(text);
    if (value === null) throw refuse(`The discount on ${title} is not a percent.`, { discount: ["Use 0 to 100."] });
    return { percent: value };
  }
  const amount = minorUnits(text);
  if (amount === null) throw refuse(`The discount on ${title} is not an amount.`, { discount: ["Use a number."] });
  return { amount };
}

export function newLine() {
  const quantity = Number($("add-quantity").value);
  if (!$("add-service").value) throw refuse("Choose the service to add.", { service_id: ["Choose a service."] });
  if (!Number.isInteger(quantity) || quantity < 1) throw refuse("Say how many.", { quantity: ["Use 1 or more."] });
  return { service_id: Number($("add-service").value), quantity };
}
