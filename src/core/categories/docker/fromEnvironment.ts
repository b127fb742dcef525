// The Docker client for a scan: endpoint from the setting, DOCKER_HOST, the docker context or
// the default socket (see connection.ts), and the category scanner that uses it.
import type { DockerClient } from './client';
import { resolveDockerEndpoint } from './connection';
import { createDockerodeClient } from './dockerodeClient';
import { scanDocker, DOCKER_CATEGORY_ID, DOCKER_CATEGORY_LABEL } from './category';
import type { CategoryScanner } from '../../scan/types';

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

export const dockerScanner: CategoryScanner = {
  id: DOCKER_CATEGORY_ID,
  label: DOCKER_CATEGORY_LABEL,
  order: 90,
  async scan(ctx) {
    if (!ctx.settings.docker) return undefined;
    ctx.progress('Docker');
    const { client, warnings } = dockerClientFor({ setting: ctx.settings.dockerHost, env: ctx.env, homeDir: ctx.homeDir, platform: ctx.platform });
    for (const message of warnings) ctx.warn({ message, category: DOCKER_CATEGORY_ID });
    // Docker's bytes live in its own data root, never under a workspace folder: nothing to claim.
    return { category: await scanDocker(client, ctx.signal, ctx.now) };
  },
};
