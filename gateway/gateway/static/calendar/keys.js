// Idempotency-Keys of the checkout: one for each request asked on one version of the bill (a
// payment, a product or card sold). A second tap of the same request, or a retry after a lost
// answer, sends the same key and gets the first answer instead of paying or selling twice; once the
// bill has changed, the same request is a new one and gets a new key.

import { newKey } from "./api.js";

const keys = new Map();
let billVersion = null;

// The bill shown now: keys asked on another version are forgotten.
export function onBillVersion(version) {
  if (version !== billVersion) keys.clear();
  billVersion = version;
}

export function keyFor(path, body) {
  const asked = `${path} ${JSON.stringify(body)}`;
  if (!keys.has(asked)) keys.set(asked, newKey());
  return keys.get(asked);
}
