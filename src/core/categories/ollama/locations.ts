// Where Ollama keeps its models. The server reads OLLAMA_MODELS, else <home>/.ollama/models (on
// every platform). The Linux install script runs the server as the `ollama` user, whose home is
// /usr/share/ollama, so a service install keeps its models there; that folder is scanned too
// when it can be read. Pure functions: the scanner checks which folders exist.
import * as path from 'path';
import { expandHome, type Env } from '../../locations';

/** The Linux service install's models folder (the `ollama` user's home is /usr/share/ollama). */
export const OLLAMA_SERVICE_MODELS_DIR = '/usr/share/ollama/.ollama/models';

/** The models folder the user's own `ollama serve` uses. */
export function ollamaModelsDir(env: Env, homeDir: string, platform: NodeJS.Platform): string {
  const api = platform === 'win32' ? path.win32 : path.posix;
  // Ollama trims blanks and quotes from its variables; an empty one means "not set".
  const value = env.OLLAMA_MODELS?.trim().replace(/^["']|["']$/g, '');
  if (!value) return api.join(homeDir, '.ollama', 'models');
  const expanded = expandHome(value, homeDir, platform);
  return api.normalize(api.isAbsolute(expanded) ? expanded : api.join(homeDir, expanded));
}

/** Every candidate models folder, the user's first; `serviceDirs` is for tests. */
export function ollamaModelsDirCandidates(env: Env, homeDir: string, platform: NodeJS.Platform, serviceDirs: readonly string[] = [OLLAMA_SERVICE_MODELS_DIR]): string[] {
  const dirs = [ollamaModelsDir(env, homeDir, platform)];
  if (platform === 'linux') dirs.push(...serviceDirs);
  return [...new Set(dirs)];
}
