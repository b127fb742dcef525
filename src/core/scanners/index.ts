// Every category scanner, in the order they run (see CategoryScanner.order). The workspace
// category is not listed: the orchestrator runs it last, skipping what these claimed.
import type { CategoryScanner } from '../scan/types';
import { checkpointScanner } from './checkpoints';
import { condaScanner } from './conda';
import { huggingfaceScanner } from './huggingface';
import { pipScanner } from './pip';
import { torchScanner } from './torch';
import { uvScanner } from './uv';
import { dockerScanner } from '../docker/fromEnvironment';

// Caches that own hard-link originals run first (conda pkgs/ inside the conda scanner, then the uv
// cache), so envs and venvs linked from them show those bytes as shared, counted once.
export const categoryScanners: CategoryScanner[] = [condaScanner, uvScanner, pipScanner, huggingfaceScanner, torchScanner, checkpointScanner, dockerScanner];
