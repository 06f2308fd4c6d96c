import { isInteger, parse } from "lossless-json";

/**
 * JSON whose integers stay exact: past 2^53 (hydra's BIGINT columns, sums) they come as BigInt, every other number
 * as a number. Text without a run of 16 digits has no such integer and goes to `JSON.parse` as it is.
 */
export function parseExactJson<T>(text: string): T {
  if (!/\d{16}/.test(text)) return JSON.parse(text) as T;
  return parse(text, null, (digits) => {
    if (isInteger(digits)) {
      const n = Number(digits);
      return Number.isSafeInteger(n) ? n : BigInt(digits);
    }
    return Number(digits);
  }) as T;
}
