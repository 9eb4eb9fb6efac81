// @ts-check
/** Text and number helpers shared by the CSV checks and the progress display. */

/**
 * "1 row", "2 rows".
 * @param {number} count
 * @param {string} word
 * @returns {string}
 */
export function plural(count, word) {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/**
 * A count from the server, as a whole number that is never negative: 0 for anything else.
 * @param {unknown} value
 * @returns {number}
 */
export function toCount(value) {
  const number = Number(value);
  return Number.isFinite(number) && number >= 0 ? Math.floor(number) : 0;
}
