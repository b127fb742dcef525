// DockerClient on dockerode: the only file that imports dockerode.
//
// Every request goes through dockerode's modem (`docker.modem.dial`), which handles unix sockets,
// named pipes, TCP/TLS and SSH alike. We dial it ourselves rather than call dockerode's helpers
// because several helpers drop what we need: `df()` sends no query, `pruneBuilder()` forwards no
// options (so no `all=true`), `image.history()`/`image.get()` take no AbortSignal. One dial path
// also means one place for timeouts, cancellation and error wording.

import type Dockerode from 'dockerode';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import {
  apiVersionAtLeast,
  diskUsageFromApi,
  historyFromApi,
  imagePruneFromApi,
  imageRemovalFromApi,
  pruneFromApi,
} from './apiMapping';
import { DEFAULT_DOCKER_TIMEOUTS, type CallOptions, type DockerClient, type DockerTimeouts, type RemoveImageResult } from './client';
import { parseDockerHost, type DockerEndpoint } from './connection';
import { probeDockerSocket } from './socketProbe';
import { readErrorCode, safeReadFileSync } from '../../safeRead';
import { t } from '../../l10n';
import { DockerEngineError, type DockerDiskUsage, type DockerImageHistoryEntry, type PruneResult } from './types';

export interface DockerodeClientOptions {
  timeouts?: Partial<DockerTimeouts>;
  /** The most bytes read of one success answer (default DEFAULT_MAX_RESPONSE_BYTES); image exports are streams, not capped. */
  maxResponseBytes?: number;
  /** SSH_AUTH_SOCK for ssh:// hosts (passed in: the core reads no process.env). */
  sshAuthSock?: string;
}

interface DialRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, unknown>;
  /** Statuses that count as success; others reject with the engine's message. */
  ok: number[];
  isStream?: boolean;
}

/** Socket errors that mean "nothing answers there". */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'ENOTSOCK',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ETIMEDOUT',
  'EADDRNOTAVAIL',
]);

export function createDockerodeClient(endpoint: DockerEndpoint, options: DockerodeClientOptions = {}): DockerClient {
  return new DockerodeClient(endpoint, options);
}

class DockerodeClient implements DockerClient {
  readonly endpoint: string;
  private readonly timeouts: DockerTimeouts;
  private docker: Dockerode | undefined;
  /** Set once a plain connect reached the engine: from then on dockerode is worth loading. */
  private probed = false;
  private version: string | undefined;
  private readonly maxResponseBytes: number;

