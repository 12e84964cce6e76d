// What a visit sells and uses, in its checkout: consumables for each service line ("Add a
// consumable", or "Apply bill of materials"), and "Add sale": a product from a storage for sale, or a
// membership or gift card with a code typed or generated (the round arrow). Each shows what the
// server made of it; removing one gives its stock back. A sale carries an Idempotency-Key (keys.js):
// a double tap on "Add a product" or "Sell gift card" sells once.

import { api } from "./api.js";
import { currencySymbol, decimalText, minorUnits, money, percent } from "./format.js";
import { keyFor } from "./keys.js";
import { $, busy, el, options, refuse, say } from "./page.js";
import { may } from "./session.js";
import { shown } from "./view.js";

const till = { loaded: false, products: [], storages: [], membershipTypes: [], giftCardTypes: [] };
const part = { changed: async () => {}, appointment: null, lineId: null };
const KIND_LABELS = { product: "Product", membership: "Membership", gift_card: "Gift card" };

// Products, storages and card types, read once a page: what the visit's forms offer.
export async function loadTill() {
  if (till.loaded) return;
  const sellsCards = may("sell_memberships_and_gift_cards") || may("take_payments");
  const [products, storages, membershipTypes, giftCardTypes] = await Promise.all([
    api("/products?active_only=true"),
    api("/storages?active_only=true"),
    sellsCards ? api("/membership-types") : [],
    sellsCards ? api("/gift-card-types") : [],
  ]);
  Object.assign(till, { loaded: true, products, storages, membershipTypes: membershipTypes.filter(activeType),
    giftCardTypes: giftCardTypes.filter(activeType) });
}

const activeType = (type) => type.active !== false;

export function wireSales({ changed }) {
  part.changed = changed;
  $("checkout-sales").replaceChildren(
    el("div", { class: "checkout-part", id: "consumables-part" },
      el("h4", {}, "Consumables"),
      el("div", { id: "consumable-lines", class: "consumable-lines" }),
      consumableForm()),
    el("div", { class: "checkout-part", id: "sales-part" },
      el("h4", { id: "sales-title" }, "Products and memberships"),
      el("ul", { id: "sale-list", class: "sales", "aria-labelledby": "sales-title" }),
      el("p", { id: "no-sales", class: "note" }, "Nothing sold in this visit yet."),
      el("button", { type: "button", id: "add-sale", class: "add-button", "aria-expanded": "false",
        onclick: toggleSaleForm }, "+ Add sale"),
      saleForm()),
  );
}

// ---------------------------------------------------------------- drawing

export function drawSales(bill, appointment) {
  if (appointment) part.appointment = appointment;
  const open = bill.state === "booked";
  const form = $("consumable-form");
  $("consumables-part").append(form); // kept while the lines are drawn anew
  $("consumable-lines").replaceChildren(...bill.lines.map((line) => consumablesOf(line, open)));
  $("consumables-part").hidden = bill.lines.length === 0;
  const under = part.lineId && $("consumable-lines").querySelector(`[data-line-id="${part.lineId}"]`);
  if (under && open && !form.hidden) under.append(form);
  else hideConsumableForm();
  const sold = [...bill.products.map(productItem), ...bill.cards.map(cardItem)];
  $("sale-list").replaceChildren(...sold);
  $("no-sales").hidden = sold.length > 0;
  const sells = may("take_payments") || may("sell_memberships_and_gift_cards");
  $("add-sale").hidden = !open || !sells;
  if ($("add-sale").hidden) $("sale-form").hidden = true;
}

