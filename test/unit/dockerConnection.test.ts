// Which engine we talk to: setting > DOCKER_HOST > docker context > default socket (+ rootless,
// Docker Desktop and Podman sockets), decided from real temporary HOME directories with real
// CLI config files and real unix sockets; the resolved endpoint then reaches a real dockerd.

import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DEFAULT_UNIX_SOCKET,
  normaliseHost,
  parseDockerHost,
  resolveDockerEndpoint,
  type ResolveDockerEndpointInput,
} from '../../src/core/categories/docker/connection';
import { createDockerodeClient } from '../../src/core/categories/docker/dockerodeClient';
import { scanDocker } from '../../src/core/categories/docker/category';
import { startDockerd, type Dockerd } from '../support/dockerd';

/** A context store as the docker CLI writes it: meta/<sha256(name)>/meta.json. */
function writeContext(home: string, name: string, host: string, dirName = createHash('sha256').update(name).digest('hex')): string {
  const dir = path.join(home, '.docker', 'contexts', 'meta', dirName);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'meta.json');
  fs.writeFileSync(file, JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }));
  return file;
}

function writeConfig(home: string, text: string): string {
  fs.mkdirSync(path.join(home, '.docker'), { recursive: true });
  const file = path.join(home, '.docker', 'config.json');
  fs.writeFileSync(file, text);
  return file;
}

/** Real filesystem checks, except that the machine's own default socket counts as absent (it may or may not exist here). */
const withoutDefault = (p: string) => p !== DEFAULT_UNIX_SOCKET && fs.existsSync(p);

