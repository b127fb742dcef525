// The Docker category: Images / Containers / Volumes / Build cache from the engine's own disk-usage
// report. Its plans are engine operations (dockerPlans.ts), run by their own commands, so it has
// purge ids but no file plans.
import type { CategoryDescriptor } from '../descriptor';
import { scanDocker, DOCKER_CATEGORY_ID, DOCKER_CATEGORY_LABEL } from './category';
import { DOCKER_PURGE_TARGETS } from './dockerPlans';
import { dockerClientFor } from './fromEnvironment';
import { t } from '../../l10n';

export const dockerCategory: CategoryDescriptor = {
  id: DOCKER_CATEGORY_ID,
  label: DOCKER_CATEGORY_LABEL,
  order: 90,
  icon: 'vm',
  async scan(ctx) {
    if (!ctx.settings.docker) return undefined;
    ctx.progress(t('Docker'));
    const { client, warnings } = dockerClientFor({ setting: ctx.settings.dockerHost, env: ctx.env, homeDir: ctx.homeDir, platform: ctx.platform });
    for (const message of warnings) ctx.warn({ message, category: DOCKER_CATEGORY_ID });
    // Docker's bytes live in its own data root, never under a workspace folder: nothing to claim.
    return { category: await scanDocker(client, ctx.signal, ctx.now) };
  },
  purgeIds: Object.fromEntries(Object.keys(DOCKER_PURGE_TARGETS).map((id) => [id, t('Docker: {0} (docker * prune)', id.slice('docker:'.length).replace(/-/g, ' '))])),
  kinds: {
    'docker-images': { get label() { return t('Docker images'); }, icon: 'file-binary' },
    'docker-image': { get label() { return t('Docker image'); }, icon: 'file-binary' },
    'docker-containers': { get label() { return t('Docker containers'); }, icon: 'server-process' },
    'docker-container': { get label() { return t('Docker container'); }, icon: 'server-process' },
    'docker-volumes': { get label() { return t('Docker volumes'); }, icon: 'database' },
    'docker-volume': { get label() { return t('Docker volume'); }, icon: 'database' },
    'docker-build-cache': { get label() { return t('Docker build cache'); }, icon: 'layers' },
    'docker-build-cache-type': { get label() { return t('Docker build cache'); }, icon: 'layers' },
    'docker-layer': { get label() { return t('Image layer'); }, icon: 'layers' },
    'docker-error': { get label() { return t('Docker engine error'); }, icon: 'error' },
  },
};
