// Products and stock, for the salon's admin: products, storages, arrivals and write-offs with the
// latest movements, bills of materials, cash desks, membership and gift-card types; each part as
// the user's rights allow. Plain ES2020 modules against the gateway's JSON API; the sign-in is the
// admin page's (the same session in this tab).

import { ApiError, api, signOut, whenSignedOut } from "../admin/api.js";
import { money, moment, useSalon } from "../admin/format.js";
import { $, busy, clearProblem, el, report, showProblem } from "../admin/page.js";
import { companyId, current, keep, may } from "../admin/session.js";

const state = { company: null, products: [], storages: [], levels: [], services: [], staff: [], materials: [] };
const UNITS = { pcs: "pcs", ml: "ml", g: "g", cm: "cm" };
const KINDS = { arrival: "Arrival", write_off: "Write-off", sale: "Sale", consumable: "Consumable",
  sale_return: "Sale taken back", consumable_return: "Consumable taken back" };

// ---------------------------------------------------------------- money typed as text

function fractionDigits() {
  const currency = state.company?.currency || "EUR";
  return new Intl.NumberFormat(undefined, { style: "currency", currency }).resolvedOptions().maximumFractionDigits;
}

// "24.90", "24,9" -> 2490; "" -> 0; null when it is not an amount.
function minor(text) {
  const cleaned = String(text).trim().replace(/[\s\u00a0']/g, "");
  if (!cleaned) return 0;
  const found = /^(\d+)(?:[.,](\d*))?$/.exec(cleaned);
  const digits = fractionDigits();
  if (!found || (found[2] ?? "").length > digits) return null;
  const value = Number(found[1] + (found[2] ?? "").padEnd(digits, "0"));
  return Number.isSafeInteger(value) ? value : null;
}

function amountOf(id, field) {
  const value = minor($(id).value);
  if (value === null) throw problem(`The ${field.replaceAll("_", " ")} is not an amount.`, { [field]: ["Use e.g. 24.90."] });
  return value;
}

// A problem found before asking the server, shown as the server's are.
function problem(message, errors = {}) {
  return new ApiError(422, { message, errors: { json: errors } });
}

// ---------------------------------------------------------------- signing in

async function showSignIn(message) {
  $("workspace").hidden = true;
  $("who").hidden = true;
  $("sign-in").hidden = false;
  if (message) showProblem("sign-in-problem", { message });
  else clearProblem("sign-in-problem");
  $("email").focus();
}

async function signIn(event) {
  event.preventDefault();
  await busy($("sign-in-button"), "sign-in-problem", async () => {
    const credentials = { company_id: companyId, email: $("email").value.trim(), password: $("password").value };
    keep(await api("/auth/login", { method: "POST", json: credentials, signedIn: false }));
    $("password").value = "";
  });
  if (current()) await attempt("workspace-problem", openWorkspace);
}

async function openWorkspace() {
  const { user } = current();
  $("sign-in").hidden = true;
  $("user-name").textContent = user.name;
  $("who").hidden = false;
  const parts = [...document.querySelectorAll("[data-right]")];
  for (const part of parts) part.hidden = !may(part.dataset.right);
  $("nothing-to-manage").hidden = parts.some((part) => !part.hidden);
  $("workspace").hidden = false;
  $("workspace-title").focus({ preventScroll: true });
  state.company = await api("/company");
  useSalon(state.company.currency, state.company.timezone);
  $("salon-name").textContent = state.company.name;
  if (may("take_payments")) await attempt("takings-problem", showTakings);
  if (may("manage_products_and_stock")) await attempt("products-problem", loadStock);
  if (may("manage_settings")) await attempt("desks-problem", loadTill);
}

async function attempt(problemId, work) {
  try {
    await work();
  } catch (refused) {
    report(problemId, refused);
  }
}

function say(text) {
  $("status").textContent = text;
}

// ---------------------------------------------------------------- products, storages, stock

async function loadStock() {
  const [products, storages, levels, services, staff, materials] = await Promise.all([
    api("/products"), api("/storages"), api("/stock"), api("/services"), api("/staff"), api("/bills-of-materials"),
  ]);
  Object.assign(state, { products, storages, levels, services, staff, materials });
  drawProducts();
  drawStorages();
  drawMaterials();
  await drawMovements();
}

function inStock(productId) {
  return state.levels.filter((level) => level.product_id === productId).reduce((sum, level) => sum + level.quantity, 0);
}

function drawProducts() {
  $("product-rows").replaceChildren(...state.products.map((product) => el(
    "tr",
    { "data-product-id": product.id, class: product.active ? "" : "inactive" },
    cell("Title", product.title), cell("Article", product.article ?? ""), cell("Unit", UNITS[product.unit] ?? ""),
    cell("Sale price", money(product.sale_price), "number"), cell("Cost price", money(product.cost_price), "number"),
    cell("Category", product.category ?? ""), cell("In stock", `${inStock(product.id)} ${product.unit}`, "number"),
  )));
  const choices = state.products.filter((product) => product.active);
  fill($("movement-product"), choices.map((product) => [product.id, product.title]));
  fill($("material-product"), choices.map((product) => [product.id, `${product.title} (${product.unit})`]));
}

function drawStorages() {
  const yes = (value) => (value ? "Yes" : "No");
  $("storage-rows").replaceChildren(...state.storages.map((storage) => el(
    "tr",
    { "data-storage-id": storage.id },
    cell("Title", storage.title), cell("For sale", yes(storage.for_sale)),
    cell("For services", yes(storage.for_services)), cell("Negative stock", yes(storage.allows_negative)),
  )));
  fill($("movement-storage"), state.storages.filter((storage) => storage.active).map((s) => [s.id, s.title]));
}

async function drawMovements() {
  const latest = await api("/stock/movements?limit=20");
  const title = (list, id) => list.find((one) => one.id === id)?.title ?? `#${id}`;
  $("movement-rows").replaceChildren(...latest.map((movement) => el(
    "tr",
    {},
    cell("When", moment(movement.created_at)), cell("Product", title(state.products, movement.product_id)),
    cell("Storage", title(state.storages, movement.storage_id)), cell("Movement", KINDS[movement.kind] ?? ""),
    cell("Quantity", movement.quantity > 0 ? `+${movement.quantity}` : String(movement.quantity), "number"),
    cell("Note", movement.note ?? ""),
  )));
}

function drawMaterials() {
  const name = (list, id) => list.find((one) => one.id === id)?.title ?? list.find((one) => one.id === id)?.name;
  $("material-list").replaceChildren(...state.materials.map((bom) => el(
    "li",
    {},
    el("strong", {}, name(state.services, bom.service_id) ?? `Service ${bom.service_id}`),
    bom.staff_member_id ? ` (${name(state.staff, bom.staff_member_id)})` : " (every staff member)",
    ": ",
    bom.items.map((item) => {
      const product = state.products.find((one) => one.id === item.product_id);
      return `${product?.title ?? item.product_id} ${item.quantity} ${product?.unit ?? ""}`.trim();
    }).join(", "),
  )));
  fill($("material-service"), state.services.map((service) => [service.id, service.title]));
  fill($("material-staff"), [["", "Every staff member"], ...state.staff.map((member) => [member.id, member.name])]);
  fill($("membership-services"), state.services.map((service) => [service.id, service.title]));
}

// A table cell; on a phone the admin's tables become cards, each cell labelled (data-label).
function cell(label, content, kind = null) {
  return el("td", { "data-label": label, class: kind }, el("span", {}, content));
}

function fill(select, choices) {
  const chosen = select.value;
  select.replaceChildren(...choices.map(([value, text]) => el("option", { value }, text)));
  if (choices.some(([value]) => String(value) === chosen)) select.value = chosen;
}

async function addProduct() {
  const body = {
    title: $("product-title").value.trim(),
    unit: $("product-unit").value,
    sale_price: amountOf("product-sale-price", "sale_price"),
    cost_price: amountOf("product-cost-price", "cost_price"),
  };
  for (const [id, field] of [["product-article", "article"], ["product-barcode", "barcode"],
    ["product-category", "category"]]) {
    if ($(id).value.trim()) body[field] = $(id).value.trim();
  }
  const product = await api("/products", { method: "POST", json: body });
  $("product-form").reset();
  state.products = await api("/products"); // as the server has them now, whatever was loaded before
  drawProducts();
  say(`${product.title} added.`);
}

async function addStorage() {
  const storage = await api("/storages", {
    method: "POST",
    json: { title: $("storage-title").value.trim(), for_sale: $("storage-for-sale").checked,
      for_services: $("storage-for-services").checked, allows_negative: $("storage-negative").checked },
  });
  $("storage-form").reset();
  state.storages = await api("/storages");
  drawStorages();
  say(`${storage.title} added.`);
}

async function recordMovement() {
  const quantity = Number($("movement-quantity").value);
  if (!Number.isInteger(quantity) || quantity < 1) throw problem("Say how many.", { quantity: ["Use 1 or more."] });
  if (!$("movement-product").value || !$("movement-storage").value) {
    throw problem("Add a product and a storage first.", { product_id: ["Choose one."] });
  }
  const body = { kind: $("movement-kind").value, product_id: Number($("movement-product").value),
    storage_id: Number($("movement-storage").value), quantity };
  if ($("movement-note").value.trim()) body.note = $("movement-note").value.trim();
  await api("/stock/movements", { method: "POST", json: body });
  $("movement-quantity").value = "";
  $("movement-note").value = "";
  state.levels = await api("/stock");
  drawProducts();
  await drawMovements();
  say(`${KINDS[body.kind]} of ${quantity} recorded.`);
}

async function addMaterial() {
  const quantity = Number($("material-quantity").value);
  if (!Number.isInteger(quantity) || quantity < 1) throw problem("Say how much.", { quantity: ["Use 1 or more."] });
  const serviceId = Number($("material-service").value);
  const staffMemberId = $("material-staff").value ? Number($("material-staff").value) : null;
  const current = state.materials.find((bom) => bom.service_id === serviceId && bom.staff_member_id === staffMemberId);
  const items = [...(current?.items ?? []), { product_id: Number($("material-product").value), quantity }];
  await api("/bills-of-materials", { method: "PUT",
    json: { service_id: serviceId, staff_member_id: staffMemberId, items } });
  state.materials = await api("/bills-of-materials");
  drawMaterials();
  say("Bill of materials saved.");
}

// ---------------------------------------------------------------- the day's takings

const METHODS = { cash: "Cash", card: "Card", gift_card: "Gift cards", membership: "Memberships" };

function salonToday() {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: state.company.timezone, year: "numeric",
    month: "2-digit", day: "2-digit" }).format(new Date());
  return parts; // YYYY-MM-DD
}