describe('Docker connection resolution', function () {
  let home: string;
  const input = (over: Partial<ResolveDockerEndpointInput> = {}): ResolveDockerEndpointInput => ({ env: {}, home, platform: 'linux', exists: withoutDefault, ...over });

  beforeEach(function () {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'mlds-dockerhome-'));
  });
  afterEach(function () {
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('the setting wins over DOCKER_HOST and the context', function () {
    writeConfig(home, JSON.stringify({ currentContext: 'remote' }));
    writeContext(home, 'remote', 'tcp://10.0.0.9:2375');
    const r = resolveDockerEndpoint(input({ setting: 'unix:///custom/docker.sock', env: { DOCKER_HOST: 'tcp://1.2.3.4:2375' } }));
    assert.deepEqual(r.endpoint, { host: 'unix:///custom/docker.sock', source: 'setting' });
    assert.deepEqual(r.warnings, []);
  });

  it('DOCKER_HOST wins over the context, with TLS files from DOCKER_CERT_PATH', function () {
    writeConfig(home, JSON.stringify({ currentContext: 'remote' }));
    writeContext(home, 'remote', 'tcp://10.0.0.9:2375');
    const r = resolveDockerEndpoint(input({ env: { DOCKER_HOST: 'tcp://1.2.3.4:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' } }));
    assert.equal(r.endpoint.host, 'tcp://1.2.3.4:2376');
    assert.equal(r.endpoint.source, 'DOCKER_HOST');
    assert.deepEqual(r.endpoint.tls, { verify: true, caFile: '/certs/ca.pem', certFile: '/certs/cert.pem', keyFile: '/certs/key.pem' });
  });

  it('a blank setting or DOCKER_HOST does not count', function () {
    const r = resolveDockerEndpoint(input({ setting: '  ', env: { DOCKER_HOST: '' } }));
    assert.equal(r.endpoint.source, 'default');
  });

  it('the current context from config.json, found under meta/<sha256(name)>/meta.json', function () {
    writeConfig(home, JSON.stringify({ auths: {}, currentContext: 'colima' }));
    writeContext(home, 'colima', 'unix:///home/u/.colima/default/docker.sock');
    const r = resolveDockerEndpoint(input());
    assert.deepEqual(r.endpoint, { host: 'unix:///home/u/.colima/default/docker.sock', source: 'context', contextName: 'colima' });
    assert.deepEqual(r.warnings, []);
  });

  it('a context stored under another directory name is found by scanning meta/*/meta.json', function () {
    writeConfig(home, JSON.stringify({ currentContext: 'odd' }));
    writeContext(home, 'decoy', 'tcp://decoy:2375', 'aaaa');
    writeContext(home, 'odd', 'ssh://me@build-box', 'not-a-digest');
    const r = resolveDockerEndpoint(input());
    assert.equal(r.endpoint.host, 'ssh://me@build-box');
    assert.equal(r.endpoint.contextName, 'odd');
  });

  it('DOCKER_CONTEXT overrides currentContext; DOCKER_CONFIG moves the config directory; "default" means the default socket', function () {
    const configDir = path.join(home, 'elsewhere');
    fs.mkdirSync(configDir);
    fs.writeFileSync(path.join(configDir, 'config.json'), JSON.stringify({ currentContext: 'a' }));
    const write = (name: string, host: string) => {
      const dir = path.join(configDir, 'contexts', 'meta', createHash('sha256').update(name).digest('hex'));
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({ Name: name, Endpoints: { docker: { Host: host } } }));
    };
    write('a', 'tcp://a:2375');
    write('b', 'tcp://b:2375');
    assert.equal(resolveDockerEndpoint(input({ env: { DOCKER_CONFIG: configDir } })).endpoint.host, 'tcp://a:2375');
    assert.equal(resolveDockerEndpoint(input({ env: { DOCKER_CONFIG: configDir, DOCKER_CONTEXT: 'b' } })).endpoint.host, 'tcp://b:2375');
    assert.equal(resolveDockerEndpoint(input({ env: { DOCKER_CONFIG: configDir, DOCKER_CONTEXT: 'default' } })).endpoint.source, 'default');
  });

  it('malformed config.json: a clear warning and the default socket, no throw', function () {
    const file = writeConfig(home, '{"currentContext": "x",');
    const r = resolveDockerEndpoint(input());
    assert.equal(r.endpoint.host, `unix://${DEFAULT_UNIX_SOCKET}`);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0], new RegExp(`^Ignoring ${file.replace(/[.]/g, '\\.')}: not valid JSON \\(`));
  });

  it('config.json that is not an object, or a non-string currentContext: warnings, no throw', function () {
    writeConfig(home, '[1,2]');
    assert.match(resolveDockerEndpoint(input()).warnings[0], /expected a JSON object/);
    writeConfig(home, '{"currentContext": 42}');
    assert.match(resolveDockerEndpoint(input()).warnings[0], /"currentContext" .* expected a string/);
  });

  it('an unknown context, a malformed meta.json, a meta.json without a host: warnings, default socket', function () {
    writeConfig(home, JSON.stringify({ currentContext: 'gone' }));
    let r = resolveDockerEndpoint(input());
    assert.equal(r.endpoint.source, 'default');
    assert.match(r.warnings[0], /Docker context "gone" not found/);

    const meta = writeContext(home, 'gone', 'x');
    fs.writeFileSync(meta, '{not json');
    r = resolveDockerEndpoint(input());
    assert.equal(r.endpoint.source, 'default');
    assert.ok(r.warnings.some((w) => w.startsWith(`Ignoring ${meta}: not valid JSON`)));

    fs.writeFileSync(meta, JSON.stringify({ Name: 'gone', Endpoints: {} }));
    r = resolveDockerEndpoint(input());
    assert.match(r.warnings[0], /has no Endpoints\.docker\.Host/);
  });

  it('a config.json that cannot be read is a warning', function () {
    // A directory where the file should be: refused as not a regular file, whoever we are.
    fs.mkdirSync(path.join(home, '.docker', 'config.json'), { recursive: true });
    const r = resolveDockerEndpoint(input());
    assert.equal(r.endpoint.source, 'default');
    assert.match(r.warnings[0], /config\.json: is a folder, not a regular file/);
  });

  describe('fallback sockets when the default one is absent', function () {
    const servers: net.Server[] = [];
    const listen = async (socketPath: string) => {
      fs.mkdirSync(path.dirname(socketPath), { recursive: true });
      const server = net.createServer();
      await new Promise<void>((resolve) => server.listen(socketPath, resolve));
      servers.push(server);
    };
    afterEach(async function () {
      await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
    });

    it('nothing found: the default socket, with the candidates listed in order', function () {
      const r = resolveDockerEndpoint(input({ env: { XDG_RUNTIME_DIR: path.join(home, 'run') } }));
      assert.equal(r.endpoint.host, `unix://${DEFAULT_UNIX_SOCKET}`);
      assert.deepEqual(
        r.candidates.map((c) => [c.source, c.host]),
        [
          ['rootless', `unix://${home}/run/docker.sock`],
          ['docker-desktop', `unix://${home}/.docker/run/docker.sock`],
          ['podman', `unix://${home}/run/podman/podman.sock`],
          ['podman', 'unix:///run/podman/podman.sock'],
        ],
      );
    });

    it('rootless docker at $XDG_RUNTIME_DIR/docker.sock', async function () {
      await listen(path.join(home, 'run', 'docker.sock'));
      await listen(path.join(home, 'run', 'podman', 'podman.sock'));
      const r = resolveDockerEndpoint(input({ env: { XDG_RUNTIME_DIR: path.join(home, 'run') } }));
      assert.deepEqual(r.endpoint, { host: `unix://${home}/run/docker.sock`, source: 'rootless' });
    });

    it('Podman at $XDG_RUNTIME_DIR/podman/podman.sock, or /run/user/<uid> when XDG_RUNTIME_DIR is unset', async function () {
      await listen(path.join(home, 'run', 'podman', 'podman.sock'));
      const r = resolveDockerEndpoint(input({ env: { XDG_RUNTIME_DIR: path.join(home, 'run') } }));
      assert.deepEqual(r.endpoint, { host: `unix://${home}/run/podman/podman.sock`, source: 'podman' });
      const byUid = resolveDockerEndpoint(input({ uid: 1234, exists: () => false }));
      assert.equal(byUid.candidates[0].host, 'unix:///run/user/1234/docker.sock');
    });

    it('the default socket, when present, is used without candidates', function () {
      const r = resolveDockerEndpoint(input({ exists: (p) => p === DEFAULT_UNIX_SOCKET }));
      assert.deepEqual(r, { endpoint: { host: `unix://${DEFAULT_UNIX_SOCKET}`, source: 'default' }, candidates: [], warnings: [] });
    });

    it('Windows uses the named pipe', function () {
      assert.equal(resolveDockerEndpoint(input({ platform: 'win32' })).endpoint.host, 'npipe:////./pipe/docker_engine');
    });
  });

  it('host strings: normalised and parsed without throwing', function () {
    assert.equal(normaliseHost('/var/run/x.sock', 'linux'), 'unix:///var/run/x.sock');
    assert.equal(normaliseHost('localhost:2375', 'linux'), 'tcp://localhost:2375');
    assert.equal(normaliseHost('unix://', 'linux'), 'unix:///var/run/docker.sock');
    assert.deepEqual(parseDockerHost('unix:///a/b.sock'), { protocol: 'unix', socketPath: '/a/b.sock' });
    assert.deepEqual(parseDockerHost('tcp://h:1234'), { protocol: 'tcp', hostname: 'h', port: 1234 });
    assert.deepEqual(parseDockerHost('tcp://h'), { protocol: 'tcp', hostname: 'h', port: 2375 });
    assert.deepEqual(parseDockerHost('ssh://me@h'), { protocol: 'ssh', hostname: 'h', port: 22, username: 'me' });
    assert.deepEqual(parseDockerHost('npipe:////./pipe/docker_engine'), { protocol: 'npipe', socketPath: '//./pipe/docker_engine' });
    assert.equal(parseDockerHost('fd://').protocol, 'invalid');
    assert.equal(parseDockerHost('not a url').protocol, 'invalid');
    assert.equal(parseDockerHost('tcp://').protocol, 'invalid');
  });

  it('an invalid host gives the category a clear error, not a crash', async function () {
    const category = await scanDocker(createDockerodeClient({ host: 'fd://', source: 'setting' }));
    assert.match(category.error ?? '', /^Docker engine not reachable: "fd:\/\/" .*unsupported scheme "fd:"/);
    assert.equal(category.items[0].kind, 'docker-error');
  });

  describe('with a real engine', function () {
    this.timeout(60_000);
    let engine: Dockerd;
    before(async function () {
      engine = await startDockerd();
    });
    after(async function () {
      await engine?.stop();
    });

    it('a docker context pointing at the engine is resolved and scanned', async function () {
      writeConfig(home, JSON.stringify({ currentContext: 'test-engine' }));
      writeContext(home, 'test-engine', engine.host);
      const { endpoint, warnings } = resolveDockerEndpoint(input());
      assert.deepEqual(warnings, []);
      assert.equal(endpoint.host, engine.host);
      const category = await scanDocker(createDockerodeClient(endpoint));
      assert.equal(category.error, undefined);
      assert.equal(category.fields?.endpoint, engine.host);
      assert.equal(category.fields?.apiVersion, '1.41');
    });

    it('DOCKER_HOST (passed in) reaches the engine even when the process environment says otherwise', async function () {
      const { endpoint } = resolveDockerEndpoint(input({ env: { DOCKER_HOST: engine.host } }));
      const saved = process.env.DOCKER_HOST;
      // dockerode's modem merges process.env.DOCKER_HOST into its options: ours must still win.
      process.env.DOCKER_HOST = 'tcp://127.0.0.1:1';
      try {
        await createDockerodeClient(endpoint).ping();
      } finally {
        if (saved === undefined) delete process.env.DOCKER_HOST;
        else process.env.DOCKER_HOST = saved;
      }
    });
  });
});
