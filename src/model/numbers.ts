// The two number helpers every score calculation shares, so a percentage is the same wherever
// it shows (tree, status bar, panels, reports, the watch's drop).

/** Rounded to two decimals, as Graph's scores are. */
export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** `score` as a percentage of `max`; 0 when there is no maximum. */
export function percentOf(score: number, max: number): number {
  return max > 0 ? (score / max) * 100 : 0;
}
