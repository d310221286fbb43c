"""torchgfn peer for `signal-miner gfn hypergrid`: trains TB on the hypergrid with torchgfn's example
settings (2 x 256 MLP, PB head sharing the PF trunk, Adam 1e-3, log Z lr 0.1, batch 128) and prints one
JSON line in the same shape as the Swift command. `seconds` is the training loop only; L1 is computed
exactly over all states by dynamic programming (sum definition)."""

import argparse
import itertools
import json
import math
import time

import torch
from gfn.estimators import DiscretePolicyEstimator
from gfn.gflownet import TBGFlowNet
from gfn.gym import HyperGrid
from gfn.preprocessors import KHotPreprocessor
from gfn.samplers import Sampler
from gfn.utils.common import set_seed
from gfn.utils.modules import MLP

parser = argparse.ArgumentParser()
parser.add_argument("--ndim", type=int, default=2)
parser.add_argument("--height", type=int, default=8)
parser.add_argument("--trajectories", type=int, default=32000)
parser.add_argument("--batch", type=int, default=128)
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()

set_seed(args.seed)
env = HyperGrid(ndim=args.ndim, height=args.height, reward_fn_str="original", debug=False)
pre = KHotPreprocessor(height=args.height, ndim=args.ndim)
pf_module = MLP(input_dim=pre.output_dim, output_dim=env.n_actions, hidden_dim=256, n_hidden_layers=2)
pb_module = MLP(input_dim=pre.output_dim, output_dim=env.n_actions - 1, hidden_dim=256, n_hidden_layers=2,
                trunk=pf_module.trunk)
pf = DiscretePolicyEstimator(pf_module, env.n_actions, preprocessor=pre, is_backward=False)
pb = DiscretePolicyEstimator(pb_module, env.n_actions, preprocessor=pre, is_backward=True)
gfn = TBGFlowNet(pf=pf, pb=pb, init_logZ=0.0)
sampler = Sampler(estimator=pf)
opt = torch.optim.Adam(gfn.pf_pb_parameters(), lr=1e-3)
opt.add_param_group({"params": gfn.logz_parameters(), "lr": 0.1})

start = time.perf_counter()
seen = 0
while seen < args.trajectories:
    trajectories = sampler.sample_trajectories(env, n=args.batch, save_logprobs=True)
    opt.zero_grad()
    loss = gfn.loss(env, trajectories, recalculate_all_logprobs=False)
    loss.backward()
    opt.step()
    seen += args.batch
seconds = time.perf_counter() - start

# Exact terminal distribution: P(reach s) flows along increments in order of coordinate sum.
H, D = args.height, args.ndim
coords = sorted(itertools.product(range(H), repeat=D), key=sum)
with torch.no_grad():
    x = torch.tensor(coords, dtype=torch.long)
    logits = pf_module(pre(env.States(x))).double()
    mask = torch.cat([x < H - 1, torch.ones(len(coords), 1, dtype=torch.bool)], dim=1)
    probs = torch.softmax(logits.masked_fill(~mask, -math.inf), dim=1).tolist()
index = {c: i for i, c in enumerate(coords)}
reach = [0.0] * len(coords)
reach[0] = 1.0
learned = [0.0] * len(coords)
for i, c in enumerate(coords):
    for d in range(D):
        if c[d] < H - 1:
            child = list(c)
            child[d] += 1
            reach[index[tuple(child)]] += reach[i] * probs[i][d]
    learned[i] = reach[i] * probs[i][D]
rewards = env.reward(env.States(torch.tensor(coords, dtype=torch.long))).double().tolist()
z = sum(rewards)
l1 = sum(abs(p - r / z) for p, r in zip(learned, rewards))
print(json.dumps({"l1": l1, "log_z": gfn.logZ.item(), "log_z_true": math.log(z), "trajectories": seen,
                  "seconds": seconds}))