function consumablesOf(line, open) {
  return el(
    "div",
    { class: "line-consumables", "data-line-id": line.line_id },
    el("p", { class: "line-consumables-title" }, line.title),
    el("ul", { class: "consumables" }, ...line.consumables.map((used) => el(
      "li",
      { class: "consumable", "data-consumable-id": used.id },
      el("span", {}, `${used.title} · ${used.quantity} ${used.unit}`),
      el("button", { type: "button", class: "remove", "aria-label": `Remove ${used.title} from ${line.title}`,
        onclick: (event) => busy(event.currentTarget, "checkout-problem", () => removeConsumable(used)) }),
    ))),
    open
      ? el("div", { class: "consumable-actions" },
        el("button", { type: "button", class: "add-button add-consumable", "aria-expanded": "false",
          onclick: (event) => toggleConsumableMenu(event.currentTarget) }, "+ Add a consumable"),
        el("div", { class: "consumable-menu", hidden: true },
          el("button", { type: "button", class: "choose-consumable",
            onclick: () => showConsumableForm(line) }, "Add a consumable"),
          el("button", { type: "button", class: "apply-bom",
            onclick: (event) => busy(event.currentTarget, "checkout-problem", () => applyBillOfMaterials(line)) },
          "Apply bill of materials")))
      : null,
  );
}

function productItem(sale) {
  const each = sale.quantity > 1 ? ` × ${sale.quantity}` : "";
  const off = sale.discount ? ` (−${money(sale.discount)})` : "";
  return el(
    "li",
    { class: "sale", "data-sale-id": sale.id },
    el("span", { class: "sale-what" }, `${sale.title}${each}${off}`),
    el("strong", {}, money(sale.total)),
    may("take_payments")
      ? el("button", { type: "button", class: "remove", "aria-label": `Remove ${sale.title}`,
        onclick: (event) => busy(event.currentTarget, "checkout-problem", () => removeSale(sale)) })
      : null,
  );
}

function cardItem(card) {
  const unpaid = card.state === "not_paid";
  return el(
    "li",
    { class: `sale card-sold${unpaid ? " not-paid" : ""}`, "data-card-id": card.id, "data-kind": card.kind },
    el("span", { class: "sale-what" }, `${card.title} · `, el("code", {}, card.code),
      unpaid ? el("span", { class: "card-note" }, "usable once paid") : null),
    el("strong", {}, money(card.price)),
    may("sell_memberships_and_gift_cards")
      ? el("button", { type: "button", class: "remove", "aria-label": `Remove ${card.title}`,
        onclick: (event) => busy(event.currentTarget, "checkout-problem", () => removeCard(card)) })
      : null,
  );
}

// ---------------------------------------------------------------- consumables

function consumableForm() {
  const form = el(
    "form",
    { id: "consumable-form", class: "consumable-form", novalidate: true, hidden: true },
    el("div", { class: "field" }, el("label", { for: "consumable-product" }, "Consumable"),
      el("select", { id: "consumable-product", name: "product_id" })),
    el("div", { class: "field" }, el("label", { for: "consumable-storage" }, "Storage"),
      el("select", { id: "consumable-storage", name: "storage_id" })),
    el("div", { class: "field quantity-field" }, el("label", { for: "consumable-quantity", id: "consumable-unit" },
      "Amount"), el("input", { id: "consumable-quantity", name: "quantity", type: "number", min: 1, value: 1,
      inputmode: "numeric" })),
    el("div", { class: "form-actions" },
      el("button", { type: "submit", id: "consumable-add", class: "primary" }, "Add"),
      el("button", { type: "button", onclick: hideConsumableForm }, "Cancel")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy($("consumable-add"), "checkout-problem", addConsumable);
  });
  form.querySelector("#consumable-product").addEventListener("change", showUnit);
  return form;
}

function toggleConsumableMenu(button) {
  const menu = button.nextElementSibling;
  menu.hidden = !menu.hidden;
  button.setAttribute("aria-expanded", String(!menu.hidden));
  if (!menu.hidden) menu.querySelector("button").focus();
}

function showConsumableForm(line) {
  part.lineId = line.line_id;
  const form = $("consumable-form");
  $("consumable-lines").querySelector(`[data-line-id="${line.line_id}"]`).append(form);
  options($("consumable-product"), till.products.map((product) => [product.id, product.title]));
  options($("consumable-storage"), till.storages.filter((storage) => storage.for_services)
    .map((storage) => [storage.id, storage.title]));
  $("consumable-quantity").value = "1";
  showUnit();
  form.hidden = false;
  $("consumable-product").focus();
}

function showUnit() {
  const product = till.products.find((one) => String(one.id) === $("consumable-product").value);
  $("consumable-unit").textContent = product ? `Amount (${product.unit})` : "Amount";
}

