"""What diversity can a reward-proportional sampler reach? A simulation on a pool of uniform evaluations.

Mines (or reuses) POOL uniform trials on bench.py's data and space, then replays samplers that draw their 200
evaluations from that pool, in batches of 8, without repeats:
  uniform        each batch drawn uniformly;
  ideal          each batch drawn with probability ∝ exp(β · beat score), the true score: a perfectly trained
                 GFlowNet with gfn-beat40's reward;
  ideal+oracle   64 candidates drawn as `ideal`, then 8 picked greedily, each the one whose largest correlation
                 with the best 20 so far (by whole Sharpe) and with those already picked is smallest, using the
                 candidates' true out-of-fold predictions, which no real sampler has before evaluating;
  ideal+learned  the same pick with correlations predicted from the configuration (ridge on one-hot grid
                 indices and interactions, fitted to the predictions of the trials evaluated so far).
Prints, averaged over repeats: beaters, top-20 mean correlation, top-20 mean whole Sharpe, and the best 20 at a
mean-correlation bar (bench.py's `summary`).

Usage: python3 oracle.py SIGNAL_MINER_BINARY [--pool 1000] [--study EXISTING.sqlite] [--repeats 5]
"""
import argparse, importlib.util, json, os, sqlite3, subprocess, tempfile

import numpy as np

spec = importlib.util.spec_from_file_location("bench", os.path.join(os.path.dirname(__file__), "bench.py"))
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def load(binary, study):
    rows = json.loads(subprocess.run([binary, "results", "--study", study, "--json"], check=True, capture_output=True,
                                     text=True).stdout)
    benchmark = next(r for r in rows if r["is_benchmark"])
    trials = sorted((r for r in rows if not r["is_benchmark"] and r.get("whole_sharpe") is not None), key=lambda r: r["id"])
    db = sqlite3.connect(study)
    preds = np.array([np.concatenate([np.frombuffer(b, dtype=np.float16).astype(float) for (b,) in db.execute(
        "SELECT predictions FROM split_run WHERE trial = ? ORDER BY split", (r["id"],))]) for r in trials])
    x = (preds - preds.mean(axis=1, keepdims=True)) / preds.std(axis=1, keepdims=True)
    return trials, benchmark, x @ x.T / x.shape[1]


def features(trials):
    """One-hot grid indices plus products of centred ordinal positions (as the gfn sampler's reward surface)."""
    grids = {k: (v if isinstance(v, list) else None) for k, v in bench.SPACE.items() if k != "target"}
    columns = []
    for name in grids:
        values = sorted({r["config"][name] for r in trials})
        index = np.array([values.index(r["config"][name]) for r in trials])
        columns.append((index, len(values)))
    t = np.array([i / max(1, n - 1) - 0.5 for i, n in columns]).T
    onehot = np.concatenate([np.eye(n)[i] for i, n in columns], axis=1)
    d = t.shape[1]
    pairs = [t[:, a] * t[:, b] for a in range(d) for b in range(a + 1, d)]
    squares = [t[:, a] ** 2 * t[:, b] for a in range(d) for b in range(d) if a != b]
    return np.column_stack([np.ones(len(trials)), onehot] + pairs + squares)


def learned_similarity(chosen, corr, phi, components=12, ridge=1.0):
    """Similarity of any two trials as a sampler could know it: the evaluated ones by their embedding (top
    principal directions of their predictions' correlation matrix), the others by an embedding predicted from
    the configuration (ridge), compared by cosine."""
    gram = corr[np.ix_(chosen, chosen)]
    values, vectors = np.linalg.eigh(gram)
    order = np.argsort(-values)[:components]
    embedded = vectors[:, order] * np.sqrt(np.clip(values[order], 0, None))
    x = phi[chosen]
    weights = np.linalg.solve(x.T @ x + ridge * np.eye(x.shape[1]), x.T @ embedded)
    embedding = phi @ weights
    embedding[chosen] = embedded
    embedding /= np.linalg.norm(embedding, axis=1, keepdims=True)
    return lambda a, b: float(embedding[a] @ embedding[b])


