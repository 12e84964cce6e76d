// Messages today: how many SMS and emails the salon has sent against its daily caps. Over a cap nothing
// more of that kind goes out (phone codes are refused, booking texts kept as failed) until the counts
// start again, at midnight UTC, shown on the salon's clock.

import { api } from "./api.js";
import { moment } from "./format.js";
import { $ } from "./page.js";

const CHANNELS = [
  ["sms", "SMS sent today", "SMS"],
  ["email", "Emails sent today", "email"],
];

export async function showUsage() {
  const today = await api("/notifications/usage");
  const full = [];
  for (const [channel, label, name] of CHANNELS) {
    const { sent, cap, remaining } = today[channel];
    $(`${channel}-usage`).textContent = `${label}: ${sent} of ${cap}`;
    const meter = $(`${channel}-meter`);
    meter.max = cap; // green up to half the cap, amber to 80 %, red beyond
    meter.low = cap * 0.5;
    meter.high = cap * 0.8;
    meter.optimum = 0;
    meter.value = Math.min(sent, cap);
    if (remaining === 0) full.push(name);
  }
  const resets = moment(today.resets_at);
  $("usage-note").textContent = full.length
    ? `The daily ${full.join(" and ")} limit is reached: no more is sent until ${resets}.`
    : `The counts start again on ${resets}.`;
  $("usage").classList.toggle("limit-reached", full.length > 0);
}
