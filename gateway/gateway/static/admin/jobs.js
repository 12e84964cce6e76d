// An export's or an import's job, asked after until it is done or has failed.

import { api, SignedOut } from "./api.js";
import { token } from "./session.js";

const FINISHED = new Set(["done", "failed"]);
const FIRST_PAUSE_MS = 500;
const LONGEST_PAUSE_MS = 5000;

// The finished job, or null once `wanted()` says nobody is looking any more. `onProgress` sees every
// answer on the way. Signing out stops it too.
export async function finishedJob(id, { onProgress = () => {}, wanted = () => true } = {}) {
  const signedInAs = token();
  let pause = FIRST_PAUSE_MS;
  for (;;) {
    const job = await api(`/jobs/${id}`);
    onProgress(job);
    if (FINISHED.has(job.status)) return job;
    await new Promise((resolve) => setTimeout(resolve, pause));
    if (token() !== signedInAs) throw new SignedOut("signed out");
    if (!wanted()) return null;
    pause = Math.min(pause * 1.5, LONGEST_PAUSE_MS);
  }
}
