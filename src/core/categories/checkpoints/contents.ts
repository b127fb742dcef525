// What a checkpoint folder holds, from its walked node: whether weights that load on their own
// are there, and which training state "slim" may remove while keeping them loadable.
//
// DeepSpeed caveat: with ZeRO the fp32 weights live in the optimizer shards (`*_optim_states.pt`),
// and zero_to_fp32.py rebuilds the model from them. So DeepSpeed state (and any other state) is
// only slimmable when consolidated weights (model.safetensors, pytorch_model*.bin, …) are present.
import type { WalkNode } from '../../walker/types';
import { deepspeedStep, isDeepspeedOptimizerShard, isTrainingStateName, isWeightName } from './names';
import type { SlimPart } from './types';

export interface CheckpointContents {
  hasWeights: boolean;
  deepspeed: boolean;
  /** Empty when nothing may be removed (no consolidated weights, or nothing to remove). */
  slimParts: SlimPart[];
}

const part = (n: WalkNode): SlimPart => ({
  path: n.path, dev: n.dev, ino: n.ino,
  type: n.type === 'dir' ? 'dir' : n.type === 'symlink' ? 'symlink' : 'file',
  bytes: n.bytes, apparentBytes: n.apparentBytes,
});

function holdsDeepspeedShards(n: WalkNode): boolean {
  return n.type === 'dir' && (n.children ?? []).some((c) => c.type === 'file' && isDeepspeedOptimizerShard(c.name));
}

/** `node` is a walked checkpoint folder whose children (and grandchildren) were kept by the walk. */
export function checkpointContents(node: WalkNode): CheckpointContents {
  if (node.type !== 'dir') return { hasWeights: node.type === 'file', deepspeed: false, slimParts: [] };
  const children = node.children ?? [];
  // Each child judged once (a sharded checkpoint has hundreds of them, a scan thousands of checkpoints).
  const dsDirs = new Set(children.filter((c) => c.type === 'dir' && (deepspeedStep(c.name) !== null || holdsDeepspeedShards(c))));
  const deepspeed = deepspeedStep(node.name) !== null || holdsDeepspeedShards(node) || dsDirs.size > 0;
  const hasWeights = children.some((c) =>
    (c.type !== 'symlink' && isWeightName(c.name)) ||
    // diffusers-style sub-models: unet/diffusion_pytorch_model.safetensors
    (c.type === 'dir' && !dsDirs.has(c) && !isTrainingStateName(c.name) && (c.children ?? []).some((g) => g.type === 'file' && isWeightName(g.name))),
  );
  if (!hasWeights) return { hasWeights, deepspeed, slimParts: [] };
  const slimParts = children.filter((c) => dsDirs.has(c) || isTrainingStateName(c.name)).map(part);
  return { hasWeights, deepspeed, slimParts };
}
