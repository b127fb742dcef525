// Every category scanner, in the order they run (see CategoryScanner.order). The workspace
// category is not listed: the orchestrator runs it last, skipping what these claimed.
import type { CategoryScanner } from '../scan/types';
import { checkpointScanner } from './checkpoints/scanner';
import { condaScanner } from './conda/scanner';
import { huggingfaceScanner } from './huggingface/scanner';
import { pipScanner } from './pip/scanner';
import { torchScanner } from './torch/scanner';
import { uvScanner } from './uv/scanner';
import { dockerScanner } from './docker/fromEnvironment';

// Caches that own hard-link originals run first (conda pkgs/ inside the conda scanner, then the uv
// cache), so envs and venvs linked from them show those bytes as shared, counted once.
export const categoryScanners: CategoryScanner[] = [condaScanner, uvScanner, pipScanner, huggingfaceScanner, torchScanner, checkpointScanner, dockerScanner];
