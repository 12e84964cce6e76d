// The gateway's JSON API as the signed-in admin speaks it: the token on every request, and a 401
// ending the session wherever it comes from.

import { forget, token } from "./session.js";

const apiRoot = document.getElementById("admin").dataset.apiRoot;
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

async function send(path, { method = "GET", json, form, signedIn = true } = {}) {
  const headers = { Accept: "application/json" };
  if (signedIn) headers.Authorization = `Bearer ${token()}`;
  const sent = { method, headers };
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    sent.body = JSON.stringify(json);
  } else if (form !== undefined) {
    sent.body = form; // the browser writes the multipart boundary itself
  }
  let response;
  try {
    response = await fetch(apiRoot + path, sent);
  } catch {
    throw new ApiError(0, { message: OFFLINE });
  }
  if (response.ok) return response;
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

export async function api(path, options) {
  const response = await send(path, options);
  return response.status === 204 ? null : response.json();
}

// {staff_member_id: ["1", "2"], client: ["Olga"]} -> "?staff_member_id=1&staff_member_id=2&client=Olga"
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, values] of Object.entries(params)) {
    for (const value of [].concat(values)) {
      if (value !== null && value !== undefined && value !== "") search.append(name, String(value));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

// A file behind the token: a plain link could not send the header, so fetch it and save it from memory.
export async function download(path, fallbackName) {
  const response = await send(path, { method: "GET" });
  const blob = await response.blob();
  const named = /filename="?([^";]+)"?/i.exec(response.headers.get("Content-Disposition") || "");
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = named ? named[1] : fallbackName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}
