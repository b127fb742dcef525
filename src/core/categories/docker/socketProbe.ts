// A cheap "is anything listening there?" check made before dockerode is loaded.
//
// Loading dockerode (with ssh2 and grpc) costs 0.15–0.4 s of start-up; most users without Docker
// would pay it on every scan only to learn that the socket is absent. One plain connect to the
// engine's socket or TCP port answers that in well under a millisecond when nothing listens, and
// fails with the same error code (ENOENT, ECONNREFUSED, EACCES, ...) dockerode's own connect would
// have met, so the caller words it exactly as before. When the connect succeeds it is closed at
// once and dockerode takes over: nothing changes for users with an engine.

import * as net from 'node:net';
import type { ParsedDockerHost } from './connection';

/**
 * Resolves when `parsed` accepts a connection (or is a transport this check does not cover: ssh
 * needs a handshake, invalid hosts fail later with their own message); rejects with the socket
 * error otherwise. `signal` ends the attempt (the caller's timeout and cancel).
 */
export function probeDockerSocket(parsed: ParsedDockerHost, signal: AbortSignal): Promise<void> {
  let options: net.NetConnectOpts;
  switch (parsed.protocol) {
    case 'unix':
    case 'npipe':
      options = { path: parsed.socketPath };
      break;
    case 'tcp':
    case 'http':
    case 'https':
      options = { host: parsed.hostname, port: parsed.port };
      break;
    default:
      return Promise.resolve();
  }
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(new Error('aborted'));
    const socket = net.createConnection(options);
    const finish = (error?: Error) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    const onAbort = () => finish(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish());
    socket.once('error', (error) => finish(error));
  });
}
