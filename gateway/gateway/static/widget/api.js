// The public JSON API of the gateway, as the widget speaks it.

const apiRoot = document.getElementById("widget").dataset.apiRoot;
const OFFLINE = "Could not reach the salon's booking service. Check your connection and try again.";

export const DEFAULT_SETTINGS = {
  any_specialist: true,
  staff_member_id: null,
  fields: {
    comment: { mode: "optional", label: "Appointment comment" },
    email: { mode: "optional" },
    last_name: { mode: "hidden" },
    middle_name: { mode: "hidden" },
  },
  contact_step_message: "",
  sms_confirmation: false,
};

// Any answer but 2xx: the server's body {code, status, message, errors?}; status 0 when there was no answer.
export class ApiError extends Error {
  constructor(status, body, headers = null) {
    super(body.message || `The booking service answered ${status}.`);
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

export async function api(path, { method = "GET", body, headers = {} } = {}) {
  const sent = { method, headers: { Accept: "application/json", ...headers } };
  if (body !== undefined) {
    sent.headers["Content-Type"] = "application/json";
    sent.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(apiRoot + path, sent);
  } catch {
    throw new ApiError(0, { message: OFFLINE });
  }
  let answer = null;
  try {
    answer = await response.json();
  } catch {
    answer = null;
  }
  if (!response.ok) {
    const problem = answer && typeof answer === "object" && !Array.isArray(answer) ? answer : {};
    throw new ApiError(response.status, problem, response.headers);
  }
  return answer;
}

// {service_id: [1, 2], date_from: null} -> "?service_id=1&service_id=2"
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const one of [].concat(value)) {
      if (one !== null && one !== undefined) search.append(name, String(one));
    }
  }
  return `?${search}`;
}

export async function onlineBookingSettings(companyPath) {
  try {
    const given = await api(companyPath("/online-booking"));
    return { ...DEFAULT_SETTINGS, ...given, fields: { ...DEFAULT_SETTINGS.fields, ...(given.fields || {}) } };
  } catch (problem) {
    if (problem.status === 404) return DEFAULT_SETTINGS; // a gateway without the settings yet
    throw problem;
  }
}

export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16)); // randomUUID needs https; this does not
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
