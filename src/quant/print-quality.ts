/**
 * Which prints of one price series are kept out of analytics (docs/METHODS.md, "Flagged prints"),
 * and the placeholder and return-outlier rules the anomaly checks report with. Pure: no I/O, no
 * clock. Dates are day numbers (days since 1970-01-01, UTC).
 *
 * Point in time by construction: the verdict on the print at index i reads only observations at
 * indexes ≤ i, dated at most `PRINT_FLAG_LOOKBACK_DAYS` before it, so a print flagged for a
 * computation dated d stays flagged (or clean) for every later d, and a read that starts that many
 * days before the first judged date gives the same verdicts as the whole history.
 */
import { median, robustSigma } from './robust.ts';

/** Thresholds of the rules; the anomaly settings (ANOMALY_*) and the movers' jump factor fill them. */
export interface PrintRules {
  /** A one-day log return is an outlier when its robust z exceeds this in absolute value. */
  zThreshold: number;
  /** Least returns in the 60-day window before a return for its z to be computed. */
  minReturns: number;
  /** Least daily volatility (log units) a z is measured against. */
  sigmaFloor: number;
  /** A price above this multiple of the median of the previous 30 days is placeholder-like. */
  placeholderJump: number;
  /** Least amount (minor units) for a repeated-digit price to count as a placeholder (9900 = 99.00). */
  placeholderMinCents: number;
  /** A step of more than this factor (up or down) from the reference print is a jump (MOVERS_MAX_JUMP). */
  maxJump: number;
}

/** Returns ending in the 60 days before the judged date form the sample a return is compared with. */
export const RETURN_WINDOW_DAYS = 60;
/** A return spans observations at most this many days apart (as the base of a change, DESIGN §10). */
export const MAX_RETURN_GAP_DAYS = 3;
/** The placeholder baseline: observations in the 30 days before the judged date, at least 5 of them. */
export const PLACEHOLDER_WINDOW_DAYS = 30;
export const PLACEHOLDER_MIN_OBSERVATIONS = 5;
/** A repeated-digit amount within this factor of the baseline median is taken as a real price. */
export const PLACEHOLDER_PLAUSIBLE_FACTOR = 2;
/**
 * How far before a print its flag looks: the return window, the gap of its first return, and the
 * gap back to the reference print whose own suspicion is judged with that window.
 */
export const PRINT_FLAG_LOOKBACK_DAYS = RETURN_WINDOW_DAYS + 2 * MAX_RETURN_GAP_DAYS;

/** Why a print is kept out of analytics. */
export type PrintFlagReason = 'placeholder_price' | 'jump' | 'return_outlier';

export interface PlaceholderVerdict {
  rule: 'repeated_digits' | 'jump';
  medianCents: number | null;
  ratio: number | null;
}

export interface ReturnOutlier {
  /** ln(p_i / p_ref). */
  r: number;
  z: number;
  /** Returns in the sample. */
  n: number;
}

export interface PrintFlag {
  reason: PrintFlagReason;
  /** Index of the print the step was measured from (jump, return outlier); null for a placeholder. */
  ref: number | null;
}

/**
 * Whether an amount in minor units, written in major units without a `.00`, uses one digit only:
 * 9999 (99.99), 99900 (999), 999900 (9999), 444444 (4444.44) yes; 99990 (999.90), 10000 (100) no.
 *
 * @example
 * isRepeatedDigits(444_444); // true
 */
export function isRepeatedDigits(cents: number): boolean {
  const text = cents % 100 === 0 ? String(cents / 100) : String(cents);
  return /^(\d)\1*$/.test(text);
}

/**
 * Judges the prints of one series (ascending days, positive prices in minor units). Verdicts are
 * memoised; each reads only earlier observations.
 *
 * @example
 * const judge = new PrintJudge(days, cents, rules);
 * judge.flag(days.length - 1); // { reason: 'jump', ref: 41 } or null
 */
export class PrintJudge {
  /** NaN marks "no one-day return ends here": the first observation, or a gap too long. */
  private readonly returns: Float64Array;
  /** The largest |return| of the series: bounds every |r − median| cheaply (see `returnOutlier`). */
  private readonly largestReturn: number;
  private readonly placeholders: (PlaceholderVerdict | null | undefined)[];
  private readonly suspects: (boolean | undefined)[];
  private readonly flags: (PrintFlag | null | undefined)[];

