"""Reference values for the portfolio performance functions in src/quant/performance.ts.

Builds deterministic portfolios (holdings on random price paths, purchases with fees and sales
net of fees at the day's price, a day when everything is sold and a later restart) and computes,
independently of the TypeScript:
- the daily chain-linked time-weighted return r_t = (V_t - F_t) / V_{t-1} - 1 and its index (NumPy),
- the money-weighted return (XIRR, Actual/365) with scipy.optimize.brentq on the NPV in r,
- the maximum drawdown of the TWR index (NumPy maximum.accumulate),
- the market index return, excess return and beta (np.polyfit degree 1, checked against
  statsmodels OLS).
The inputs are written into the output too, so the TypeScript test needs nothing else.
src/quant/performance.reference.test.ts compares the TypeScript results with it.

Run with Debian's Python, which has numpy, scipy and statsmodels (not the first python3 on PATH):

    /usr/bin/python3 scripts/reference/performance.py > test/fixtures/quant/performance.json
"""

import datetime as dt
import json
import math
import sys

import numpy as np
import scipy
import statsmodels
import statsmodels.api as sm
from scipy.optimize import brentq


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


def dates_from(start, n):
    d0 = dt.date.fromisoformat(start)
    return [(d0 + dt.timedelta(days=i)).isoformat() for i in range(n)]


def simulate(rng, n, holdings, trade_prob, start='2025-03-01', wipe_day=None, restart_day=None):
    """Holdings on log-normal price paths; trades at the day's price, fees 2 % of a trade."""
    prices = 20.0 * np.exp(np.cumsum(rng.normal(0.001, 0.03, (n, holdings)), axis=0))
    market = 100.0 * np.exp(np.cumsum(0.7 * np.log(prices[:, 0] / np.roll(prices[:, 0], 1)).clip(-1, 1)
                                      + rng.normal(0, 0.01, n)))
    qty = np.zeros(holdings)
    values, flows = [], []
    for t in range(n):
        flow = 0.0
        if t == 0 or (restart_day is not None and t == restart_day):
            buy = rng.integers(1, 5, holdings)
            qty += buy
            cost = float(buy @ prices[t])
            flow += cost + round(0.02 * cost, 2)
        elif wipe_day is not None and t == wipe_day:
            proceeds = float(qty @ prices[t])
            flow -= proceeds - round(0.02 * proceeds, 2)
            qty[:] = 0
        elif restart_day is None or not (wipe_day < t < restart_day):
            if rng.random() < trade_prob:
                h = rng.integers(0, holdings)
                if rng.random() < 0.5 or qty[h] == 0:
                    q = rng.integers(1, 4)
                    qty[h] += q
                    cost = q * prices[t, h]
                    flow += cost + round(0.02 * cost, 2)
                else:
                    q = rng.integers(1, qty[h] + 1)
                    qty[h] -= q
                    proceeds = q * prices[t, h]
                    flow -= proceeds - round(0.02 * proceeds, 2)
        values.append(float(qty @ prices[t]))
        flows.append(flow)
    return values, flows, market


def twr(values, flows):
    v = np.asarray(values)
    f = np.asarray(flows)
    prev = np.concatenate([[0.0], v[:-1]])
    has = prev > 0
    r = np.full(len(v), np.nan)
    r[has] = (v[has] - f[has]) / prev[has] - 1
    index = np.cumprod(np.where(has, 1 + np.nan_to_num(r), 1.0))
    return r, index, (index[-1] - 1) if has.any() else None


def xirr(dates, amounts):
    d0 = dt.date.fromisoformat(min(dates))
    t = np.array([(dt.date.fromisoformat(d) - d0).days / 365.0 for d in dates])
    c = np.asarray(amounts, dtype=float)
    keep = c != 0
    t, c = t[keep], c[keep]
    if len(c) < 2:
        return None, 'too_few_flows'
    if t.max() == 0:
        return None, 'one_date'
    if (c > 0).all() or (c < 0).all():
        return None, 'no_sign_change'

    def npv(r):
        return float(np.sum(c * (1.0 + r) ** (-t)))

    # A bracket around the root nearest 0 (every case below has one root), found on a grid in r.
    grid = np.concatenate([-1 + np.logspace(-15, 0, 400)[:-1], np.logspace(-6, 6, 400)])
    grid = np.unique(np.concatenate([grid, [0.0]]))
    values = np.array([npv(r) for r in grid])
    changes = np.where(np.sign(values[:-1]) != np.sign(values[1:]))[0]
    if len(changes) == 0:
        return None, 'no_root'
    k = changes[np.argmin(np.abs(grid[changes]))]
    return brentq(npv, grid[k], grid[k + 1], xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=500), None


def investor_flows(dates, values, flows):
    out = [(dates[0], -values[0])]
    out += [(dates[i], -flows[i]) for i in range(1, len(dates)) if flows[i] != 0]
    out.append((dates[-1], values[-1]))
    return [d for d, _ in out], [a for _, a in out]