def replay(sharpes, scores, beats, corr, phi, mode, beta, seed, budget=200, batch=8, pool=64):
    """The trials a sampler evaluates, in order."""
    rng = np.random.default_rng(seed)
    left = np.ones(len(sharpes), bool)
    chosen = []
    while len(chosen) < budget:
        weights = (np.ones(len(scores)) if mode == "uniform" else np.exp(beta * scores)) * left
        size = min(pool if mode in ("oracle", "learned") else batch, int(left.sum()))
        candidates = list(rng.choice(len(scores), size=size, replace=False, p=weights / weights.sum()))
        if mode in ("oracle", "learned") and chosen:
            top = sorted(chosen, key=lambda i: -sharpes[i])[:20]
            similar = (lambda a, b: corr[a, b]) if mode == "oracle" else learned_similarity(chosen, corr, phi)
            picked = []
            for _ in range(batch):
                rest = [c for c in candidates if c not in picked]
                picked.append(min(rest, key=lambda c: max(similar(c, r) for r in top + picked)))
            candidates = picked
        for c in candidates[:batch]:
            left[c] = False
            chosen.append(c)
    return chosen


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--pool", type=int, default=1000, help="uniform trials to mine for the pool")
    parser.add_argument("--study", help="reuse this study (mined by this script) instead of mining")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--beta", type=float, default=40)
    parser.add_argument("--diversity-bar", type=float, default=0.855)
    args = parser.parse_args()
    study = args.study
    if study is None:
        work = tempfile.mkdtemp(prefix="oracle-")
        subprocess.run([args.binary, "data", "synth", "--out", f"{work}/d", "--eras", "150", "--rows-per-era", "400",
                        "--features", "60", "--validation-eras", "50"], check=True, capture_output=True)
        json.dump(bench.SPACE, open(f"{work}/space.json", "w"))
        study = f"{work}/pool.sqlite"
        subprocess.run([args.binary, "mine", "--study", study, "--data", f"{work}/d_train.parquet", "--data",
                        f"{work}/d_validation.parquet", "--space", f"{work}/space.json", "--sampler", "uniform", "--trials",
                        str(args.pool), "--jobs", "2", "--splits", "2", "--gap", "12", "--seed", "0"], check=True,
                       capture_output=True)
    trials, benchmark, corr = load(args.binary, study)
    sharpes = np.array([r["whole_sharpe"] for r in trials])
    scores = np.array([min(r["whole_corr"] / benchmark["whole_corr"], r["whole_sharpe"] / benchmark["whole_sharpe"]) - 1
                       for r in trials])
    beats = np.array([r["beats_benchmark"] for r in trials])
    phi = features(trials)
    print(f"pool: {len(trials)} uniform trials ({study}), {beats.sum()} beat the benchmark; "
          f"top 20 of the pool: mean corr {bench.summary(sharpes, corr, args.diversity_bar)[1]:.3f}")
    print(f"{'sampler':14} {'beat benchmark':>15} {'top-20 mean corr':>17} {'top-20 Sharpe':>14} "
          f"{f'best 20 at corr<={args.diversity_bar}':>22}   (means over {args.repeats} repeats)")
    for mode in ("uniform", "ideal", "oracle", "learned"):
        rows = []
        for seed in range(args.repeats):
            chosen = replay(sharpes, scores, beats, corr, phi, mode, args.beta, seed)
            _, top_corr, top_sharpe, diverse = bench.summary(sharpes[chosen], corr[np.ix_(chosen, chosen)],
                                                             args.diversity_bar)
            rows.append((beats[chosen].sum(), top_corr, top_sharpe, diverse))
        m = np.nanmean(np.array(rows, dtype=float), axis=0)
        name = {"oracle": "ideal+oracle", "learned": "ideal+learned"}.get(mode, mode)
        print(f"{name:14} {m[0]:>15.1f} {m[1]:>17.3f} {m[2]:>14.3f} {m[3]:>22.3f}", flush=True)


if __name__ == "__main__":
    main()
