"""numerai-tools on the benchmark files: numerai_corr + correlation_contribution + feature_neutral_corr per era.
Reading the files, joining them by id and splitting by era happen before the clock starts: the time is the three
numerai-tools calls per era only. Prints one JSON line: seconds (scoring), total_seconds (reading too) and the per-era scores."""
import json, sys, time
import pandas as pd
from numerai_tools.scoring import numerai_corr, correlation_contribution, feature_neutral_corr

t0 = time.perf_counter()
d = sys.argv[1]
data = pd.read_parquet(f"{d}/data.parquet").set_index("id")
data = data.join(pd.read_parquet(f"{d}/predictions.parquet").set_index("id"))
data = data.join(pd.read_parquet(f"{d}/meta_model.parquet").set_index("id"))
feats = json.load(open(f"{d}/features.json"))["feature_sets"]["bench"]
eras = [(era, g.sort_index()) for era, g in data.groupby("era")]
eras = [(era, g[["prediction"]], g["numerai_meta_model"], g["target"], g[feats].astype(float)) for era, g in eras]
start = time.perf_counter()
out = {}
for era, p, meta, target, features in eras:
    out[era] = {
        "corr": float(numerai_corr(p, target)["prediction"]),
        "mmc": float(correlation_contribution(p, meta, target)["prediction"]),
        "fnc": float(feature_neutral_corr(p, features, target)["prediction"]),
    }
end = time.perf_counter()
print(json.dumps({"seconds": end - start, "total_seconds": end - t0, "per_era": out}))