  constructor(
    private readonly target: DockerEndpoint,
    private readonly options: DockerodeClientOptions,
  ) {
    this.endpoint = target.host;
    this.timeouts = { ...DEFAULT_DOCKER_TIMEOUTS, ...options.timeouts };
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  async ping(options?: CallOptions): Promise<void> {
    await this.request('GET /_ping', this.timeouts.ping, options, { method: 'GET', path: '/_ping', ok: [200] });
  }

  async apiVersion(options?: CallOptions): Promise<string> {
    if (this.version) return this.version;
    const body = await this.request<{ ApiVersion?: unknown }>('GET /version', this.timeouts.ping, options, {
      method: 'GET',
      path: '/version',
      ok: [200],
    });
    this.version = typeof body?.ApiVersion === 'string' ? body.ApiVersion : '';
    return this.version;
  }

  async dataRoot(options?: CallOptions): Promise<string | undefined> {
    const body = await this.request<{ DockerRootDir?: unknown }>('GET /info', this.timeouts.read, options, {
      method: 'GET',
      path: '/info',
      ok: [200],
    });
    const root = body?.DockerRootDir;
    return typeof root === 'string' && root.startsWith('/') ? root : undefined;
  }

  async diskUsage(options?: CallOptions): Promise<DockerDiskUsage> {
    const apiVersion = (await this.apiVersion(options)) || undefined;
    const budget = options?.timeoutMs ?? this.timeouts.read;
    const deadline = Date.now() + budget;
    for (;;) {
      try {
        const raw = await this.request('GET /system/df', budget, { ...options, timeoutMs: Math.max(1, deadline - Date.now()) }, {
          method: 'GET',
          path: '/system/df',
          ok: [200],
        });
        return diskUsageFromApi(raw, this.endpoint, apiVersion);
      } catch (error) {
        // The engine computes one disk usage at a time and answers 500 "a disk usage operation is
        // already running" meanwhile (e.g. while an abandoned earlier call still runs): wait for it.
        const busy = error instanceof DockerEngineError && error.statusCode === 500 && /already running/i.test(error.engineMessage ?? '');
        if (!busy || Date.now() + DF_BUSY_RETRY_MS >= deadline) throw error;
        await delay(DF_BUSY_RETRY_MS, options?.signal);
      }
    }
  }

  async removeImage(ref: string, options?: CallOptions & { force?: boolean }): Promise<RemoveImageResult> {
    const raw = await this.request(`DELETE /images/${ref}`, this.timeouts.remove, options, {
      method: 'DELETE',
      path: `/images/${encodeURIComponent(ref)}?`,
      query: { force: options?.force === true, noprune: false },
      ok: [200],
    });
    return imageRemovalFromApi(raw);
  }

  async removeContainer(id: string, options?: CallOptions): Promise<void> {
    await this.request(`DELETE /containers/${id}`, this.timeouts.remove, options, {
      method: 'DELETE',
      path: `/containers/${encodeURIComponent(id)}?`,
      query: { force: false, v: false },
      ok: [200, 204],
    });
  }

  async removeVolume(name: string, options?: CallOptions): Promise<void> {
    await this.request(`DELETE /volumes/${name}`, this.timeouts.remove, options, {
      method: 'DELETE',
      path: `/volumes/${encodeURIComponent(name)}?`,
      query: { force: false },
      ok: [200, 204],
    });
  }

  async pruneImages(options: CallOptions & { danglingOnly: boolean; createdBefore?: number }): Promise<PruneResult> {
    const filters: Record<string, string[]> = { dangling: [options.danglingOnly ? 'true' : 'false'] };
    if (options.createdBefore !== undefined) filters.until = [String(Math.floor(options.createdBefore / 1000))];
    const raw = await this.request('POST /images/prune', this.timeouts.prune, options, {
      method: 'POST',
      path: '/images/prune?',
      query: { filters },
      ok: [200],
    });
    return imagePruneFromApi(raw);
  }

  async pruneContainers(options?: CallOptions): Promise<PruneResult> {
    const raw = await this.request('POST /containers/prune', this.timeouts.prune, options, {
      method: 'POST',
      path: '/containers/prune',
      ok: [200],
    });
    return pruneFromApi(raw, 'ContainersDeleted');
  }

  async pruneVolumes(options?: CallOptions): Promise<PruneResult> {
    // API >= 1.42 prunes only anonymous volumes unless all=true; 1.41 rejects the unknown filter.
    const all = apiVersionAtLeast(await this.apiVersion(options), '1.42');
    const raw = await this.request('POST /volumes/prune', this.timeouts.prune, options, {
      method: 'POST',
      path: all ? '/volumes/prune?' : '/volumes/prune',
      query: all ? { filters: { all: ['true'] } } : undefined,
      ok: [200],
    });
    return pruneFromApi(raw, 'VolumesDeleted');
  }

  async pruneBuildCache(options: CallOptions & { all: boolean }): Promise<PruneResult> {
    const raw = await this.request('POST /build/prune', this.timeouts.prune, options, {
      method: 'POST',
      path: '/build/prune?',
      query: { all: options.all },
      ok: [200],
    });
    return pruneFromApi(raw, 'CachesDeleted');
  }

  async imageHistory(id: string, options?: CallOptions): Promise<DockerImageHistoryEntry[]> {
    const raw = await this.request(`GET /images/${id}/history`, this.timeouts.read, options, {
      method: 'GET',
      path: `/images/${encodeURIComponent(id)}/history`,
      ok: [200],
    });
    return historyFromApi(raw);
  }

  async exportImage(id: string, options?: CallOptions): Promise<Readable> {
    const stream = await this.request<Readable>(`GET /images/${id}/get`, this.timeouts.read, options, {
      method: 'GET',
      path: `/images/${encodeURIComponent(id)}/get`,
      ok: [200],
      isStream: true,
    });
    const signal = options?.signal;
    if (signal) {
      const onAbort = () => stream.destroy(abortError(signal));
      if (signal.aborted) onAbort();
      else {
        signal.addEventListener('abort', onAbort, { once: true });
        stream.once('close', () => signal.removeEventListener('abort', onAbort));
      }
    }
    return stream;
  }

  // ------------------------------------------------------------------------------------------

  /**
   * dockerode is built on first use, so a bad host or TLS file becomes a DockerEngineError, not a
   * throw at construction; it is also loaded on first use (it pulls in ssh2 and grpc), so a scan
   * or an activation that never talks to Docker does not pay for it.
   */
  private async getDocker(): Promise<Dockerode> {
    if (this.docker) return this.docker;
    const { default: DockerodeClass } = await import('dockerode');
    const parsed = parseDockerHost(this.target.host);
    // dockerode's modem merges DOCKER_HOST/DOCKER_CERT_PATH from process.env under our options:
    // every connection field is set explicitly so the resolved endpoint always wins.
    const base: Dockerode.DockerOptions = {
      socketPath: undefined,
      host: undefined,
      port: undefined,
      protocol: 'http',
      ca: undefined,
      cert: undefined,
      key: undefined,
      timeout: undefined,
    };
    let opts: Dockerode.DockerOptions;
    switch (parsed.protocol) {
      case 'unix':
      case 'npipe':
        opts = { ...base, socketPath: parsed.socketPath };
        break;
      case 'tcp':
      case 'http':
      case 'https': {
        const tls = this.target.tls;
        const useTls = parsed.protocol === 'https' || (tls !== undefined && (tls.verify || !!tls.certFile));
        opts = { ...base, host: parsed.hostname, port: parsed.port, protocol: useTls ? 'https' : 'http' };
        if (useTls && tls) {
          // Certificates are a few KB: read without blocking and capped, like every config file.
          const read = (file: string | undefined) => {
            if (!file) return undefined;
            try {
              return safeReadFileSync(file, { maxBytes: MAX_TLS_FILE_BYTES }).data;
            } catch (error) {
              if (readErrorCode(error) === 'ENOENT') return undefined;
              throw new DockerEngineError('unreachable', `Docker engine not reachable: TLS file ${(error as Error).message}`, { endpoint: this.endpoint });
            }
          };
          opts.ca = read(tls.caFile);
          opts.cert = read(tls.certFile);
          opts.key = read(tls.keyFile);
        }
        break;
      }
      case 'ssh':
        opts = {
          ...base,
          host: parsed.hostname,
          port: parsed.port,
          protocol: 'ssh',
          username: parsed.username,
          sshOptions: { agent: this.options.sshAuthSock },
        };
        break;
      default:
        throw new DockerEngineError('unreachable', `Docker engine not reachable: ${parsed.reason}`, { endpoint: this.endpoint });
    }
    this.docker = new DockerodeClass(opts);
    return this.docker;
  }

  /**
   * One HTTP exchange. The modem is told every status is fine, so it hands over the raw response
   * stream instead of buffering the body without limit (a 2 GB answer would end Node with a fatal
   * out-of-memory error): we read at most `maxResponseBytes` of a success body (more fails with one
   * line) and MAX_ERROR_BODY_BYTES of an error body (the rest is dropped).
   */
  private async dial<T>(req: DialRequest, signal: AbortSignal, label: string): Promise<T> {
    if (!this.docker && !this.probed) {
      // Nothing listening: fail with the socket's own error before paying for dockerode.
      await probeDockerSocket(parseDockerHost(this.target.host), signal);
      this.probed = true;
    }
    const docker = await this.getDocker();
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      docker.modem.dial(
        {
          path: req.path,
          method: req.method,
          // `_body: {}` keeps the modem from also sending the query as a JSON body.
          options: req.query ? { _query: req.query, _body: {} } : undefined,
          isStream: true,
          statusCodes: ANY_STATUS,
          abortSignal: signal,
        } as never,
        (err: unknown, data: unknown) => (err ? reject(err) : resolve(data as IncomingMessage)),
      );
    });
    const status = res.statusCode ?? 0;
    const ok = req.ok.includes(status);
    if (ok && req.isStream) return res as unknown as T;
    const limit = ok ? this.maxResponseBytes : MAX_ERROR_BODY_BYTES;
    const { body, cut } = await readCapped(res, limit, signal);
    if (ok && cut) {
      throw new DockerEngineError(
        'api',
        `Docker engine at ${this.endpoint} answered ${label} with more than ${formatMegabytes(limit)}: not read (the limit keeps a broken or hostile engine from exhausting memory).`,
        { endpoint: this.endpoint },
      );
    }
    // As the modem would have given it: the parsed JSON, else the raw bytes.
    let json: unknown = null;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      json = null;
    }
    const value = json || body;
    if (ok) return value as T;
    const cause = (value as { message?: unknown })?.message ?? body.toString('utf8');
    throw Object.assign(new Error(`(HTTP code ${status}) ${String(cause)}`), { statusCode: status, json: value });
  }

  /** Runs one API call under a timeout and the caller's signal, and words any failure for the user. */
  private async request<T = unknown>(label: string, timeoutMs: number, options: CallOptions | undefined, req: DialRequest): Promise<T> {
    const outer = options?.signal;
    if (outer?.aborted) throw abortError(outer);
    const ms = options?.timeoutMs ?? timeoutMs;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), ms);
    const signal = outer ? AbortSignal.any([outer, timeout.signal]) : timeout.signal;
    // The race makes the call settle when the signal fires even if the transport never reports it.
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new Error('aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([this.dial<T>(req, signal, label), aborted]);
    } catch (error) {
      if (outer?.aborted) throw abortError(outer);
      if (timeout.signal.aborted) {
        throw new DockerEngineError('timeout', `Docker engine at ${this.endpoint} did not answer ${label} within ${formatSeconds(ms)}.`, {
          endpoint: this.endpoint,
          cause: error,
        });
      }
      throw this.toEngineError(error, label);
    } finally {
      clearTimeout(timer);
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  }

  private toEngineError(error: unknown, label: string): DockerEngineError {
    if (error instanceof DockerEngineError) return error;
    const e = error as { code?: unknown; statusCode?: unknown; json?: unknown; message?: unknown };
    const code = typeof e?.code === 'string' ? e.code : undefined;
    if (code === 'EACCES' || code === 'EPERM') {
      return new DockerEngineError(
        'permission',
        t('Permission denied on the Docker socket {0} ({1}): add your user to the docker group (sudo usermod -aG docker $USER, then log out and in again), or point mlDiskSpace.docker.host at an engine you may use.', this.endpoint, code),
        { endpoint: this.endpoint, code, cause: error },
      );
    }
    if (code && UNREACHABLE_CODES.has(code)) {
      return new DockerEngineError('unreachable', t('Docker engine not reachable at {0}: {1}', this.endpoint, code), {
        endpoint: this.endpoint,
        code,
        cause: error,
      });
    }
    if (typeof e?.statusCode === 'number') {
      const engineMessage = engineText(e.json) ?? (typeof e.message === 'string' ? e.message : 'no details');
      return new DockerEngineError('api', t('Docker engine at {0} refused {1} (HTTP {2}): {3}', this.endpoint, label, e.statusCode, engineMessage), {
        endpoint: this.endpoint,
        statusCode: e.statusCode,
        engineMessage,
        cause: error,
      });
    }
    const text = typeof e?.message === 'string' ? e.message : String(error);
    return new DockerEngineError('api', t('Docker engine at {0} failed on {1}: {2}', this.endpoint, label, text), {
      endpoint: this.endpoint,
      code,
      cause: error,
    });
  }
}

