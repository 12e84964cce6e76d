// The gateway's JSON API as the signed-in staff member speaks it: the token on every request, and a
// 401 ending the session wherever it comes from.

import { forget, token } from "./session.js";

const apiRoot = document.getElementById("calendar").dataset.apiRoot;
const OFFLINE = "Could not reach the salon's server. Check your connection and try again.";

// Any answer but 2xx: the server's body {code, status, message, errors?}; status 0 when there was no answer.
export class ApiError extends Error {
  constructor(status, body) {
    super(body.message || `The server answered ${status}.`);
    this.status = status;
    this.body = body;
  }
}

// Thrown after a 401 once the sign-in form is back: nothing more to show.
export class SignedOut extends Error {}

// Sign out: the server ends this token at once (POST /auth/logout), then the tab forgets it. The
// tab forgets it even when the server cannot be reached.
export async function signOut() {
  if (token()) {
    try {
      await fetch(apiRoot + "/auth/logout", { method: "POST", headers: { Authorization: `Bearer ${token()}` } });
    } catch {
      // offline: the token still expires by itself
    }
  }
  forget();
}

let onSignedOut = () => {};

export function whenSignedOut(handler) {
  onSignedOut = handler;
}

export async function api(path, { method = "GET", json, headers = {}, signedIn = true } = {}) {
  const sent = { method, headers: { Accept: "application/json", ...headers } };
  if (signedIn) sent.headers.Authorization = `Bearer ${token()}`;
  if (json !== undefined) {
    sent.headers["Content-Type"] = "application/json";
    sent.body = JSON.stringify(json);
  }
  let response;
  try {
    response = await fetch(apiRoot + path, sent);
  } catch {
    throw new ApiError(0, { message: OFFLINE });
  }
  if (response.ok) return response.status === 204 ? null : response.json();
  const problem = await problemOf(response);
  if (response.status === 401 && signedIn) {
    forget();
    onSignedOut(problem.message);
    throw new SignedOut(problem.message);
  }
  throw problem;
}

async function problemOf(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  return new ApiError(response.status, body && typeof body === "object" && !Array.isArray(body) ? body : {});
}

// {date: "2027-03-28", staff_member_id: 3} -> "?date=2027-03-28&staff_member_id=3"
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") search.append(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

// A fresh Idempotency-Key: the same one for every try of one form, so a double tap books once.
export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}
