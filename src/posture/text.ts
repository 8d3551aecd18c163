// Small text helpers of the posture model: bounded plain text for messages, and "did you mean".
import { safeLabel } from '../model/format';

/** Text from the file or Graph, bounded and without control, bidi or zero-width characters. */
export const clip = (value: unknown, max = 120): string => safeLabel(value, max);

/** Levenshtein distance, or `limit + 1` as soon as it must exceed `limit` (keeps 10,000 unknown ids cheap). */
export function boundedDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) {
    return limit + 1;
  }
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, row[j]);
    }
    if (best > limit) {
      return limit + 1;
    }
    previous = row;
  }
  return previous[b.length];
}

/** The candidate nearest to `name` within a third of its length (at least 2 edits), if any. */
export function closest(name: string, candidates: Iterable<string>, options: { ignoreCase?: boolean } = {}): string | undefined {
  if (name.length > 200) {
    return undefined;
  }
  const norm = (s: string) => (options.ignoreCase ? s.toLowerCase() : s);
  const target = norm(name);
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: { value: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const c = norm(candidate);
    if (c === target) {
      return candidate;
    }
    const distance = boundedDistance(target, c, best ? Math.min(limit, best.distance) : limit);
    if (distance <= limit && (!best || distance < best.distance)) {
      best = { value: candidate, distance };
    }
  }
  return best?.value;
}