  constructor(
    private readonly days: ArrayLike<number>,
    private readonly cents: ArrayLike<number>,
    private readonly rules: PrintRules,
  ) {
    const n = days.length;
    this.returns = new Float64Array(n);
    let largest = 0;
    for (let i = 0; i < n; i++) {
      const r =
        i > 0 && days[i]! - days[i - 1]! <= MAX_RETURN_GAP_DAYS ? Math.log(cents[i]! / cents[i - 1]!) : Number.NaN;
      this.returns[i] = r;
      if (Math.abs(r) > largest) largest = Math.abs(r);
    }
    this.largestReturn = largest;
    this.placeholders = new Array(n);
    this.suspects = new Array(n);
    this.flags = new Array(n);
  }

  /** The one-day return ending at index i (from the previous observation, at most 3 days earlier), NaN when none. */
  oneDayReturn(i: number): number {
    return this.returns[i]!;
  }

  /**
   * Placeholder-like (docs/METHODS.md, "Placeholder-like prices"): more than `placeholderJump` × the
   * median of the previous 30 days (at least 5 observations), or a repeated-digit amount of at least
   * `placeholderMinCents` not within a factor 2 of that median.
   */
  placeholderLike(i: number): PlaceholderVerdict | null {
    if (i < 0) return null;
    const known = this.placeholders[i];
    if (known !== undefined) return known;
    const { days, cents } = this;
    const c = cents[i]!;
    let least = Infinity;
    for (let j = i - 1; j >= 0 && days[j]! >= days[i]! - PLACEHOLDER_WINDOW_DAYS; j--)
      least = Math.min(least, cents[j]!);
    const repeated = c >= this.rules.placeholderMinCents && isRepeatedDigits(c);
    // The median is at least the least value, so below jump × least no jump is possible.
    const mid = repeated || c > this.rules.placeholderJump * least ? this.baselineMedian(i) : null;
    const ratio = mid === null ? null : c / mid;
    let verdict: PlaceholderVerdict | null = null;
    if (ratio !== null && ratio > this.rules.placeholderJump) verdict = { rule: 'jump', medianCents: mid, ratio };
    else if (
      repeated &&
      (ratio === null || ratio > PLACEHOLDER_PLAUSIBLE_FACTOR || ratio < 1 / PLACEHOLDER_PLAUSIBLE_FACTOR)
    ) {
      verdict = { rule: 'repeated_digits', medianCents: mid, ratio };
    }
    this.placeholders[i] = verdict;
    return verdict;
  }

  /** The median of the observations in the 30 days before index i; null with fewer than 5 of them. */
  baselineMedian(i: number): number | null {
    const { days, cents } = this;
    let j = i - 1;
    while (j >= 0 && days[j]! >= days[i]! - PLACEHOLDER_WINDOW_DAYS) j--;
    return i - 1 - j >= PLACEHOLDER_MIN_OBSERVATIONS
      ? median(Array.prototype.slice.call(cents, j + 1, i) as number[])
      : null;
  }

  /** max(p_i / p_ref, p_ref / p_i): the factor of the step from the reference print. */
  jumpRatio(i: number, ref: number): number {
    const a = this.cents[i]!;
    const b = this.cents[ref]!;
    return a > b ? a / b : b / a;
  }

  /**
   * The step r = ln(p_i / p_ref) when its robust z against the one-day returns ending in
   * [d_i − 60, d_i − 1] exceeds `zThreshold` in absolute value; null otherwise (also with fewer than
   * `minReturns` returns, or a MAD of 0). σ_eff = max(1.4826 × MAD, sigmaFloor, 1 / min(p_ref, p_i)).
   */
  returnOutlier(i: number, ref: number): ReturnOutlier | null {
    const { days, cents } = this;
    const r = Math.log(cents[i]! / cents[ref]!);
    // The sample's median lies within the largest |return| of zero: |z| can pass only where
    // |r| + that bound exceeds threshold × the floor, which on most days rules the check out cheaply.
    if (Math.abs(r) + this.largestReturn <= this.rules.zThreshold * this.floor(i, ref)) return null;
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = i - 1; j >= 1 && days[j]! >= days[i]! - RETURN_WINDOW_DAYS; j--) {
      const x = this.returns[j]!;
      if (Number.isNaN(x)) continue;
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    // … and it lies in [lo, hi].
    if (Math.max(Math.abs(r - lo), Math.abs(r - hi)) <= this.rules.zThreshold * this.floor(i, ref)) return null;
    const out = this.returnZ(i, ref);
    return out !== null && Math.abs(out.z) > this.rules.zThreshold ? out : null;
  }

