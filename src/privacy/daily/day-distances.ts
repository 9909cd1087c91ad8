/** The views show kilometres with one decimal: distances are rounded to 100 m. */
const STEP_METERS = 100;

/**
 * Each trip's distance as the prompt shows it, in metres that are whole hundreds, adding up to
 * the day's distance rounded once: the way the report rounds Ocean's sum for that day. Rounding
 * each trip on its own drifts by up to 50 m a trip (a day of 47.4 km shown as 47.5 km in the
 * prompt). So each trip is rounded down, and the hundreds still missing from the day's rounded
 * total go to the trips with the largest remainders (the earlier trip on a tie): no trip moves by
 * 100 m or more.
 */
export function shownDistances(meters: readonly number[]): number[] {
  const kept = meters.map((m) => Math.max(0, m));
  const shown = kept.map((m) => Math.floor(m / STEP_METERS));
  // Summed in metres, then rounded, as the report rounds the metres Ocean sums.
  const total = Math.round(kept.reduce((sum, m) => sum + m, 0) / STEP_METERS);
  let missing = total - shown.reduce((sum, s) => sum + s, 0);
  const byRemainder = kept.map((m, i) => ({ i, remainder: m - (shown[i] as number) * STEP_METERS })).sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  for (const { i } of byRemainder) {
    if (missing <= 0) break;
    shown[i] = (shown[i] as number) + 1;
    missing -= 1;
  }
  return shown.map((s) => s * STEP_METERS);
}
