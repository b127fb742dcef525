// Which Docker engine to talk to, decided the way the docker CLI decides it:
//   the mlDiskSpace.docker.host setting > DOCKER_HOST > the current docker context
//   (DOCKER_CONTEXT, else `currentContext` in the CLI config) > the platform's default socket.
// When the default socket is absent, the rootless socket ($XDG_RUNTIME_DIR/docker.sock), Docker
// Desktop's per-user socket (~/.docker/run/docker.sock) and Podman's sockets are tried in turn.
//
// Everything the decision reads (settings, environment, HOME) is passed in, so tests can point
// it at temporary homes. Unreadable or malformed CLI config files become warnings, never throws.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readErrorCode, safeReadTextSync, SafeReadError } from '../../safeRead';
import { t } from '../../l10n';

/** The docker CLI's config.json and context meta.json are a few KB; anything past 1 MiB is not one. */
const MAX_DOCKER_CONFIG_BYTES = 1024 * 1024;

export type DockerEndpointSource = 'setting' | 'DOCKER_HOST' | 'context' | 'default' | 'rootless' | 'docker-desktop' | 'podman';

export interface DockerTlsFiles {
  /** Verify the engine's certificate (DOCKER_TLS_VERIFY / the context's SkipTLSVerify). */
  verify: boolean;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

export interface DockerEndpoint {
  /** Normalised host URL: `unix:///path`, `tcp://host:port`, `npipe:////./pipe/name`, `ssh://user@host`. */
  host: string;
  source: DockerEndpointSource;
  /** The docker context the host came from (source 'context'). */
  contextName?: string;
  tls?: DockerTlsFiles;
}

export interface ResolveDockerEndpointInput {
  /** The mlDiskSpace.docker.host setting (empty or undefined: not set). */
  setting?: string;
  env: Readonly<Record<string, string | undefined>>;
  /** The user's home directory (where `.docker/` lives unless DOCKER_CONFIG says otherwise). */
  home: string;
  platform?: NodeJS.Platform;
  /** Used for `/run/user/<uid>` when XDG_RUNTIME_DIR is unset. */
  uid?: number;
  /** Injected for tests of the fallback order; defaults to "the path exists". */
  exists?: (p: string) => boolean;
}

export interface ResolvedDockerEndpoint {
  endpoint: DockerEndpoint;
  /** Sockets considered after the default one was found absent, in order (empty otherwise). */
  candidates: DockerEndpoint[];
  /** Problems met on the way (malformed config, unknown context), meant for the user. */
  warnings: string[];
}

export const DEFAULT_UNIX_SOCKET = '/var/run/docker.sock';
export const DEFAULT_WINDOWS_PIPE = '//./pipe/docker_engine';

export function resolveDockerEndpoint(input: ResolveDockerEndpointInput): ResolvedDockerEndpoint {
  const warnings: string[] = [];
  const platform = input.platform ?? process.platform;
  const exists = input.exists ?? ((p: string) => fs.existsSync(p));

  const setting = input.setting?.trim();
  if (setting) {
    return { endpoint: { host: normaliseHost(setting, platform), source: 'setting' }, candidates: [], warnings };
  }

  const dockerHost = input.env.DOCKER_HOST?.trim();
  if (dockerHost) {
    const endpoint: DockerEndpoint = { host: normaliseHost(dockerHost, platform), source: 'DOCKER_HOST' };
    const tls = tlsFromEnv(input.env, input.home);
    if (tls) endpoint.tls = tls;
    return { endpoint, candidates: [], warnings };
  }

  const configDir = input.env.DOCKER_CONFIG?.trim() || path.join(input.home, '.docker');
  const contextName = input.env.DOCKER_CONTEXT?.trim() || readCurrentContext(configDir, warnings);
  if (contextName && contextName !== 'default') {
    const fromContext = endpointFromContext(configDir, contextName, platform, warnings);
    if (fromContext) return { endpoint: fromContext, candidates: [], warnings };
  }

  return resolveDefault(input, platform, exists, warnings);
}

function resolveDefault(
  input: ResolveDockerEndpointInput,
  platform: NodeJS.Platform,
  exists: (p: string) => boolean,
  warnings: string[],
): ResolvedDockerEndpoint {
  if (platform === 'win32') {
    return { endpoint: { host: `npipe://${DEFAULT_WINDOWS_PIPE}`, source: 'default' }, candidates: [], warnings };
  }
  const fallback: DockerEndpoint = { host: `unix://${DEFAULT_UNIX_SOCKET}`, source: 'default' };
  if (exists(DEFAULT_UNIX_SOCKET)) return { endpoint: fallback, candidates: [], warnings };

  const runtimeDir = input.env.XDG_RUNTIME_DIR?.trim() || (input.uid !== undefined ? `/run/user/${input.uid}` : undefined);
  const candidates: DockerEndpoint[] = [];
  if (runtimeDir) candidates.push({ host: `unix://${path.join(runtimeDir, 'docker.sock')}`, source: 'rootless' });
  candidates.push({ host: `unix://${path.join(input.home, '.docker', 'run', 'docker.sock')}`, source: 'docker-desktop' });
  if (runtimeDir) candidates.push({ host: `unix://${path.join(runtimeDir, 'podman', 'podman.sock')}`, source: 'podman' });
  candidates.push({ host: 'unix:///run/podman/podman.sock', source: 'podman' });

  const found = candidates.find((c) => exists(unixSocketPath(c.host)!));
  return { endpoint: found ?? fallback, candidates, warnings };
}

/**
 * Every file resolveDockerEndpoint may read for these inputs (config.json, the context's meta.json,
 * TLS files), so tests can put hostile files at each. Keep in step with the readers below.
 */
export function dockerConfigFilesRead(env: Readonly<Record<string, string | undefined>>, home: string, contextName?: string): string[] {
  const configDir = env.DOCKER_CONFIG?.trim() || path.join(home, '.docker');
  const files = [path.join(configDir, 'config.json')];
  const context = env.DOCKER_CONTEXT?.trim() || contextName;
  if (context && context !== 'default') {
    const digest = createHash('sha256').update(context).digest('hex');
    files.push(path.join(configDir, 'contexts', 'meta', digest, 'meta.json'));
    const tlsDir = path.join(configDir, 'contexts', 'tls', digest, 'docker');
    files.push(...['ca.pem', 'cert.pem', 'key.pem'].map((name) => path.join(tlsDir, name)));
  }
  const tls = tlsFromEnv({ ...env, DOCKER_TLS_VERIFY: '1' }, home);
  if (tls) files.push(tls.caFile!, tls.certFile!, tls.keyFile!);
  return files;
}

/** `currentContext` from the CLI's config.json; undefined when unset or unreadable (with a warning). */
function readCurrentContext(configDir: string, warnings: string[]): string | undefined {
  const file = path.join(configDir, 'config.json');
  const config = readJsonObject(file, warnings);
  if (!config) return undefined;
  const current = config.currentContext;
  if (current === undefined || current === '') return undefined;
  if (typeof current !== 'string') {
    warnings.push(t('Ignoring "currentContext" in {0}: expected a string.', file));
    return undefined;
  }
  return current;
}

function endpointFromContext(
  configDir: string,
  contextName: string,
  platform: NodeJS.Platform,
  warnings: string[],
): DockerEndpoint | undefined {
  const metaRoot = path.join(configDir, 'contexts', 'meta');
  // The CLI stores a context under the sha256 of its name; look there first, then scan, so a
  // store written by another tool still resolves.
  const digest = createHash('sha256').update(contextName).digest('hex');
  let metaFile: string | undefined;
  let meta: Record<string, unknown> | undefined;
  const direct = path.join(metaRoot, digest, 'meta.json');
  if (fs.existsSync(direct)) {
    meta = readJsonObject(direct, warnings);
    metaFile = direct;
  } else {
    for (const entry of safeReaddir(metaRoot)) {
      const candidate = path.join(metaRoot, entry, 'meta.json');
      if (!fs.existsSync(candidate)) continue;
      const parsed = readJsonObject(candidate, warnings);
      if (parsed && parsed.Name === contextName) {
        meta = parsed;
        metaFile = candidate;
        break;
      }
    }
  }
  if (!meta || !metaFile) {
    warnings.push(t('Docker context "{0}" not found under {1}; using the default socket.', contextName, metaRoot));
    return undefined;
  }
  const endpoints = meta.Endpoints as Record<string, unknown> | undefined;
  const docker = endpoints && typeof endpoints === 'object' ? (endpoints.docker as Record<string, unknown> | undefined) : undefined;
  const host = docker && typeof docker === 'object' ? docker.Host : undefined;
  if (typeof host !== 'string' || host.trim() === '') {
    warnings.push(t('Docker context "{0}" ({1}) has no Endpoints.docker.Host; using the default socket.', contextName, metaFile));
    return undefined;
  }
  const endpoint: DockerEndpoint = { host: normaliseHost(host.trim(), platform), source: 'context', contextName };
  const tlsDir = path.join(configDir, 'contexts', 'tls', path.basename(path.dirname(metaFile)), 'docker');
  const tlsFile = (name: string) => {
    const p = path.join(tlsDir, name);
    return fs.existsSync(p) ? p : undefined;
  };
  const caFile = tlsFile('ca.pem');
  const certFile = tlsFile('cert.pem');
  const keyFile = tlsFile('key.pem');
  if (caFile || certFile || keyFile || docker!.SkipTLSVerify === true) {
    endpoint.tls = { verify: docker!.SkipTLSVerify !== true, caFile, certFile, keyFile };
  }
  return endpoint;
}

function tlsFromEnv(env: Readonly<Record<string, string | undefined>>, home: string): DockerTlsFiles | undefined {
  const verify = env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== '' && env.DOCKER_TLS_VERIFY !== '0';
  const certPath = env.DOCKER_CERT_PATH?.trim();
  if (!verify && !certPath) return undefined;
  const dir = certPath || path.join(home, '.docker');
  return { verify, caFile: path.join(dir, 'ca.pem'), certFile: path.join(dir, 'cert.pem'), keyFile: path.join(dir, 'key.pem') };
}

function readJsonObject(file: string, warnings: string[]): Record<string, unknown> | undefined {
  let text: string;
  try {
    // Non-blocking, regular files only, capped: a FIFO or a link to /dev/zero here must not hang
    // or exhaust the scan (safeRead.ts).
    text = safeReadTextSync(file, { maxBytes: MAX_DOCKER_CONFIG_BYTES });
  } catch (error) {
    const code = readErrorCode(error);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') warnings.push(error instanceof SafeReadError ? t('Ignoring {0}: {1}.', file, error.reason) : t('Could not read {0}: {1}.', file, code));
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    warnings.push(t('Ignoring {0}: not valid JSON ({1}).', file, (error as Error).message));
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    warnings.push(t('Ignoring {0}: expected a JSON object.', file));
    return undefined;
  }
  return parsed as Record<string, unknown>;
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Writes a host the way the docker CLI accepts it as a URL: a bare socket path becomes
 * `unix://` (or `npipe://` on Windows), `host:port` becomes `tcp://host:port`, `unix://` with no
 * path means the default socket. Anything else is kept as given; parseDockerHost judges it.
 */
export function normaliseHost(host: string, platform: NodeJS.Platform = process.platform): string {
  if (host.startsWith('/')) return platform === 'win32' && host.startsWith('//') ? `npipe://${host}` : `unix://${host}`;
  if (host === 'unix://') return `unix://${DEFAULT_UNIX_SOCKET}`;
  if (host === 'npipe://') return `npipe://${DEFAULT_WINDOWS_PIPE}`;
  if (!host.includes('://') && /^[^/]+:\d+$/.test(host)) return `tcp://${host}`;
  return host;
}

/** The socket path of a `unix://` host, else undefined. */
export function unixSocketPath(host: string): string | undefined {
  return host.startsWith('unix://') ? host.slice('unix://'.length) || DEFAULT_UNIX_SOCKET : undefined;
}

export type ParsedDockerHost =
  | { protocol: 'unix'; socketPath: string }
  | { protocol: 'npipe'; socketPath: string }
  | { protocol: 'tcp' | 'http' | 'https'; hostname: string; port: number }
  | { protocol: 'ssh'; hostname: string; port: number; username?: string }
  | { protocol: 'invalid'; reason: string };

/** Splits a host URL into what a client needs to connect; never throws. */
export function parseDockerHost(host: string): ParsedDockerHost {
  if (host.startsWith('unix://')) return { protocol: 'unix', socketPath: unixSocketPath(host)! };
  if (host.startsWith('npipe://')) return { protocol: 'npipe', socketPath: host.slice('npipe://'.length) || DEFAULT_WINDOWS_PIPE };
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    return { protocol: 'invalid', reason: t('"{0}" is not a Docker host URL (expected unix://, tcp://, npipe:// or ssh://)', host) };
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (!['tcp', 'http', 'https', 'ssh'].includes(scheme)) {
    return { protocol: 'invalid', reason: t('"{0}" uses an unsupported scheme "{1}:" (expected unix://, tcp://, npipe:// or ssh://)', host, scheme) };
  }
  if (!url.hostname) return { protocol: 'invalid', reason: t('"{0}" has no host name', host) };
  if (scheme === 'tcp' || scheme === 'http' || scheme === 'https') {
    const port = url.port ? Number(url.port) : scheme === 'https' ? 2376 : 2375;
    return { protocol: scheme, hostname: url.hostname, port };
  }
  return { protocol: 'ssh', hostname: url.hostname, port: url.port ? Number(url.port) : 22, username: url.username || undefined };
}
