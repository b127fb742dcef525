// Which Docker engine the commands talk to: the one the settings point at now (mlDiskSpace.docker.host,
// else DOCKER_HOST, the docker context, the default socket), or the one a scan's figures came from.
// One client per endpoint, reused.
import * as os from 'os';
import * as vscode from 'vscode';
import type { DockerClient } from '../../core/categories/docker/client';
import { dockerClientFor } from '../../core/categories/docker/fromEnvironment';
import type { DockerDiskUsage } from '../../core/categories/docker/types';
import type { HostServices } from '../services';

export class DockerEngines {
  private readonly clients = new Map<string, DockerClient>();

  constructor(private readonly s: Pick<HostServices, 'config' | 'env' | 'log'>) {}

  /** The engine the settings point at now. */
  current(): DockerClient {
    return this.make(this.s.config().scan.dockerHost);
  }

  /** The engine at `endpoint` (`unix:///…`, `tcp://…`, `ssh://…`), e.g. the one a scan reported. */
  at(endpoint: string): DockerClient {
    return this.clients.get(endpoint) ?? this.make(endpoint);
  }

  /** GET /system/df now, with a progress indicator in the status bar; rejects with the engine's error. */
  readUsage(client: DockerClient): Promise<DockerDiskUsage> {
    return Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Docker: reading disk usage') }, () => client.diskUsage()),
    );
  }

  private make(setting: string): DockerClient {
    const { client, warnings } = dockerClientFor({ setting, env: this.s.env, homeDir: this.s.env.HOME || os.homedir(), platform: process.platform });
    const known = this.clients.get(client.endpoint);
    if (known) return known;
    for (const w of warnings) this.s.log.warn(`Docker: ${w}`);
    this.clients.set(client.endpoint, client);
    return client;
  }
}
