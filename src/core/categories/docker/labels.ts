// How Docker objects are named to the user, the same in the tree, confirmations and summaries.

import { formatCount } from '../../format';
import type { DockerImage } from './types';

/** First 12 hex digits of an id, as the docker CLI shows it. */
export function shortDockerId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/** `repo:tag`, `repo:tag (+2 tags)`, or `<none> (abc123def456)` for a dangling image. */
export function imageLabelOf(image: DockerImage): string {
  if (image.dangling) return `<none> (${shortDockerId(image.id)})`;
  return image.tags.length > 1 ? `${image.tags[0]} (+${formatCount(image.tags.length - 1, 'tag')})` : image.tags[0];
}
