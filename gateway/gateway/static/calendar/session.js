// Who is signed in to this salon's calendar, kept for the browser tab only (sessionStorage).

export const companyId = Number(document.getElementById("calendar").dataset.companyId);
const KEY = `salon-calendar:${companyId}`;

// {access_token, user: {id, name, rights: [...], staff_member_id}} as the sign-in answered, or null.
export function current() {
  try {
    const kept = JSON.parse(sessionStorage.getItem(KEY));
    return kept && typeof kept.access_token === "string" ? kept : null;
  } catch {
    return null;
  }
}

export function keep(session) {
  sessionStorage.setItem(KEY, JSON.stringify({ access_token: session.access_token, user: session.user }));
}

export function forget() {
  sessionStorage.removeItem(KEY);
}

export function token() {
  return current()?.access_token ?? "";
}

// The server checks every right again; this only hides what would be refused.
export function may(right) {
  return (current()?.user?.rights ?? []).includes(right);
}
