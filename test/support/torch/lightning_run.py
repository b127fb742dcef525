# Writes real torch.save checkpoints shaped like PyTorch Lightning's (state_dict, optimizer_states,
# lr_schedulers, callbacks with the ModelCheckpoint state and tensor scores), replaying what
# ModelCheckpoint does epoch by epoch: update best_k_models, remove the file that fell out of the
# top k, save. Also: load a .ckpt back (does torch still read it?), write an HF pytorch_model.bin.
# Run with Debian's /usr/bin/python3 (python3-torch). Prints JSON on stdout.
import collections
import json
import os
import sys

import warnings

import torch

warnings.filterwarnings("ignore")


def model_and_optimizer(seed):
    torch.manual_seed(seed)
    model = torch.nn.Linear(16, 8)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    model(torch.randn(4, 16)).sum().backward()
    opt.step()
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    return model, opt, sched


def lightning(spec):
    d = spec["dir"]
    os.makedirs(d, exist_ok=True)
    monitor, mode, k = spec.get("monitor"), spec.get("mode", "min"), spec.get("save_top_k", 1)
    spe = spec.get("steps_per_epoch", 4)
    base = spec.get("mtime_base", 1_600_000_000)
    key = "ModelCheckpoint{'monitor': %r, 'mode': %r, 'every_n_train_steps': 0, 'every_n_epochs': 1, 'train_time_interval': None}" % (monitor, mode)
    best_k = {}
    best_path, kth_path, last_path = "", "", ""
    model, opt, sched = model_and_optimizer(spec.get("seed", 0))
    written = []
    for epoch, score in enumerate(spec["scores"]):
        step = (epoch + 1) * spe
        path = os.path.join(d, "epoch=%d-step=%d.ckpt" % (epoch, step))
        current = torch.tensor(float(score)) if monitor else None
        removed = None
        if monitor is None:
            if best_path and k == 1:
                removed = best_path
            best_path = path
        else:
            better = (lambda a, b: a < b) if mode == "min" else (lambda a, b: a > b)
            if k == -1 or len(best_k) < k or better(current, best_k[kth_path]):
                best_k[path] = current
                if k != -1 and len(best_k) > k:
                    worst = max(best_k, key=lambda p: best_k[p]) if mode == "min" else min(best_k, key=lambda p: best_k[p])
                    del best_k[worst]
                    removed = worst
                kth_path = max(best_k, key=lambda p: best_k[p]) if mode == "min" else min(best_k, key=lambda p: best_k[p])
                best_path = min(best_k, key=lambda p: best_k[p]) if mode == "min" else max(best_k, key=lambda p: best_k[p])
            else:
                path = None
        sched.step()

        def state():
            return {
                "monitor": monitor,
                "best_model_score": best_k[best_path] if monitor and best_path in best_k else None,
                "best_model_path": best_path,
                "current_score": current,
                "dirpath": d,
                "best_k_models": dict(best_k),
                "kth_best_model_path": kth_path,
                "kth_value": best_k[kth_path] if kth_path in best_k else torch.tensor(float("inf")),
                "last_model_path": last_path,
            }

        def save(p, when):
            ckpt = {
                "epoch": epoch,
                "global_step": step,
                "pytorch-lightning_version": "2.6.0",
                "state_dict": collections.OrderedDict((k_, v.detach().clone()) for k_, v in model.state_dict().items()),
                "loops": {},
                "callbacks": {key: state()},
                "optimizer_states": [opt.state_dict()],
                "lr_schedulers": [sched.state_dict()],
                "hparams_name": "kwargs",
                "hyper_parameters": {"lr": 0.01},
            }
            torch.save(ckpt, p)
            os.utime(p, (when, when))

        if path:
            save(path, base + epoch * 60)
            written.append(path)
        if removed and os.path.exists(removed):
            os.remove(removed)
        if spec.get("save_last"):
            last_path = os.path.join(d, "last.ckpt")
            save(last_path, base + epoch * 60 + 1)
    files = sorted(f for f in os.listdir(d) if f.endswith(".ckpt"))
    return {"best_model_path": best_path, "files": files, "best_k_models": {os.path.basename(p): float(v) for p, v in best_k.items()}}


def load(spec):
    ckpt = torch.load(spec["file"], map_location="cpu")
    cb = [v for k, v in ckpt["callbacks"].items() if k.startswith("ModelCheckpoint")][0]
    return {"keys": sorted(ckpt.keys()), "best_model_path": cb["best_model_path"], "state_dict": {k: v.flatten().tolist() for k, v in ckpt["state_dict"].items()}}


def hf_bin(spec):
    model, _, _ = model_and_optimizer(spec.get("seed", 0))
    os.makedirs(os.path.dirname(spec["file"]), exist_ok=True)
    torch.save(model.state_dict(), spec["file"])
    return {"bytes": os.path.getsize(spec["file"])}


if __name__ == "__main__":
    spec = json.loads(sys.argv[1])
    print(json.dumps({"lightning": lightning, "load": load, "hf_bin": hf_bin}[spec["do"]](spec)))