// Money (cash and card) by cash desk, then what gift cards and memberships redeemed: shown apart and
// never added to the money, which paid for those cards when they were sold. A payment deleted counts
// minus on the day it was deleted, so a day already closed never changes.
async function showTakings() {
  if (!$("takings-date").value) $("takings-date").value = salonToday();
  const takings = await api(`/takings?date=${$("takings-date").value}`);
  const row = (label, entry, kind = "") => el("tr", { class: kind }, cell("Cash desk or method", label),
    cell("Payments", String(entry.payments), "number"),
    cell("Amount", money(entry.amount), "number"));
  $("takings-rows").replaceChildren(
    ...takings.by_cash_desk.map((desk) => row(desk.title, desk)),
    ...takings.redemptions.by_method.map((entry) => row(`${METHODS[entry.method] ?? entry.method} (redeemed)`,
      entry, "redeemed")),
  );
  const parts = [`Total ${money(takings.total)}`];
  if (takings.money.deletions) {
    parts.push(`${takings.money.deletions} deleted this day (${money(-takings.money.deleted)})`);
  }
  if (takings.redemptions.payments || takings.redemptions.deletions) {
    parts.push(`${money(takings.redemptions.amount)} redeemed with gift cards and memberships, not in the total`);
  }
  $("takings-total").textContent = `${parts.join("; ")}.`;
}

