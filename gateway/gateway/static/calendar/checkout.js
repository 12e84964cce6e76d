// The visit's checkout in its window: the bill the payments service keeps (service lines from the
// appointment, consumables written off for them, products and cards sold), what is paid and due,
// Cash / Card in one tap, a split payment, and the payments with delete. Every payment carries an
// Idempotency-Key, the same one for every try of the same payment, so a double tap pays once (keys.js).

import { api } from "./api.js";
import { confirm } from "./dialogs.js";
import { decimalText, minorUnits, money, time } from "./format.js";
import { keyFor, onBillVersion } from "./keys.js";
import { $, busy, clearProblem, el, facts, refuse, report, say } from "./page.js";
import { drawSales, loadTill, wireSales } from "./sales.js";
import { may } from "./session.js";

export const checkout = { bill: null, appointmentId: null, onChange: () => {} };
const METHOD_NAMES = { cash: "Cash", card: "Card", gift_card: "Gift card", membership: "Membership",
  carried_over: "Paid before" };

// Built once: the section's parts, filled in for each visit.
export function wireCheckout({ onChange }) {
  checkout.onChange = onChange;
  const section = $("checkout");
  section.replaceChildren(
    el("h3", { id: "checkout-title" }, "Checkout"),
    el("div", { class: "problem", id: "checkout-problem", role: "alert", hidden: true }),
    el("div", { id: "checkout-sales" }),
    el("dl", { id: "bill-money", class: "money bill-money" }),
    el("p", { id: "paid-in-full", class: "paid-in-full", hidden: true }, "Paid in full"),
    el("p", { id: "refund-note", class: "note refund-note", hidden: true }),
    el(
      "div",
      { id: "pay-buttons", class: "pay-buttons", "data-right": "take_payments" },
      el("button", { type: "button", id: "pay-cash", class: "primary", onclick: () => quickPay("cash") }, "Cash"),
      el("button", { type: "button", id: "pay-card", class: "primary", onclick: () => quickPay("card") }, "Card"),
      el("button", { type: "button", id: "split-payment", "aria-expanded": "false", onclick: toggleSplit },
        "Split payment"),
    ),
    splitForm(),
    el("h4", { id: "payments-title" }, "Payments"),
    el("ul", { id: "payment-list", class: "payments", "aria-labelledby": "payments-title" }),
    el("p", { id: "no-payments", class: "note" }, "No payment yet."),
  );
  wireSales({ changed: billChanged });
}

function splitForm() {
  const form = el(
    "form",
    { id: "split-form", class: "split-form", novalidate: true, hidden: true },
    el("div", { class: "field" }, el("label", { for: "split-amount" }, "Amount"),
      el("input", { id: "split-amount", name: "amount", inputmode: "decimal", autocomplete: "off" })),
    el("div", { class: "field" }, el("label", { for: "split-method" }, "Payment type"),
      el("select", { id: "split-method", name: "method", onchange: showCodeField },
        ...["cash", "card", "gift_card", "membership"].map((method) =>
          el("option", { value: method }, METHOD_NAMES[method])))),
    el("div", { class: "field code-field", id: "split-code-field", hidden: true },
      el("label", { for: "split-code" }, "Code"),
      el("input", { id: "split-code", name: "code", autocomplete: "off", autocapitalize: "characters",
        maxlength: 64 })),
    el("div", { class: "form-actions" }, el("button", { type: "submit", id: "split-pay", class: "primary" }, "Pay")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy($("split-pay"), "checkout-problem", splitPay);
  });
  return form;
}

// The visit window shows an appointment: its bill, fetched for the version the window shows.
export async function drawCheckout(appointment) {
  clearProblem("checkout-problem");
  if (checkout.appointmentId !== appointment.id) {
    checkout.bill = null;
    $("split-form").hidden = true;
    $("split-payment").setAttribute("aria-expanded", "false");
  }
  checkout.appointmentId = appointment.id;
  $("checkout").setAttribute("aria-busy", "true");
  try {
    const [bill] = await Promise.all([api(`/appointments/${appointment.id}/bill`), loadTill()]);
    if (checkout.appointmentId === appointment.id) show(bill, appointment);
  } catch (problem) {
    report("checkout-problem", problem);
  } finally {
    $("checkout").setAttribute("aria-busy", "false");
  }
}