/** The engine's own error text from an error response body ({"message": "..."}). */
function engineText(json: unknown): string | undefined {
  if (json && typeof json === 'object' && typeof (json as { message?: unknown }).message === 'string') {
    return ((json as { message: string }).message || '').trim() || undefined;
  }
  if (Buffer.isBuffer(json)) return json.toString('utf8').trim() || undefined;
  if (typeof json === 'string') return json.trim() || undefined;
  return undefined;
}

const DF_BUSY_RETRY_MS = 250;
const MAX_TLS_FILE_BYTES = 1024 * 1024;

/**
 * A /system/df answer is ~1.5 KB per object: 256 MiB is far past any real engine (over 100,000
 * images, containers and volumes) and far below what Node can hold.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
/** Error answers carry one message; the rest of a long one is dropped. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

const ANY_STATUS: Record<number, true> = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [i + 100, true]));

/** Reads a response body up to `limit` bytes; past it, stops reading (destroys the stream) and says so. */
function readCapped(res: IncomingMessage, limit: number, signal: AbortSignal): Promise<{ body: Buffer; cut: boolean }> {
  return new Promise((resolve, reject) => {
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      res.destroy();
      return resolve({ body: Buffer.alloc(0), cut: true });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const done = (result: { body: Buffer; cut: boolean } | Error) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onAbort = () => {
      res.destroy();
      done(new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    res.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        chunks.push(chunk.subarray(0, chunk.length - (size - limit)));
        res.destroy();
        done({ body: Buffer.concat(chunks), cut: true });
        return;
      }
      chunks.push(chunk);
    });
    res.on('end', () => done({ body: Buffer.concat(chunks), cut: false }));
    res.on('error', (err) => done(err));
    res.on('close', () => done(new Error('the connection closed before the answer was complete')));
  });
}

function formatMegabytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${bytes} bytes`;
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const error = new Error('The operation was cancelled.');
  error.name = 'AbortError';
  return error;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