// ---------------------------------------------------------------- the till: cash desks, card types

async function loadTill() {
  const [desks, memberships, gifts] = await Promise.all([
    api("/cash-desks"), api("/membership-types"), api("/gift-card-types"),
  ]);
  drawDesks(desks);
  drawCardTypes(memberships, gifts);
  if (!state.services.length) {
    state.services = await api("/services");
    fill($("membership-services"), state.services.map((service) => [service.id, service.title]));
  }
}

function drawDesks(desks) {
  $("desk-rows").replaceChildren(...desks.map((desk) => el(
    "tr",
    { "data-desk-id": desk.id },
    cell("Title", desk.title), cell("Kind", desk.kind === "cash" ? "Cash" : "Non-cash"),
    cell("Default", desk.is_default ? "Default" : el("button", { type: "button", onclick: (event) =>
      busy(event.currentTarget, "desks-problem", () => makeDefault(desk)) }, "Make default")),
  )));
}

async function makeDefault(desk) {
  await api(`/cash-desks/${desk.id}`, { method: "PATCH", json: { is_default: true } });
  drawDesks(await api("/cash-desks"));
  say(`${desk.title} is the default ${desk.kind === "cash" ? "cash" : "non-cash"} desk.`);
}

async function addDesk() {
  const desk = await api("/cash-desks", { method: "POST", json: { title: $("desk-title").value.trim(),
    kind: $("desk-kind").value, is_default: $("desk-default").checked } });
  $("desk-form").reset();
  drawDesks(await api("/cash-desks"));
  say(`${desk.title} added.`);
}

