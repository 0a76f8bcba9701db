/**
 * Binary searches over anything indexed in ascending key order (sample times, group
 * starts), given its length and a key reader, so no caller keeps its own copy.
 */

/** The last index whose key is ≤ target; -1 when none is. */
export function lastAtOrBefore(length: number, keyAt: (i: number) => number, target: number): number {
  let lo = -1;
  let hi = length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (keyAt(mid) <= target) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The first index whose key is ≥ target (`after`: > target); length when none is. */
export function firstFrom(length: number, keyAt: (i: number) => number, target: number, after = false): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const key = keyAt(mid);
    if (after ? key <= target : key < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
