// Who the client is: found in the salon's client base as you type (name or phone) and picked, or
// entered as new (phone, name, email).

import { api, query } from "./api.js";
import { clientName } from "./format.js";
import { el } from "./page.js";

const WAIT_MS = 250;

export function clientPicker(slot, prefix) {
  const id = (name) => `${prefix}-${name}`;
  const picker = { chosen: null, fresh: false, asked: 0 };
  const search = el("input", {
    id: id("search"),
    type: "search",
    autocomplete: "off",
    maxlength: 100,
    "aria-describedby": id("found"),
  });
  const matches = el("ul", { class: "matches", id: id("matches") });
  const found = el("p", { class: "note", id: id("found"), role: "status", "aria-live": "polite" });
  const chosenText = el("span", { class: "chosen-name" });
  const chosenBox = el(
    "div",
    { class: "chosen-client", hidden: true },
    chosenText,
    el("button", { type: "button", onclick: () => startOver(true) }, "Change client"),
  );
  const field = (name, label, attributes) =>
    el(
      "div",
      { class: "field" },
      el("label", { for: id(name) }, label),
      el("input", { id: id(name), name, autocomplete: "off", ...attributes }),
    );
  const newClient = el(
    "div",
    { class: "new-client", hidden: true },
    field("phone", "Phone (required)", { type: "tel", maxlength: 40, inputmode: "tel" }),
    field("name", "Name (required)", { maxlength: 200 }),
    field("email", "Email", { type: "email", maxlength: 254 }),
    el("button", { type: "button", onclick: () => startOver(true) }, "Find a client instead"),
  );
  const finder = el(
    "div",
    { class: "finder" },
    el("div", { class: "field" }, el("label", { for: id("search") }, "Find a client by name or phone"), search),
    found,
    matches,
    el("button", { type: "button", onclick: enterNew }, "New client"),
  );
  slot.replaceChildren(
    el("fieldset", { class: "client-picker" }, el("legend", {}, "Client"), chosenBox, finder, newClient),
  );

  let waiting = null;
  search.addEventListener("input", () => {
    clearTimeout(waiting);
    waiting = setTimeout(lookUp, WAIT_MS);
  });
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault(); // the form is not sent while searching
      clearTimeout(waiting);
      lookUp();
    }
  });

  async function lookUp() {
    const q = search.value.trim();
    const asked = ++picker.asked;
    if (!q) {
      matches.replaceChildren();
      found.textContent = "";
      return;
    }
    let clients = [];
    try {
      clients = await api(`/clients${query({ q })}`);
    } catch (problem) {
      if (asked === picker.asked) found.textContent = problem.message;
      return;
    }
    if (asked !== picker.asked) return; // a later search is under way
    found.textContent = clients.length ? `${clients.length} found` : "No client found. Add a new client.";
    matches.replaceChildren(...clients.map((client) => el("li", {}, matchButton(client))));
  }

  function matchButton(client) {
    return el(
      "button",
      { type: "button", class: "match", "data-client-id": client.id, onclick: () => pick(client) },
      el("span", { class: "match-name" }, clientName(client)),
      el("span", { class: "match-phone" }, client.phone),
    );
  }

  function pick(client) {
    picker.chosen = client;
    chosenText.textContent = `${clientName(client)} · ${client.phone}`;
    chosenBox.hidden = false;
    finder.hidden = true;
    chosenBox.querySelector("button").focus();
  }

  function enterNew() {
    picker.fresh = true;
    finder.hidden = true;
    newClient.hidden = false;
    const typed = search.value.trim();
    const phone = newClient.querySelector("[name=phone]");
    const name = newClient.querySelector("[name=name]");
    if (/^[+\d][\d\s()-]*$/.test(typed)) phone.value = typed;
    else if (typed) name.value = typed;
    phone.focus();
  }

  function startOver(focus = false) {
    picker.chosen = null;
    picker.fresh = false;
    chosenBox.hidden = true;
    newClient.hidden = true;
    finder.hidden = false;
    if (focus) search.focus();
  }

  return {
    reset() {
      startOver();
      search.value = "";
      matches.replaceChildren();
      found.textContent = "";
      for (const input of newClient.querySelectorAll("input")) input.value = "";
    },
    focus: () => search.focus(),
    // {client_id} or {client: {phone, name, email?}}; null when no client is given yet.
    value() {
      if (picker.chosen) return { client_id: picker.chosen.id };
      if (!picker.fresh) return null;
      const read = (name) => newClient.querySelector(`[name=${name}]`).value.trim();
      const client = { phone: read("phone"), name: read("name") };
      if (read("email")) client.email = read("email");
      return { client };
    },
  };
}
