// What an image is made of, in ML terms: every file path of the image (or of one layer) is put in
// one kind — CUDA libraries, PyTorch, other Python packages, conda package cache, conda
// environments, model weights, the OS base, the rest — by its path alone. The first rule that
// matches wins, in the order of KIND_ORDER, so a CUDA library bundled inside a conda env or inside
// torch/lib counts as CUDA, and torch inside a conda env counts as PyTorch.
import { t } from '../../l10n';

export type CompositionKind = 'cuda' | 'pytorch' | 'python' | 'conda-pkgs' | 'conda-envs' | 'weights' | 'os' | 'rest';

/** The order kinds are matched in (and listed in when sizes tie). */
export const KIND_ORDER: readonly CompositionKind[] = ['conda-pkgs', 'weights', 'cuda', 'pytorch', 'python', 'conda-envs', 'os', 'rest'];

export const KIND_LABELS: Record<CompositionKind, string> = {
  get cuda() { return t('CUDA libraries'); },
  get pytorch() { return t('PyTorch'); },
  get python() { return t('Other Python packages'); },
  get 'conda-pkgs'() { return t('conda package cache'); },
  'conda-envs': 'conda environments',
  get weights() { return t('Model weights'); },
  get os() { return t('OS base'); },
  get rest() { return t('Everything else'); },
};

export const KIND_DESCRIPTIONS: Record<CompositionKind, string> = {
  cuda: '/usr/local/cuda*, libcublas, libcudnn, libnccl, … and site-packages/nvidia/*',
  pytorch: 'site-packages/torch',
  get python() { return t('site-packages and dist-packages, by package'); },
  'conda-pkgs': '<conda>/pkgs: downloaded and extracted packages',
  'conda-envs': 'conda base and envs/* outside their site-packages',
  get weights() { return t('*.safetensors, *.bin, *.pt, *.pth, *.ckpt, *.gguf, *.onnx, Hugging Face cache'); },
  os: '/bin, /lib, /usr (not /usr/local), /etc, /var',
  get rest() { return t('your app, /usr/local, /opt, /home, …'); },
};

export interface PackageBytes {
  name: string;
  bytes: number;
}

/** Bytes by kind; `torchCudaBytes` (libtorch_cuda*) is part of `pytorch`; `packages` splits `python`. */
export interface Composition {
  total: number;
  kinds: Record<CompositionKind, number>;
  torchCudaBytes: number;
  /** Every other Python package, largest first (named by its folder, `*.dist-info` counted with it). */
  packages: PackageBytes[];
}

const SITE = /(?:^|\/)(?:site|dist)-packages\/([^/]+)/;
const CUDA_DIR = /^(?:usr\/local|opt)\/cuda[^/]*\//;
// CUDA toolkit, runtime and NVIDIA math libraries, wherever they are (a base image, a wheel, torch/lib).
const CUDA_LIB = /(?:^|\/)lib(?:cublas|cublasLt|cudnn|cudart|cufft|cufftw|curand|cusolver|cusolverMg|cusparse|cusparseLt|nccl|nvrtc|nvrtc-builtins|nvJitLink|nvToolsExt|nvtx3interop|cupti|nvjpeg|npp[a-z]*|cufile|nvblas|nvperf_host|nvperf_target|cuda|nvidia-ml|nvinfer|nvonnxparser|nvinfer_plugin)(?:[._\-][^/]*)?$/;
const TORCH_CUDA = /(?:^|\/)torch\/lib\/libtorch_cuda[^/]*$/;
const WEIGHT_FILE = /\.(?:safetensors|bin|pt|pth|ckpt|gguf|onnx)$/i;
// `.bin` is also a system format (apt's pkgcache.bin, firmware): weights never count there.
const SYSTEM_DIR = /^(?:usr\/(?!local\/)|var\/|etc\/|lib\/|lib32\/|lib64\/|libx32\/|bin\/|sbin\/|boot\/)/;
const HF_CACHE = /(?:^|\/)\.cache\/huggingface\/(?:hub|transformers)\//;
const TORCH_HUB = /(?:^|\/)\.cache\/torch\/hub\/checkpoints\//;
const CONDA_ROOT = /^(?:opt\/(?:conda|miniconda3?|miniforge3?|mambaforge|anaconda3?|micromamba)|root\/(?:miniconda3|miniforge3|anaconda3|micromamba)|usr\/local\/(?:conda|miniconda3))\//;
const OS_DIR = /^(?:bin|sbin|lib|lib32|lib64|libx32|usr|etc|var|boot)\//;

/** The kind of one file, by its path in the image (no leading slash). */
export function kindOf(path: string): CompositionKind {
  const conda = path.match(CONDA_ROOT);
  if (conda && path.startsWith('pkgs/', conda[0].length)) return 'conda-pkgs';
  const site = path.match(SITE);
  if ((WEIGHT_FILE.test(path) && !SYSTEM_DIR.test(path) && !CUDA_DIR.test(path) && !site) || HF_CACHE.test(path) || TORCH_HUB.test(path)) return 'weights';
  if (CUDA_DIR.test(path) || CUDA_LIB.test(path)) return 'cuda';
  if (site) {
    if (site[1] === 'nvidia') return 'cuda';
    if (site[1] === 'torch' || /^torch-[^/]*\.(?:dist|egg)-info$/.test(site[1])) return 'pytorch';
    return 'python';
  }
  if (conda) return 'conda-envs';
  if (OS_DIR.test(path) && !path.startsWith('usr/local/')) return 'os';
  return 'rest';
}

/** `numpy-1.26.4.dist-info` -> `numpy`; `six.py` -> `six`; `yaml` -> `yaml`. Lower case, `-` as `_`, as pip normalises. */
export function packageNameOf(entry: string): string {
  const name = /\.(?:dist|egg)-info$/.test(entry) ? entry.replace(/-[^-]*\.(?:dist|egg)-info$/, '').replace(/\.(?:dist|egg)-info$/, '') : entry.replace(/\..*$/, '');
  return name.toLowerCase().replace(/[-.]+/g, '_');
}

export function emptyComposition(): Composition {
  return { total: 0, kinds: { cuda: 0, pytorch: 0, python: 0, 'conda-pkgs': 0, 'conda-envs': 0, weights: 0, os: 0, rest: 0 }, torchCudaBytes: 0, packages: [] };
}

/** Adds files up by kind. Call `finish` once all are in, for the sorted package list. */
export class CompositionCounter {
  private readonly c = emptyComposition();
  private readonly packages = new Map<string, number>();

  add(path: string, bytes: number): CompositionKind {
    const kind = kindOf(path);
    if (bytes <= 0) return kind;
    this.c.total += bytes;
    this.c.kinds[kind] += bytes;
    if (kind === 'pytorch' && TORCH_CUDA.test(path)) this.c.torchCudaBytes += bytes;
    if (kind === 'python') {
      const name = packageNameOf(path.match(SITE)![1]);
      this.packages.set(name, (this.packages.get(name) ?? 0) + bytes);
    }
    return kind;
  }

  finish(): Composition {
    this.c.packages = [...this.packages].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
    return this.c;
  }
}

/** Kinds that hold bytes, largest first. */
export function kindsBySize(c: Composition): { kind: CompositionKind; label: string; bytes: number }[] {
  return KIND_ORDER.filter((k) => c.kinds[k] > 0)
    .map((kind) => ({ kind, label: KIND_LABELS[kind], bytes: c.kinds[kind] }))
    .sort((a, b) => b.bytes - a.bytes);
}
