// What a Lightning `.ckpt` says about its run: the state of its ModelCheckpoint callbacks
// (monitor, mode, best_model_path, best_model_score, best_k_models, last_model_path), read from
// the torch.save zip without executing anything (pickle.ts builds data only). Scores are 0-d
// tensors: their value is read from the storage member the tensor names.
import type * as fs from 'fs';
import { dictGet, dictItems, isGlobal, isObject, isTuple, PickleError, readPickle, type PyValue } from './pickle';
import { archivePrefix, openRegularFile, readMember, readZipIndex, type ZipMember } from './torchZip';
import type { MetricDirection } from './types';
import { t } from '../../l10n';

/** data.pkl larger than this is not read (a big model's pickle is a few MB: one entry per tensor). */
export const MAX_DATA_PKL_BYTES = 64 * 1024 * 1024;
const MAX_STORAGE_BYTES = 4096;

export interface ModelCheckpointState {
  /** The callback's state key, e.g. "ModelCheckpoint{'monitor': 'val_loss', 'mode': 'min', …}". */
  key: string;
  monitor: string | null;
  mode: MetricDirection | null;
  dirpath: string | null;
  bestModelPath: string | null;
  bestModelScore: number | null;
  lastModelPath: string | null;
  kthBestModelPath: string | null;
  /** Path (as written on the training machine) -> score. */
  bestKModels: Map<string, number>;
}

export interface LightningCkptInfo {
  epoch: number | null;
  globalStep: number | null;
  hasOptimizerStates: boolean;
  modelCheckpoints: ModelCheckpointState[];
}

export type LightningCkptRead = { ok: true; info: LightningCkptInfo } | { ok: false; reason: string; incomplete: boolean };

const DTYPES: Record<string, { bytes: number; read: (b: Buffer, o: number) => number }> = {
  FloatStorage: { bytes: 4, read: (b, o) => b.readFloatLE(o) },
  DoubleStorage: { bytes: 8, read: (b, o) => b.readDoubleLE(o) },
  HalfStorage: { bytes: 2, read: (b, o) => half(b.readUInt16LE(o)) },
  BFloat16Storage: { bytes: 2, read: (b, o) => { const t = Buffer.alloc(4); t.writeUInt16LE(b.readUInt16LE(o), 2); return t.readFloatLE(0); } },
  LongStorage: { bytes: 8, read: (b, o) => Number(b.readBigInt64LE(o)) },
  IntStorage: { bytes: 4, read: (b, o) => b.readInt32LE(o) },
  ShortStorage: { bytes: 2, read: (b, o) => b.readInt16LE(o) },
  CharStorage: { bytes: 1, read: (b, o) => b.readInt8(o) },
  ByteStorage: { bytes: 1, read: (b, o) => b.readUInt8(o) },
  BoolStorage: { bytes: 1, read: (b, o) => (b.readUInt8(o) ? 1 : 0) },
};

function half(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Reads a Lightning .ckpt. `incomplete` is true when the file itself is damaged (cut off, empty). */
export async function readLightningCkpt(file: string): Promise<LightningCkptRead> {
  const handle = await openRegularFile(file);
  if (typeof handle === 'string') return { ok: false, reason: t('cannot read: {0}', handle), incomplete: false };
  try {
    const index = await readZipIndex(handle);
    if (!index.ok) return { ok: false, reason: index.notZip && index.reason === 'not a zip file' ? t('not a torch zip (older torch.save format)') : index.reason, incomplete: !(index.notZip && index.reason === 'not a zip file') };
    const prefix = archivePrefix(index.members);
    if (prefix === undefined) return { ok: false, reason: t('no data.pkl in the zip'), incomplete: true };
    const pkl = await readMember(handle, index.members.get(`${prefix}data.pkl`)!, MAX_DATA_PKL_BYTES);
    if (typeof pkl === 'string') return { ok: false, reason: pkl, incomplete: false };
    let root: PyValue;
    try {
      root = readPickle(pkl);
    } catch (err) {
      return { ok: false, reason: err instanceof PickleError ? err.message : t('unreadable data.pkl'), incomplete: false };
    }
    const scalar = async (v: PyValue | undefined): Promise<number | null> => tensorScalar(v, handle, index.members, prefix);
    const modelCheckpoints: ModelCheckpointState[] = [];
    for (const [k, v] of dictItems(dictGet(root, 'callbacks')) ?? []) {
      const key = typeof k === 'string' ? k : isObject(k) || isGlobal(k) ? 'callback' : String(k);
      if (dictGet(v, 'best_model_path') === undefined && !key.startsWith('ModelCheckpoint')) continue;
      const str = (name: string) => { const s = dictGet(v, name); return typeof s === 'string' && s ? s : null; };
      const bestKModels = new Map<string, number>();
      for (const [p, score] of dictItems(dictGet(v, 'best_k_models')) ?? []) {
        const value = await scalar(score);
        if (typeof p === 'string' && value !== null) bestKModels.set(p, value);
      }
      const mode = /'mode': '(min|max)'/.exec(key)?.[1] as MetricDirection | undefined;
      modelCheckpoints.push({
        key, monitor: str('monitor'), mode: mode ?? null, dirpath: str('dirpath'),
        bestModelPath: str('best_model_path'), bestModelScore: await scalar(dictGet(v, 'best_model_score')),
        lastModelPath: str('last_model_path'), kthBestModelPath: str('kth_best_model_path'), bestKModels,
      });
    }
    const int = (name: string) => { const n = dictGet(root, name); return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : null; };
    const opt = dictGet(root, 'optimizer_states');
    return { ok: true, info: { epoch: int('epoch'), globalStep: int('global_step'), hasOptimizerStates: opt !== undefined && opt !== null, modelCheckpoints } };
  } catch (err) {
    return { ok: false, reason: t('cannot read: {0}', (err as NodeJS.ErrnoException).code ?? (err as Error).message), incomplete: false };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** A number, or the single value of a tensor rebuilt by torch._utils._rebuild_tensor_v2, else null. */
async function tensorScalar(v: PyValue | undefined, handle: fs.promises.FileHandle, members: Map<string, ZipMember>, prefix: string): Promise<number | null> {
  if (typeof v === 'number') return v;
  if (!isObject(v) || !isGlobal(v.cls, 'torch._utils') || !/^_rebuild_tensor/.test(v.cls.name) || !isTuple(v.args)) return null;
  const [storage, offset, size] = v.args.items;
  if (typeof offset !== 'number' || !isTuple(size) || size.items.some((n) => n !== 1)) return null; // not a single value
  if (typeof storage !== 'object' || storage === null || storage.kind !== 'persistent' || !isTuple(storage.id)) return null;
  const [tag, type, key] = storage.id.items;
  if (tag !== 'storage' || !isGlobal(type) || typeof key !== 'string') return null;
  const dtype = DTYPES[type.name];
  const member = members.get(`${prefix}data/${key}`);
  if (!dtype || !member) return null;
  const data = await readMember(handle, member, MAX_STORAGE_BYTES);
  if (typeof data === 'string' || (offset + 1) * dtype.bytes > data.length) return null;
  return dtype.read(data, offset * dtype.bytes);
}
