"""The autoencoder stage: `signal-miner features fit --method autoencoder` vs the same network in PyTorch (CPU).

Usage: python3 autoencoder.py SIGNAL_MINER_BINARY [--eras 100] [--rows-per-era 1000] [--features 300] [--epochs 3]
Same data (one synthetic Parquet file), same network (frozen random ReLU layer over [features, era]; encoder
[features with 0.3 dropout, frozen output] -> 128 -> 12; decoder 12 -> 128 -> features; MSE; Adam 1e-3; batches
of 256), same held-out eras (the last 10). Prints each side's seconds per epoch and held-out MSE after the last
epoch, and the ratios (time: ours / PyTorch's; MSE: ours / PyTorch's - 1).
"""
import argparse, json, os, subprocess, sys, tempfile, time

TORCH = r"""
import json, sys, time, numpy as np, pyarrow.parquet as pq, torch
path, epochs, holdout, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
torch.manual_seed(seed); torch.set_num_threads(2)
t = pq.read_table(path)
names = [c for c in t.column_names if c.startswith("feature_")]
x = torch.tensor(np.column_stack([(t.column(c).to_numpy().astype(np.float32) - 2) / 2 for c in names]))
eras = t.column("era").to_pylist()
order = sorted(set(eras)); trained = order[:len(order) - holdout]
value = {e: 12.0 * i / max(len(trained) - 1, 1) for i, e in enumerate(trained)}
era = torch.tensor([[value.get(e, 12.0)] for e in eras], dtype=torch.float32)
is_train = torch.tensor([e in value for e in eras])
n, E, H, K = x.shape[1], 64, 128, 12
extreme = torch.nn.Sequential(torch.nn.Linear(n + 1, E), torch.nn.ReLU()).requires_grad_(False)
encoder = torch.nn.Sequential(torch.nn.Linear(n + E, H), torch.nn.ReLU(), torch.nn.Linear(H, K))
decoder = torch.nn.Sequential(torch.nn.Linear(K, H), torch.nn.ReLU(), torch.nn.Linear(H, n))
dropout = torch.nn.Dropout(0.3)
opt = torch.optim.Adam(list(encoder.parameters()) + list(decoder.parameters()), lr=1e-3)
def forward(xb, eb, train):
    h = extreme(torch.cat([xb, eb], 1))
    return decoder(encoder(torch.cat([dropout(xb) if train else xb, h], 1)))
xt, et = x[is_train], era[is_train]; xh, eh = x[~is_train], era[~is_train]
seconds, held = [], []
for epoch in range(epochs):
    start = time.perf_counter()
    perm = torch.randperm(xt.shape[0])
    for i in range(0, xt.shape[0], 256):
        idx = perm[i:i + 256]
        loss = torch.mean((forward(xt[idx], et[idx], True) - xt[idx]) ** 2)
        opt.zero_grad(); loss.backward(); opt.step()
    seconds.append(time.perf_counter() - start)
    with torch.no_grad():
        held.append(float(torch.mean((forward(xh, eh, False) - xh) ** 2)))
print(json.dumps({"seconds": seconds, "held": held}))
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--eras", type=int, default=100)
    parser.add_argument("--rows-per-era", type=int, default=1000)
    parser.add_argument("--features", type=int, default=300)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--seeds", default="0,1,2")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="ae-bench-")
    prefix = os.path.join(work, "s")
    subprocess.run([args.binary, "data", "synth", "--out", prefix, "--eras", str(args.eras + 2), "--rows-per-era",
                    str(args.rows_per_era), "--features", str(args.features), "--validation-eras", "2"],
                   check=True, capture_output=True)
    train = prefix + "_train.parquet"
    print(f"data: {args.eras * args.rows_per_era} rows x {args.features} features, last 10 eras held out, "
          f"{args.epochs} epochs")
    for seed in args.seeds.split(","):
        smt = os.path.join(work, f"ae{seed}.smt")
        subprocess.run([args.binary, "features", "fit", "--method", "autoencoder", "--components", "12", "--epochs",
                        str(args.epochs), "--holdout-eras", "10", "--seed", seed, "--data", train, "--out", smt],
                       check=True, capture_output=True)
        history = json.load(open(smt))["history"]
        ours_s = sum(e["seconds"] for e in history) / len(history)
        ours_mse = history[-1]["holdoutLoss"]
        out = subprocess.run([sys.executable, "-c", TORCH, train, str(args.epochs), "10", seed],
                             check=True, capture_output=True, text=True).stdout
        torch = json.loads(out)
        torch_s = sum(torch["seconds"]) / len(torch["seconds"])
        torch_mse = torch["held"][-1]
        print(f"seed {seed}: ours {ours_s:.2f} s/epoch, held-out MSE {ours_mse:.5f} | PyTorch {torch_s:.2f} s/epoch, "
              f"held-out MSE {torch_mse:.5f} | time {ours_s / torch_s:.2f}x, MSE {100 * (ours_mse / torch_mse - 1):+.2f} %")


if __name__ == "__main__":
    main()
