// The windows: real <dialog> elements, opened modal; Escape and the close buttons shut them, and the
// focus goes back to what opened them.

import { $ } from "./page.js";
import { bySheetKey, sheetKey } from "./sheet.js";

const openers = new Map(); // dialog -> {element focused before it opened, its key if it is on the sheet}

export function wireDialogs() {
  for (const dialog of document.querySelectorAll("dialog")) {
    dialog.addEventListener("close", () => {
      const { element, key } = openers.get(dialog) ?? {};
      openers.delete(dialog);
      // The sheet may have been drawn anew meanwhile: then the same button in the new sheet.
      const opener = element?.isConnected ? element : bySheetKey(key);
      const reachable = opener?.closest("dialog[open]") || !document.querySelector("dialog[open]");
      if (opener && reachable) opener.focus({ preventScroll: true });
    });
    for (const button of dialog.querySelectorAll("[data-close]")) {
      button.addEventListener("click", () => dialog.close());
    }
  }
}

// Open a window; `focus` is the element to start on (else the first field or button).
export function openWindow(id, focus) {
  const dialog = $(id);
  if (!dialog.open) {
    openers.set(dialog, { element: document.activeElement, key: sheetKey(document.activeElement) });
    dialog.showModal();
  }
  const first = focus ?? dialog.querySelector("input:not([type=hidden]):not([disabled]), select, textarea");
  (first ?? dialog.querySelector("button"))?.focus();
  dialog.scrollTop = 0;
}

export function closeWindow(id) {
  const dialog = $(id);
  if (dialog.open) dialog.close();
}

// "Are you sure…?" answered Yes (true) or No, Escape or closing (false).
export function confirm(question, yes = "Yes") {
  const dialog = $("confirm");
  $("confirm-question").textContent = question;
  $("confirm-yes").textContent = yes;
  return new Promise((resolve) => {
    const answer = (chosen) => () => {
      cleanUp();
      dialog.close();
      resolve(chosen);
    };
    const onYes = answer(true);
    const onNo = answer(false);
    const onClose = () => {
      cleanUp();
      resolve(false);
    };
    function cleanUp() {
      $("confirm-yes").removeEventListener("click", onYes);
      $("confirm-no").removeEventListener("click", onNo);
      dialog.removeEventListener("close", onClose);
    }
    $("confirm-yes").addEventListener("click", onYes);
    $("confirm-no").addEventListener("click", onNo);
    dialog.addEventListener("close", onClose);
    openWindow("confirm", $("confirm-no"));
  });
}
