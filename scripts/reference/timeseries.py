"""Reference values for the time-series functions in src/quant/.

Computes, from fixed deterministic inputs, what SciPy, NumPy and statsmodels give for:
Theil-Sen (scipy.stats.theilslopes), MAD (scipy.stats.median_abs_deviation, raw and
scale='normal'), drawdowns (NumPy) and the local-linear-trend Kalman filter
(statsmodels UnobservedComponents 'lltrend', fixed variances, approximate-diffuse start, full
recursion without statsmodels' steady-state shortcut).
The inputs are written into the output too, so the TypeScript test needs nothing else.
src/quant/timeseries.reference.test.ts compares the TypeScript results with it.

Run with Debian's Python, which has numpy, scipy and statsmodels (not the first python3 on PATH):

    /usr/bin/python3 scripts/reference/timeseries.py > test/fixtures/quant/timeseries.json

Missing values (NaN) are written as null.
"""

import json
import math
import sys

import numpy as np
import scipy
import statsmodels
from scipy import stats
from statsmodels.tsa.statespace.structural import UnobservedComponents


def clean(value):
    """Turns NumPy values into JSON-ready Python values, NaN into None."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return clean(value.tolist())
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    return value


def theil_sen_cases(rng):
    cases = []
    # A noisy line on consecutive days.
    x = np.arange(30, dtype=float)
    cases.append(('noisy line', x, 4.0 + 0.25 * x + rng.normal(0, 0.5, 30)))
    # Ties in x: several observations per day.
    x = np.sort(rng.integers(0, 12, 40)).astype(float)
    cases.append(('ties in x', x, 10.0 - 0.8 * x + rng.normal(0, 0.3, 40)))
    # Gross outliers in 20 % of the points.
    x = np.arange(50, dtype=float)
    y = 1.5 - 0.05 * x + rng.normal(0, 0.1, 50)
    bad = rng.choice(50, 10, replace=False)
    y[bad] += rng.choice([-1, 1], 10) * rng.uniform(20, 200, 10)
    cases.append(('20% gross outliers', x, y))
    # A 90-day log-price random walk with a drift (the production shape), odd pair count.
    x = np.arange(90, dtype=float)
    cases.append(('90-day random walk', x, np.log(25.0) + np.cumsum(rng.normal(0.002, 0.03, 90))))
    # Irregular x spacing.
    x = np.cumsum(rng.uniform(0.5, 3.0, 25))
    cases.append(('irregular spacing', x, -2.0 + 3.0 * x + rng.standard_t(2, 25)))
    # Two points.
    cases.append(('two points', np.array([1.0, 4.0]), np.array([2.0, -7.0])))
    out = []
    for name, x, y in cases:
        res = stats.theilslopes(y, x)
        out.append({'name': name, 'x': x, 'y': y, 'slope': res[0], 'intercept': res[1]})
    return out


def mad_cases(rng):
    samples = [
        ('normal 101', rng.normal(3.0, 2.0, 101)),
        ('student-t 64', rng.standard_t(3, 64) * 0.02),
        ('with outliers', np.concatenate([rng.normal(0, 1, 40), [50.0, -80.0, 120.0]])),
        ('small integers', np.array([1.0, 2.0, 3.0, 4.0, 100.0, 2.0])),
    ]
    out = []
    for name, x in samples:
        out.append({
            'name': name,
            'values': x,
            'median': np.median(x),
            'mad': stats.median_abs_deviation(x),
            'madNormal': stats.median_abs_deviation(x, scale='normal'),
        })
    return out


def drawdown_reference(prices):
    """Drawdown summary over the usable prices; ties go to the earliest index."""
    p = np.asarray(prices, dtype=float)
    usable = np.flatnonzero(np.isfinite(p) & (p > 0))
    if usable.size == 0:
        return {'current': 0.0, 'max': 0.0, 'peakIndex': -1, 'troughIndex': -1, 'currentPeakIndex': -1}
    q = p[usable]
    running = np.maximum.accumulate(q)
    dd = q / running - 1.0
    trough = int(np.argmin(dd))
    peak = int(np.argmax(q[: trough + 1]))
    current_peak = int(np.argmax(q))
    return {
        'current': dd[-1],
        'max': dd[trough],
        'peakIndex': int(usable[peak]),
        'troughIndex': int(usable[trough]),
        'currentPeakIndex': int(usable[current_peak]),
    }


def drawdown_cases(rng):
    walk = 40.0 * np.exp(np.cumsum(rng.normal(0.0, 0.04, 120)))
    gappy = walk[:60].copy()
    gappy[rng.choice(60, 8, replace=False)] = np.nan
    cases = [
        ('random walk 120', walk),
        ('with NaN gaps', gappy),
        ('never falls', np.array([1.0, 1.0, 2.0, 3.5, 3.5, 8.0])),
        ('crash and partial recovery', np.array([10.0, 12.0, 6.0, 9.0, 12.0, 11.0, 3.0, 4.0])),
    ]
    return [{'name': name, 'prices': p, **drawdown_reference(p)} for name, p in cases]


def kalman_case(name, y, variances, exog=None):
    mod = UnobservedComponents(y, 'lltrend', exog=exog, mle_regression=False)
    params = [variances['irregular'], variances['level'], variances['trend']]
    assert list(mod.param_names) == ['sigma2.irregular', 'sigma2.level', 'sigma2.trend'], mod.param_names
    # statsmodels stops updating the covariance once det(F_t) changes by less than
    # `ssm.tolerance` (1e-19) and reuses the steady-state gain from then on. The TypeScript filter
    # always runs the full recursion, so the reference does too (tolerance 0); the default run is
    # kept under 'steadyState' to show how far that shortcut moves the result.
    default = mod.filter(params)
    mod.ssm.tolerance = 0
    res = mod.filter(params)
    assert not res.filter_results.converged
    state = res.filtered_state[:, -1]
    cov = res.filtered_state_cov[:, :, -1]
    predicted = res.predicted_state[:, -1]
    predicted_cov = res.predicted_state_cov[:, :, -1]
    # One step ahead without a regression term: the predicted level a_{n|n-1}[0] (= filtered level +
    # slope), variance P_{n|n-1}[0,0] + irregular.
    forecast = predicted[0]
    forecast_var = predicted_cov[0, 0] + variances['irregular']
    if exog is None:
        # Cross-check against statsmodels' own forecast where it needs no future exog.
        fc = res.get_forecast(1)
        assert abs(fc.predicted_mean[0] - forecast) <= 1e-9 * max(1.0, abs(forecast))
        assert abs(fc.var_pred_mean[0] - forecast_var) <= 1e-9 * forecast_var
    out = {
        'name': name,
        'y': y,
        'variances': variances,
        'level': state[0],
        'slope': state[1],
        'levelVar': cov[0, 0],
        'slopeVar': cov[1, 1],
        'forecast': forecast,
        'forecastVar': forecast_var,
        'filteredLevel': res.filtered_state[0],
        'filteredSlope': res.filtered_state[1],
        'steadyState': {
            'periodConverged': int(default.filter_results.period_converged) if default.filter_results.converged else None,
            'level': default.filtered_state[0, -1],
            'slope': default.filtered_state[1, -1],
            'levelVar': default.filtered_state_cov[0, 0, -1],
            'slopeVar': default.filtered_state_cov[1, 1, -1],
        },
    }
    if exog is not None:
        out['exog'] = exog
        out['beta'] = state[2]
        out['betaVar'] = cov[2, 2]
    return out


def kalman_cases(rng):
    n = 80
    variances = {'irregular': 4e-4, 'level': 1e-4, 'trend': 1e-6}
    slope = 0.003 + np.cumsum(rng.normal(0, 1e-3, n))
    level = math.log(30.0) + np.cumsum(slope + rng.normal(0, 1e-2, n))
    y = level + rng.normal(0, 2e-2, n)
    x = rng.normal(0, 1, n)
    y_exog = y + 0.05 * x
    y_gaps = y.copy()
    y_gaps[[3, 4, 5, 17, 30, 31, 52, 77]] = np.nan
    return [
        kalman_case('lltrend', y, variances),
        kalman_case('lltrend with exog', y_exog, variances, exog=x),
        kalman_case('lltrend with NaN gaps', y_gaps, variances),
        kalman_case('lltrend, noisy, larger variances', 100.0 + np.cumsum(rng.normal(0.5, 2.0, 60)) + rng.normal(0, 3.0, 60),
                    {'irregular': 9.0, 'level': 4.0, 'trend': 0.01}),
    ]


def main():
    rng = np.random.default_rng(20240611)
    fixture = {
        'generator': 'scripts/reference/timeseries.py',
        'versions': {'numpy': np.__version__, 'scipy': scipy.__version__, 'statsmodels': statsmodels.__version__},
        'theilSen': theil_sen_cases(rng),
        'mad': mad_cases(rng),
        'drawdowns': drawdown_cases(rng),
        'kalman': kalman_cases(rng),
    }
    json.dump(clean(fixture), sys.stdout, indent=1, allow_nan=False)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
