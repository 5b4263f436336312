// The brand-colour rules, pure and dependency-free: the customer page, the emails and the
// dashboard's live preview (which bundles this file) all read a brand colour the same way.

/** WCAG relative luminance of a #RRGGBB colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
};

/** White or near-black, whichever reads better on `hex` (text on a brand-coloured button). */
export const textOn = (hex: string) =>
  contrast(hex, '#FFFFFF') >= contrast(hex, '#111111') ? '#FFFFFF' : '#111111';

/** The light grey behind the customer page's cards (src/pages/assets.ts): a link must read there
 * too, and what reads on it reads on white. */
export const PAGE_GREY = '#F6F8FA';

/** The brand colour itself when it reads on white and on the page's grey (links, headings), else a
 * darkened copy of it. */
export function inkOf(hex: string): string {
  let c = hex;
  for (let i = 0; i < 20 && contrast(c, PAGE_GREY) < 4.5; i++) {
    c = `#${[1, 3, 5]
      .map((j) =>
        Math.floor(parseInt(c.slice(j, j + 2), 16) * 0.85)
          .toString(16)
          .padStart(2, '0'),
      )
      .join('')
      .toUpperCase()}`;
  }
  return c;
}
