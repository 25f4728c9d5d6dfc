#!/usr/bin/env python3
"""Compare Vitrine's stock-out predictions with statsforecast's on the same
series: AutoETS with a weekly season, ADIDA and TSB.

Reads `series.csv` and `points.csv` written by `vitrine-bench needs-worlds`
(see crates/core/src/needs/worlds.rs). At each point every model is fitted
on the use up to that day and forecasts 60 days; its predicted stock-out is
the first day the forecast's cumulative use reaches the stock left (the end
of the horizon if never). Prints, per world and model, the share predicted
within one day of the truth, the mean absolute error in days, and the share
where the household runs out more than a day before the prediction.

`forecast-baselines.py DIR [DUMP.csv]` also writes every prediction to
DUMP.csv. Run through scripts/forecast-baselines.sh, which installs the pinned
statsforecast in a virtual environment.
"""

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from statsforecast import StatsForecast
from statsforecast.models import ADIDA, TSB, AutoETS

HORIZON = 60


def stockout(forecast, day, stock):
    """The first day after `day` the forecast's cumulative use reaches `stock`."""
    used = np.cumsum(np.maximum(forecast, 0.0))
    hit = np.nonzero(used >= stock - 1e-9)[0]
    return day + 1 + int(hit[0]) if hit.size else day + HORIZON


def main(directory, dump=None):
    directory = Path(directory)
    series = pd.read_csv(directory / "series.csv")
    points = pd.read_csv(directory / "points.csv", keep_default_na=False)
    uses = {
        key: group.sort_values("day")["use"].to_numpy(dtype=float)
        for key, group in series.groupby(["world", "series"])
    }
    # One statsforecast series per evaluation point: the history up to it.
    frames = []
    for i, p in enumerate(points.itertuples(index=False)):
        history = uses[(p.world, p.series)][: p.day + 1]
        frames.append(
            pd.DataFrame({"unique_id": i, "ds": np.arange(len(history)), "y": history})
        )
    data = pd.concat(frames, ignore_index=True)
    models = [
        AutoETS(season_length=7, alias="AutoETS"),
        ADIDA(alias="ADIDA"),
        TSB(alpha_d=0.2, alpha_p=0.2, alias="TSB"),
    ]
    sf = StatsForecast(models=models, freq=1, n_jobs=-1)
    forecasts = sf.forecast(df=data, h=HORIZON)
    names = ["Vitrine"] + [m.alias for m in models]
    predicted = {name: np.zeros(len(points), dtype=int) for name in names}
    predicted["Vitrine"] = points["ours"].to_numpy(dtype=int)
    for uid, group in forecasts.groupby("unique_id"):
        p = points.iloc[int(uid)]
        for m in models:
            predicted[m.alias][int(uid)] = stockout(
                group[m.alias].to_numpy(), int(p.day), float(p.stock)
            )
    truth = points["truth"].to_numpy(dtype=int)
    if dump:
        out = points.copy()
        for name in names:
            out[name] = predicted[name]
        out.to_csv(dump, index=False)
    rows = []
    overall = {name: [] for name in names}
    for world in points["world"].unique():
        mask = (points["world"] == world).to_numpy()
        row = {"world": world, "points": int(mask.sum())}
        for name in names:
            error = predicted[name][mask] - truth[mask]
            overall[name].append(error)
            row[name] = (
                100.0 * np.mean(np.abs(error) <= 1),
                float(np.mean(np.abs(error))),
                100.0 * np.mean(error > 1),
            )
        rows.append(row)
    header = "| world | points | " + " | ".join(
        f"{n} ±1 d | {n} MAE | {n} late" for n in names
    ) + " |"
    print(header)
    print("|" + "---|" * (2 + 3 * len(names)))
    for row in rows:
        cells = [row["world"], str(row["points"])]
        for name in names:
            within, mae, late = row[name]
            cells += [f"{within:.1f}%", f"{mae:.2f}", f"{late:.1f}%"]
        print("| " + " | ".join(cells) + " |")
    cells = ["**all**", str(len(points))]
    for name in names:
        error = np.concatenate(overall[name])
        cells += [
            f"{100.0 * np.mean(np.abs(error) <= 1):.1f}%",
            f"{np.mean(np.abs(error)):.2f}",
            f"{100.0 * np.mean(error > 1):.1f}%",
        ]
    print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(
        sys.argv[1] if len(sys.argv) > 1 else "target/worlds",
        sys.argv[2] if len(sys.argv) > 2 else None,
    )