function show(bill, appointment = null) {
  onBillVersion(`${bill.appointment_id}:${bill.version}`);
  checkout.bill = bill;
  drawSales(bill, appointment);
  $("bill-money").replaceChildren(
    ...facts([
      ["Services", money(bill.services_total)],
      ["Sales", bill.sales_total ? money(bill.sales_total) : null],
      ["Total", money(bill.total)],
      ["Paid", money(bill.paid)],
      ["Overpaid", bill.overpaid ? money(bill.overpaid) : null],
      ["Due", money(bill.due)],
    ]).children,
  );
  $("paid-in-full").hidden = !bill.paid_in_full;
  $("refund-note").hidden = !bill.refund_status;
  $("refund-note").textContent = bill.refund_status
    ? `The visit is ${bill.state}: ${money(bill.paid)} paid is to give back by hand.`
    : "";
  const open = bill.state === "booked";
  $("pay-buttons").hidden = !may("take_payments") || !open;
  for (const id of ["pay-cash", "pay-card"]) $(id).disabled = bill.due === 0;
  if (!open || !may("take_payments")) $("split-form").hidden = true;
  if (!$("split-form").hidden) $("split-amount").value = decimalText(bill.due);
  drawPayments(bill);
}

function drawPayments(bill) {
  $("payment-list").replaceChildren(...bill.payments.map(paymentItem));
  $("no-payments").hidden = bill.payments.length > 0;
}

function paymentItem(payment) {
  const live = payment.state === "live";
  const what = [METHOD_NAMES[payment.method] ?? payment.method, payment.code].filter(Boolean).join(" · ");
  return el(
    "li",
    { class: `payment${live ? "" : " deleted"}`, "data-payment-id": payment.id, "data-method": payment.method },
    el("span", { class: "payment-what" }, what),
    el("span", { class: "payment-when" }, live ? time(payment.taken_at) : `deleted ${time(payment.deleted_at)}`),
    el("strong", { class: "payment-amount" }, money(payment.amount)),
    live && may("delete_payments")
      ? el("button", { type: "button", class: "remove delete-payment", "aria-label": `Delete the payment of ${
        money(payment.amount)}`, onclick: (event) => busy(event.currentTarget, "checkout-problem", () =>
        deletePayment(payment)) })
      : null,
  );
}

async function pay(body) {
  const path = `/appointments/${checkout.appointmentId}/payments`;
  const answer = await api(path, { method: "POST", json: body, headers: { "Idempotency-Key": keyFor(path, body) } });
  const full = answer.bill.paid_in_full ? " Paid in full." : "";
  await billChanged(answer.bill, `${METHOD_NAMES[body.method]}: ${money(answer.payment.amount)} paid.${full}`);
  return answer;
}

function quickPay(method) {
  busy($(`pay-${method}`), "checkout-problem", () => pay({ method }));
}

function toggleSplit() {
  const form = $("split-form");
  form.hidden = !form.hidden;
  $("split-payment").setAttribute("aria-expanded", String(!form.hidden));
  if (!form.hidden) {
    $("split-amount").value = decimalText(checkout.bill?.due ?? 0);
    showCodeField();
    $("split-amount").focus();
  }
}

function showCodeField() {
  $("split-code-field").hidden = !["gift_card", "membership"].includes($("split-method").value);
}

async function splitPay() {
  const amount = minorUnits($("split-amount").value);
  if (amount === null || amount < 1) throw refuse("Give the amount to pay.", { amount: ["Use e.g. 25.00."] });
  const method = $("split-method").value;
  const body = { method, amount };
  if (!$("split-code-field").hidden) {
    const code = $("split-code").value.trim();
    if (!code) throw refuse("Give the card's code.", { code: ["Type the code on the card."] });
    body.code = code;
  }
  const answer = await pay(body);
  if (answer.bill.due === 0) toggleSplit();
  // "Add payment": the rest, by another type if need be; a field the user has gone on to meanwhile keeps focus
  else if (!["INPUT", "SELECT", "TEXTAREA"].includes(document.activeElement?.tagName)) $("split-amount").focus();
}

async function deletePayment(payment) {
  const question = `Delete the ${METHOD_NAMES[payment.method] ?? payment.method} payment of ${money(payment.amount)}?`;
  if (!(await confirm(question))) return;
  const bill = await api(`/appointments/${checkout.appointmentId}/payments/${payment.id}`, { method: "DELETE" });
  await billChanged(bill, `Payment of ${money(payment.amount)} deleted; ${money(bill.due)} is due.`);
}

// After any change the server answers with the bill: shown here, said, and the calendar told.
async function billChanged(bill, message = null) {
  show(bill);
  if (message) say(message);
  await checkout.onChange(bill);
}

export function reportCheckout(problem) {
  report("checkout-problem", problem);
}
