// What a checkpoint folder holds, from its walked node: whether weights that load on their own
// are there, and which training state "slim" may remove while keeping them loadable.
//
// DeepSpeed caveat: with ZeRO the fp32 weights live in the optimizer shards (`*_optim_states.pt`),
// and zero_to_fp32.py rebuilds the model from them. So DeepSpeed state (and any other state) is
// only slimmable when consolidated weights (model.safetensors, pytorch_model*.bin, …) are present.
import type { WalkNode } from '../../walker/types';
import { DEEPSPEED_OPTIMIZER_SHARD_RE, deepspeedStep, isTrainingStateName, isWeightName, WEIGHT_NAME_RE } from './names';
import type { SlimPart } from './types';

/**
 * The walker's markers for checkpoint folders (WalkOptions.markers): which folders hold weight files
 * or DeepSpeed optimizer shards, known without keeping their files as children (a global_step
 * folder holds one shard per rank: hundreds of nodes per checkpoint to clone and collect otherwise).
 */
export const CHECKPOINT_MARKERS = [WEIGHT_NAME_RE, DEEPSPEED_OPTIMIZER_SHARD_RE];
const HOLDS_WEIGHTS = 1 << 0;
const HOLDS_DEEPSPEED_SHARDS = 1 << 1;
/** Levels of children a checkpoint folder's node needs: its own (the markers tell the rest). */
export const CHECKPOINT_DETAIL_DEPTH = 1;

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

const holds = (n: WalkNode, marker: number) => n.type === 'dir' && ((n.markers ?? 0) & marker) !== 0;

/** `node` is a walked checkpoint folder: its children kept, its folders marked with CHECKPOINT_MARKERS. */
export function checkpointContents(node: WalkNode): CheckpointContents {
  if (node.type !== 'dir') return { hasWeights: node.type === 'file', deepspeed: false, slimParts: [] };
  const children = node.children ?? [];
  // Each child judged once (a sharded checkpoint has hundreds of them, a scan thousands of checkpoints).
  const dsDirs = new Set(children.filter((c) => c.type === 'dir' && (deepspeedStep(c.name) !== null || holds(c, HOLDS_DEEPSPEED_SHARDS))));
  const deepspeed = deepspeedStep(node.name) !== null || holds(node, HOLDS_DEEPSPEED_SHARDS) || dsDirs.size > 0;
  const hasWeights = children.some((c) =>
    (c.type !== 'symlink' && isWeightName(c.name)) ||
    // diffusers-style sub-models: unet/diffusion_pytorch_model.safetensors
    (c.type === 'dir' && !dsDirs.has(c) && !isTrainingStateName(c.name) && holds(c, HOLDS_WEIGHTS)),
  );
  if (!hasWeights) return { hasWeights, deepspeed, slimParts: [] };
  const slimParts = children.filter((c) => dsDirs.has(c) || isTrainingStateName(c.name)).map(part);
  return { hasWeights, deepspeed, slimParts };
}