function hideConsumableForm() {
  $("consumable-form").hidden = true;
  part.lineId = null;
}

async function addConsumable() {
  const quantity = Number($("consumable-quantity").value);
  if (!$("consumable-product").value) throw refuse("Choose the consumable.", { product_id: ["Choose one."] });
  if (!Number.isInteger(quantity) || quantity < 1) throw refuse("Say how much.", { quantity: ["Use 1 or more."] });
  const body = { line_id: part.lineId, product_id: Number($("consumable-product").value), quantity };
  if ($("consumable-storage").value) body.storage_id = Number($("consumable-storage").value);
  const bill = await api(`/appointments/${part.appointment.id}/consumables`, { method: "POST", json: body });
  hideConsumableForm();
  say("Consumable added.");
  await part.changed(bill);
}

async function applyBillOfMaterials(line) {
  const bill = await api(`/appointments/${part.appointment.id}/consumables/bill-of-materials`, {
    method: "POST",
    json: { line_id: line.line_id },
  });
  say(`Bill of materials applied to ${line.title}.`);
  await part.changed(bill);
}

async function removeConsumable(used) {
  const bill = await api(`/appointments/${part.appointment.id}/consumables/${used.id}`, { method: "DELETE" });
  say(`${used.title} removed; its stock is back.`);
  await part.changed(bill);
}

// ---------------------------------------------------------------- add sale

function saleForm() {
  const symbol = currencySymbol();
  const form = el(
    "form",
    { id: "sale-form", class: "sale-form", novalidate: true, hidden: true },
    el("div", { class: "field" }, el("label", { for: "sale-kind" }, "What"),
      el("select", { id: "sale-kind", name: "kind", onchange: showSaleFields })),
    el("div", { id: "product-fields", class: "sale-fields" },
      field("sale-product", "Product", el("select", { id: "sale-product", name: "product_id", onchange: usePrice })),
      field("sale-quantity", "Quantity", el("input", { id: "sale-quantity", name: "quantity", type: "number", min: 1,
        max: 1000, value: 1, inputmode: "numeric" })),
      field("sale-price", `Price (${symbol})`, el("input", { id: "sale-price", name: "price", inputmode: "decimal",
        autocomplete: "off" })),
      field("sale-discount", "Discount", el("div", { class: "discount" },
        el("input", { id: "sale-discount", name: "discount", inputmode: "decimal", autocomplete: "off" }),
        el("select", { id: "sale-discount-kind", "aria-label": "Discount as" },
          el("option", { value: "amount" }, symbol), el("option", { value: "percent" }, "%")))),
      field("sale-staff", "Team member", el("select", { id: "sale-staff", name: "staff_member_id" })),
      field("sale-storage", "Storage", el("select", { id: "sale-storage", name: "storage_id" }))),
    el("div", { id: "card-fields", class: "sale-fields", hidden: true },
      field("card-type", "Type", el("select", { id: "card-type", name: "type_id" })),
      field("card-code", "Code", el("div", { class: "code-input" },
        el("input", { id: "card-code", name: "code", autocomplete: "off", autocapitalize: "characters",
          maxlength: 64, placeholder: "Type it, or generate one" }),
        el("button", { type: "button", id: "generate-code", class: "round-arrow", "aria-label": "Generate a code",
          title: "Generate a code",
          onclick: (event) => busy(event.currentTarget, "checkout-problem", generateCode) }, "↻")))),
    el("div", { class: "form-actions" },
      el("button", { type: "submit", id: "sale-submit", class: "primary" }, "Add a product"),
      el("button", { type: "button", onclick: toggleSaleForm }, "Cancel")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy($("sale-submit"), "checkout-problem", sell);
  });
  return form;
}

function field(id, label, input) {
  return el("div", { class: "field" }, el("label", { for: id }, label), input);
}