  /**
   * The robust z of r = ln(p_i / p_ref) against the one-day returns ending in [d_i − 60, d_i − 1]:
   * (r − median) / max(1.4826 × MAD, sigmaFloor, 1 / min(p_ref, p_i)); null with fewer than
   * `minReturns` returns or a MAD of 0 (a mostly flat series has no scale).
   */
  returnZ(i: number, ref: number): ReturnOutlier | null {
    const { days, cents } = this;
    const r = Math.log(cents[i]! / cents[ref]!);
    const sample: number[] = [];
    for (let j = i - 1; j >= 1 && days[j]! >= days[i]! - RETURN_WINDOW_DAYS; j--) {
      if (!Number.isNaN(this.returns[j]!)) sample.push(this.returns[j]!);
    }
    if (sample.length < this.rules.minReturns) return null;
    const sigma = robustSigma(sample);
    if (!(sigma > 0)) return null;
    return { r, z: (r - median(sample)) / Math.max(sigma, this.floor(i, ref)), n: sample.length };
  }

  /** One minor unit is the least step a price can take: below that, volatility is quantisation. */
  private floor(i: number, ref: number): number {
    return Math.max(this.rules.sigmaFloor, 1 / Math.min(this.cents[i]!, this.cents[ref]!));
  }

  /**
   * A suspect by the raw rules, judged against its previous observation only: placeholder-like, or a
   * step (not out of a placeholder) that is a jump or a return outlier. Never a reference print.
   */
  private suspect(j: number): boolean {
    const known = this.suspects[j];
    if (known !== undefined) return known;
    let verdict = this.placeholderLike(j) !== null;
    if (!verdict && !Number.isNaN(this.returns[j]!) && this.placeholderLike(j - 1) === null) {
      verdict = this.jumpRatio(j, j - 1) > this.rules.maxJump || this.returnOutlier(j, j - 1) !== null;
    }
    this.suspects[j] = verdict;
    return verdict;
  }

  /**
   * The flag of the print at index i, or null when it is used: placeholder-like; else, measured from
   * its reference — the latest earlier observation at most 3 days before it that is not a suspect —
   * a jump beyond `maxJump`, or a return outlier. Without a reference the print is not judged.
   */
  flag(i: number): PrintFlag | null {
    const known = this.flags[i];
    if (known !== undefined) return known;
    let verdict: PrintFlag | null = null;
    if (this.placeholderLike(i) !== null) verdict = { reason: 'placeholder_price', ref: null };
    else {
      let ref = i - 1;
      while (ref >= 0 && this.days[ref]! >= this.days[i]! - MAX_RETURN_GAP_DAYS && this.suspect(ref)) ref--;
      if (ref >= 0 && this.days[ref]! >= this.days[i]! - MAX_RETURN_GAP_DAYS) {
        if (this.jumpRatio(i, ref) > this.rules.maxJump) verdict = { reason: 'jump', ref };
        else if (this.returnOutlier(i, ref) !== null) verdict = { reason: 'return_outlier', ref };
      }
    }
    this.flags[i] = verdict;
    return verdict;
  }
}

/**
 * The flag of every print of a series, in order (null = used by analytics).
 *
 * @example
 * flagPrints([0, 1, 2], [400, 40_000, 410], rules); // [null, { reason: 'jump', ref: 0 }, null]
 */
export function flagPrints(days: ArrayLike<number>, cents: ArrayLike<number>, rules: PrintRules): (PrintFlag | null)[] {
  const judge = new PrintJudge(days, cents, rules);
  return Array.from({ length: days.length }, (_, i) => judge.flag(i));
}
