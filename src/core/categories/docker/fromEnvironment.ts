// The Docker client for a scan: endpoint from the setting, DOCKER_HOST, the docker context or
// the default socket (see connection.ts).
import type { DockerClient } from './client';
import { resolveDockerEndpoint } from './connection';
import { createDockerodeClient } from './dockerodeClient';

export interface DockerClientRequest {
  setting?: string;
  env: Record<string, string | undefined>;
  homeDir: string;
  platform?: NodeJS.Platform;
}

export function dockerClientFor(request: DockerClientRequest): { client: DockerClient; warnings: string[] } {
  const resolved = resolveDockerEndpoint({ setting: request.setting, env: request.env, home: request.homeDir, platform: request.platform });
  const client = createDockerodeClient(resolved.endpoint, { sshAuthSock: request.env.SSH_AUTH_SOCK });
  return { client, warnings: resolved.warnings };
}