function toggleSaleForm() {
  const form = $("sale-form");
  form.hidden = !form.hidden;
  $("add-sale").setAttribute("aria-expanded", String(!form.hidden));
  if (form.hidden) return;
  const kinds = [];
  if (may("take_payments")) kinds.push("product");
  if (may("sell_memberships_and_gift_cards")) {
    if (till.membershipTypes.length) kinds.push("membership");
    if (till.giftCardTypes.length) kinds.push("gift_card");
  }
  options($("sale-kind"), kinds.map((kind) => [kind, KIND_LABELS[kind]]));
  options($("sale-product"), till.products.map((product) => [product.id, `${product.title} · ${money(
    product.sale_price)}`]));
  options($("sale-staff"), shown.staff.map((member) => [member.id, member.name]), part.appointment?.staff_member_id);
  options($("sale-storage"), till.storages.filter((storage) => storage.for_sale)
    .map((storage) => [storage.id, storage.title]));
  $("sale-quantity").value = "1";
  $("sale-discount").value = "";
  $("card-code").value = "";
  usePrice();
  showSaleFields();
  $("sale-kind").focus();
}

function showSaleFields() {
  const kind = $("sale-kind").value;
  $("product-fields").hidden = kind !== "product";
  $("card-fields").hidden = kind === "product";
  if (kind !== "product") {
    const types = kind === "membership" ? till.membershipTypes : till.giftCardTypes;
    options($("card-type"), types.map((type) => [type.id, `${type.title} · ${money(type.price)}`]));
  }
  $("sale-submit").textContent = { product: "Add a product", membership: "Sell membership",
    gift_card: "Sell gift card" }[kind] ?? "Add";
}

function usePrice() {
  const product = till.products.find((one) => String(one.id) === $("sale-product").value);
  $("sale-price").value = product ? decimalText(product.sale_price) : "";
}

async function generateCode() {
  const { code } = await api("/card-codes", { method: "POST" });
  $("card-code").value = code;
}

async function sell() {
  const kind = $("sale-kind").value;
  if (!kind) throw refuse("There is nothing to sell yet: add products or card types first.");
  const path = `/appointments/${part.appointment.id}`;
  let bill;
  if (kind === "product") {
    const sale = productSale();
    const headers = { "Idempotency-Key": keyFor(`${path}/products`, sale) };
    bill = await api(`${path}/products`, { method: "POST", json: sale, headers });
  } else {
    const body = { kind, type_id: Number($("card-type").value) };
    if ($("card-code").value.trim()) body.code = $("card-code").value.trim();
    const headers = { "Idempotency-Key": keyFor(`${path}/cards`, body) };
    const sold = await api(`${path}/cards`, { method: "POST", json: body, headers });
    bill = sold.bill;
    say(`${sold.card.title} sold with the code ${sold.card.code}.`);
  }
  toggleSaleForm();
  await part.changed(bill);
}

function productSale() {
  const quantity = Number($("sale-quantity").value);
  if (!$("sale-product").value) throw refuse("Choose the product.", { product_id: ["Choose one."] });
  if (!Number.isInteger(quantity) || quantity < 1) throw refuse("Say how many.", { quantity: ["Use 1 or more."] });
  const price = minorUnits($("sale-price").value);
  if (price === null) throw refuse("The price is not an amount.", { price: ["Use e.g. 12.90."] });
  const sale = { product_id: Number($("sale-product").value), quantity, price };
  const discount = $("sale-discount").value.trim();
  if (discount) {
    if ($("sale-discount-kind").value === "percent") {
      const value = percent(discount);
      if (value === null) throw refuse("The discount is not a percent.", { discount: ["Use 0 to 100."] });
      sale.discount = { percent: value };
    } else {
      const amount = minorUnits(discount);
      if (amount === null) throw refuse("The discount is not an amount.", { discount: ["Use a number."] });
      sale.discount = { amount };
    }
  }
  if ($("sale-staff").value) sale.staff_member_id = Number($("sale-staff").value);
  if ($("sale-storage").value) sale.storage_id = Number($("sale-storage").value);
  return sale;
}

async function removeSale(sale) {
  const bill = await api(`/appointments/${part.appointment.id}/products/${sale.id}`, { method: "DELETE" });
  say(`${sale.title} taken back; its stock is back.`);
  await part.changed(bill);
}

async function removeCard(card) {
  const bill = await api(`/appointments/${part.appointment.id}/cards/${card.kind}/${card.id}`, { method: "DELETE" });
  say(`${card.title} taken back.`);
  await part.changed(bill);
}