function drawCardTypes(memberships, gifts) {
  $("card-type-list").replaceChildren(
    ...memberships.map((type) => el("li", {}, el("strong", {}, type.title),
      `: membership, ${type.uses} uses, ${type.validity_days} days, ${money(type.price)}`)),
    ...gifts.map((type) => el("li", {}, el("strong", {}, type.title),
      `: gift card of ${money(type.face_value)}, ${type.multiple_use ? "several uses" : "one use"}, ${
        type.validity_days} days, pays for ${type.pays_for === "any" ? "anything" : type.pays_for}`)),
  );
}

async function addMembershipType() {
  const chosen = [...$("membership-services").selectedOptions].map((option) => Number(option.value));
  await api("/membership-types", { method: "POST", json: { title: $("membership-title").value.trim(),
    price: amountOf("membership-price", "price"), uses: Number($("membership-uses").value),
    validity_days: Number($("membership-days").value), service_ids: chosen } });
  $("membership-form").reset();
  await loadTill();
  say("Membership type added.");
}

async function addGiftCardType() {
  await api("/gift-card-types", { method: "POST", json: { title: $("gift-title").value.trim(),
    face_value: amountOf("gift-value", "face_value"), validity_days: Number($("gift-days").value),
    pays_for: $("gift-pays-for").value, multiple_use: $("gift-multiple").checked } });
  $("gift-form").reset();
  await loadTill();
  say("Gift-card type added.");
}

// ---------------------------------------------------------------- wiring

function onSubmit(formId, buttonId, problemId, work) {
  $(formId).addEventListener("submit", (event) => {
    event.preventDefault();
    busy($(buttonId), problemId, work);
  });
}

async function start() {
  whenSignedOut((message) => showSignIn(`You were signed out: ${message}`));
  $("sign-in-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", async () => {
    await signOut();
    window.location.reload();
  });
  onSubmit("takings-form", "show-takings", "takings-problem", showTakings);
  onSubmit("product-form", "add-product", "products-problem", addProduct);
  onSubmit("storage-form", "add-storage", "storages-problem", addStorage);
  onSubmit("movement-form", "record-movement", "stock-problem", recordMovement);
  onSubmit("material-form", "add-material", "materials-problem", addMaterial);
  onSubmit("desk-form", "add-desk", "desks-problem", addDesk);
  onSubmit("membership-form", "add-membership", "cards-problem", addMembershipType);
  onSubmit("gift-form", "add-gift", "cards-problem", addGiftCardType);
  try {
    if (current()) await attempt("workspace-problem", openWorkspace);
    else await showSignIn();
  } finally {
    $("loading").hidden = true;
    document.getElementById("admin").setAttribute("aria-busy", "false");
  }
}

start();
