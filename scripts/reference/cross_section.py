#!/usr/bin/python3
"""Reference values for the cross-sectional statistics in src/quant (rank, ic, regression,
ledoit-wolf, score), computed with SciPy, statsmodels and scikit-learn.

What for: src/quant/cross-section.reference.test.ts checks the TypeScript implementations
against these numbers, so the fixture must come from the libraries, never be edited by hand.

How to run (Debian's /usr/bin/python3 carries numpy, scipy, scikit-learn and statsmodels; the
python3 first on PATH may not):

    /usr/bin/python3 scripts/reference/cross_section.py > test/fixtures/quant/cross-section.json

Inputs are drawn from numpy's default_rng with fixed seeds and written into the fixture next to
the outputs; NaN is written as null because JSON has no NaN.
"""

import json
import math
import sys

import numpy as np
import scipy
import sklearn
import statsmodels
import statsmodels.api as sm
from scipy import stats
from sklearn.covariance import LedoitWolf


def clean(value):
    """Floats to JSON: NaN becomes null, numpy arrays become lists."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return clean(value.tolist())
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    return value


def ranks_case(rng):
    # Values rounded to one decimal in a narrow range: many ties.
    values = np.round(rng.normal(0, 1, 40), 1)
    return {"values": values, "ranks": stats.rankdata(values, method="average")}


def spearman_cases(rng):
    cases = []
    # Continuous, correlated.
    x = rng.normal(0, 1, 50)
    y = 0.6 * x + rng.normal(0, 1, 50)
    cases.append(("continuous", x, y))
    # Heavy ties on both sides (small integer grids).
    x = rng.integers(0, 6, 60).astype(float)
    y = np.round(0.5 * x + rng.normal(0, 1.5, 60))
    cases.append(("ties", x, y))
    # NaN pairs on either side (removed before ranking).
    x = rng.normal(0, 1, 45)
    y = -0.4 * x + rng.normal(0, 1, 45)
    x[rng.choice(45, 5, replace=False)] = np.nan
    y[rng.choice(45, 4, replace=False)] = np.nan
    cases.append(("nan-pairs", x, y))
    out = []
    for name, x, y in cases:
        keep = np.isfinite(x) & np.isfinite(y)
        rho = stats.spearmanr(x[keep], y[keep]).correlation
        out.append({"name": name, "x": x, "y": y, "rho": rho, "n": int(keep.sum())})
    return out


def ols_cases(rng):
    out = []
    n, k = 80, 3
    X = rng.normal(0, 1, (n, k))
    X[:, 2] = 0.5 * X[:, 0] + rng.normal(0, 1, n)  # correlated regressors
    y = 0.3 + X @ np.array([1.5, -0.7, 0.2]) + rng.normal(0, 0.8, n)
    X[3, 1] = np.nan
    y[10] = np.nan
    for intercept in (True, False):
        design = sm.add_constant(X, has_constant="add") if intercept else X
        fit = sm.OLS(y, design, missing="drop").fit()
        out.append({
            "name": "with-intercept" if intercept else "no-intercept",
            "intercept": intercept,
            "X": X,
            "y": y,
            "params": fit.params,
            "bse": fit.bse,
            "tvalues": fit.tvalues,
            "rsquared": fit.rsquared,
            "nobs": int(fit.nobs),
            "df_resid": int(fit.df_resid),
        })
    return out


def ledoit_wolf_cases(rng):
    out = []
    # T > N, correlated factors with unequal scales.
    T, N = 60, 5
    mixing = rng.normal(0, 1, (N, N))
    X = rng.normal(0, 1, (T, N)) @ mixing * np.array([0.01, 0.02, 0.05, 0.1, 0.03])
    X[7, 2] = np.nan  # a row that must be dropped
    out.append(("tall", X))
    # N > T: heavy shrinkage.
    out.append(("wide", rng.normal(0, 1, (8, 12)) * 0.02))
    # A single column: sklearn returns shrinkage 0 and the 1/T variance.
    out.append(("one-column", rng.normal(0, 1, (15, 1))))
    cases = []
    for name, X in out:
        complete = X[np.all(np.isfinite(X), axis=1)]
        lw = LedoitWolf().fit(complete)
        cases.append({"name": name, "X": X, "covariance": lw.covariance_, "shrinkage": lw.shrinkage_, "mean": lw.location_})
    return cases


def ic_cases(rng):
    ics = rng.normal(0.03, 0.08, 30)
    ics[[4, 17]] = np.nan
    finite = ics[np.isfinite(ics)]
    sd = finite.std(ddof=1)
    horizons = np.array([1, 2, 5, 10, 20, 40], dtype=float)
    decay = 0.09 * np.exp(-0.05 * horizons) * np.exp(rng.normal(0, 0.05, horizons.size))
    decay[-1] = -0.002  # non-positive ICs are left out of the fit
    positive = decay > 0
    slope, _ = np.polyfit(horizons[positive], np.log(decay[positive]), 1)
    return {
        "summary": {
            "ics": ics,
            "n": int(finite.size),
            "mean": finite.mean(),
            "sd": sd,
            "ir": finite.mean() / sd,
            "hitRate": float((finite > 0).mean()),
            "tStat": stats.ttest_1samp(finite, 0.0).statistic,
        },
        "halfLife": {
            "points": [{"horizon": h, "ic": ic} for h, ic in zip(horizons, decay)],
            "halfLife": math.log(2) / -slope,
        },
    }


def newey_west_cases(rng):
    """Means of overlapping series with HAC standard errors, statsmodels' defaults (Bartlett kernel,
    no small-sample correction: use_correction=False)."""
    cases = []
    n = 120
    for name, h, drift in (("daily", 1, 0.01), ("overlap-7", 7, 0.02), ("overlap-30", 30, 0.01)):
        # An h-day moving sum of iid shocks: what an IC of an h-day forward return measured daily looks like.
        shocks = rng.normal(0, 0.05, n + h - 1)
        x = drift + np.convolve(shocks, np.ones(h), mode="valid") / math.sqrt(h)
        cases.append((name, x, h - 1))
    x = cases[1][1].copy()
    x[[3, 50, 51]] = np.nan  # dropped before the fit
    cases.append(("nan-dropped", x, 6))
    out = []
    for name, x, lag in cases:
        finite = x[np.isfinite(x)]
        fit = sm.OLS(finite, np.ones(finite.size)).fit(cov_type="HAC", cov_kwds={"maxlags": lag})
        out.append({"name": name, "values": x, "lag": lag, "n": int(finite.size), "mean": fit.params[0], "se": fit.bse[0], "tStat": fit.tvalues[0]})
    return out


def quantile_case(rng):
    n, q = 54, 5  # 51 complete pairs: buckets of unequal size
    scores = np.round(rng.normal(0, 1, n), 1)  # ties: a tie shares its average rank and its bucket
    returns = 0.02 * scores + rng.normal(0, 0.05, n)
    scores[[2, 30]] = np.nan
    returns[41] = np.nan
    keep = np.isfinite(scores) & np.isfinite(returns)
    s, r = scores[keep], returns[keep]
    bucket = np.floor(q * (stats.rankdata(s, method="average") - 1) / s.size).astype(int)
    means = [r[bucket == b].mean() if (bucket == b).any() else np.nan for b in range(q)]
    counts = [int((bucket == b).sum()) for b in range(q)]
    return {"scores": scores, "returns": returns, "quantiles": q, "buckets": means, "counts": counts}


def normal_cdf_grid():
    z = np.concatenate([np.arange(-37.0, 9.01, 0.25), [-7.123, -3.5355, -1.0e-3, 1.0e-3, 0.6745, 1.2816, 1.96, 3.5355]])
    return {"z": z, "cdf": stats.norm.cdf(z)}


def main():
    fixture = {
        "_comment": "Generated by scripts/reference/cross_section.py; do not edit. Checked by src/quant/cross-section.reference.test.ts. null stands for NaN.",
        "versions": {
            "python": sys.version.split()[0],
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "statsmodels": statsmodels.__version__,
            "sklearn": sklearn.__version__,
        },
        "ranks": ranks_case(np.random.default_rng(20240601)),
        "spearman": spearman_cases(np.random.default_rng(20240602)),
        "ols": ols_cases(np.random.default_rng(20240603)),
        "ledoitWolf": ledoit_wolf_cases(np.random.default_rng(20240604)),
        "ic": ic_cases(np.random.default_rng(20240605)),
        "quantileSpread": quantile_case(np.random.default_rng(20240606)),
        "neweyWest": newey_west_cases(np.random.default_rng(20240607)),
        "normalCdf": normal_cdf_grid(),
    }
    json.dump(clean(fixture), sys.stdout, indent=1, allow_nan=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
