// An appointment's colour: its own, else its category's, else the calendar's; the text on it dark
// or white, whichever reads better.

const DEFAULT_COLOUR = "#cfe0f5";

let categoryColours = new Map();

export function useCategories(categories) {
  categoryColours = new Map(categories.map((category) => [category.id, category.colour]));
}

export function colourOf(appointment) {
  return appointment.colour || categoryColours.get(appointment.category_id) || DEFAULT_COLOUR;
}

function luminance(hex) {
  const channels = [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16) / 255);
  const [red, green, blue] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * red + 0.7152 * green + 0.0722 * blue;
}

// "dark" text (#111) or "light" text (white) on this background.
export function inkOn(hex) {
  if (!/^#[0-9a-f]{6}$/i.test(hex)) return "dark";
  const background = luminance(hex);
  const withDark = (background + 0.05) / (luminance("#111111") + 0.05);
  const withWhite = 1.05 / (background + 0.05);
  return withDark >= withWhite ? "dark" : "light";
}