def max_drawdown(index):
    peak = np.maximum.accumulate(index)
    dd = index / peak - 1
    trough = int(np.argmin(dd))
    peak_at = int(np.argmax(index[: trough + 1]))
    return float(dd[trough]), peak_at, trough


def portfolio_case(name, rng, n, holdings, trade_prob, drop_index_days=(), **kw):
    dates = dates_from('2025-03-01', n)
    values, flows, market = simulate(rng, n, holdings, trade_prob, **kw)
    values = [round(v, 2) for v in values]
    flows = [round(f, 2) for f in flows]
    r, index, total = twr(values, flows)
    inv_dates, inv_amounts = investor_flows(dates, values, flows)
    rate, reason = xirr(inv_dates, inv_amounts)
    dd, peak_at, trough_at = max_drawdown(index)
    levels = [(d, float(v)) for i, (d, v) in enumerate(zip(dates, market)) if i not in set(drop_index_days)]
    level = dict(levels)
    index_return = level[dates[-1]] / level[dates[0]] - 1
    xs, ys = [], []
    for i in range(1, n):
        if not np.isnan(r[i]) and dates[i] in level and dates[i - 1] in level:
            xs.append(level[dates[i]] / level[dates[i - 1]] - 1)
            ys.append(r[i])
    beta = float(np.polyfit(xs, ys, 1)[0])
    ols_beta = float(sm.OLS(ys, sm.add_constant(xs)).fit().params[1])
    assert abs(beta - ols_beta) <= 1e-9 * max(1.0, abs(beta))
    return {
        'name': name,
        'series': [{'date': d, 'value': v, 'flow': f} for d, v, f in zip(dates, values, flows)],
        'index': [{'date': d, 'value': v} for d, v in levels],
        'dailyReturns': r,
        'twrIndex': index,
        'twr': total,
        'irr': rate,
        'irrReason': reason,
        'maxDrawdown': dd,
        'peakDate': dates[peak_at],
        'troughDate': dates[trough_at],
        'indexReturn': index_return,
        'excessReturn': total - index_return,
        'beta': beta,
        'betaObservations': len(xs),
    }


def xirr_case(name, flows):
    dates = [d for d, _ in flows]
    amounts = [a for _, a in flows]
    rate, reason = xirr(dates, amounts)
    return {'name': name, 'flows': [{'date': d, 'amount': a} for d, a in flows], 'rate': rate, 'reason': reason}


def xirr_cases():
    return [
        xirr_case('one year, +10 %', [('2025-01-01', -100.0), ('2026-01-01', 110.0)]),
        xirr_case('leap year counts 366 days (Actual/365)', [('2024-01-01', -100.0), ('2025-01-01', 110.0)]),
        xirr_case('buys, a sale and a terminal value', [
            ('2025-01-10', -1000.0), ('2025-03-05', -250.5), ('2025-06-30', 400.0), ('2025-11-02', -120.0),
            ('2026-02-01', 1010.25)]),
        xirr_case('a loss', [('2025-01-01', -500.0), ('2025-04-01', -500.0), ('2025-12-31', 700.0)]),
        xirr_case('ten days, +5 % (a large annual rate)', [('2025-05-01', -100.0), ('2025-05-11', 105.0)]),
        xirr_case('one day, -1 %', [('2025-05-01', -100.0), ('2025-05-02', 99.0)]),
        xirr_case('near total loss', [('2025-01-01', -100.0), ('2025-07-01', 0.01)]),
        xirr_case('several years', [('2019-06-15', -2000.0), ('2021-02-01', -500.0), ('2023-09-09', 300.0),
                                    ('2026-06-15', 4100.0)]),
        xirr_case('all paid in', [('2025-01-01', -100.0), ('2025-02-01', -50.0)]),
        xirr_case('one date', [('2025-01-01', -100.0), ('2025-01-01', 100.0)]),
        xirr_case('one flow', [('2025-01-01', -100.0)]),
    ]


def main():
    rng = np.random.default_rng(20261205)
    portfolios = [
        portfolio_case('60 days, three holdings, a trade on a third of the days', rng, 60, 3, 0.33),
        portfolio_case('120 days, eight holdings, frequent trades, index gaps', rng, 120, 8, 0.6,
                       drop_index_days=(5, 6, 40, 41, 42, 90)),
        portfolio_case('90 days, everything sold on day 30, bought again on day 45', rng, 90, 4, 0.25,
                       wipe_day=30, restart_day=45),
        portfolio_case('365 days, five holdings, rare trades', rng, 365, 5, 0.05),
    ]
    fixture = {
        'generator': 'scripts/reference/performance.py',
        'versions': {'numpy': np.__version__, 'scipy': scipy.__version__, 'statsmodels': statsmodels.__version__},
        'portfolios': portfolios,
        'xirr': xirr_cases(),
    }
    json.dump(clean(fixture), sys.stdout, indent=1, allow_nan=False)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
