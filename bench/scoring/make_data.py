"""Writes the scoring benchmark's inputs: ERAS eras x ROWS rows, 42 int8 features, a quintile target (float64, 2% NaN),
predictions and a meta model keyed by id, and a features.json with the 42-feature set "bench"."""
import json, sys
import numpy as np
import pandas as pd

out, eras, rows, nfeat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), 42
rng = np.random.default_rng(0)
n = eras * rows
feats = [f"feature_{j:02d}" for j in range(nfeat)]
X = rng.integers(0, 5, size=(n, nfeat), dtype=np.int8)
signal = (X[:, :6].astype(np.float64) - 2).sum(axis=1) * 0.05
target = np.clip(np.round((signal + rng.normal(0, 1, n)) + 2), 0, 4) / 4
target[rng.random(n) < 0.02] = np.nan
ids = np.array([f"n{i:09d}" for i in range(n)])
data = pd.DataFrame(X, columns=feats)
data.insert(0, "era", np.repeat([f"{e + 1:04d}" for e in range(eras)], rows))
data.insert(0, "id", ids)
# float64: with float32 targets numerai-tools centres and powers the target in float32 (agreement then ~3e-9)
data["target"] = target
data.to_parquet(f"{out}/data.parquet", index=False)
pred = np.round(signal + rng.normal(0, 0.5, n), 3)  # rounded: ties
pd.DataFrame({"id": ids, "prediction": pred}).to_parquet(f"{out}/predictions.parquet", index=False)
pd.DataFrame({"id": ids, "numerai_meta_model": signal + rng.normal(0, 0.3, n)}).to_parquet(
    f"{out}/meta_model.parquet", index=False)
json.dump({"feature_sets": {"bench": feats}, "targets": ["target"]}, open(f"{out}/features.json", "w"))
