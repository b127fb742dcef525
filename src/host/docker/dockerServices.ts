// The Docker parts of the host, one set per activation: engine clients and image analyses (with
// their caches). Commands and the tree provider reach them from the services object they share.
import type { HostServices } from '../services';
import { DockerEngines } from './engines';
import { ImageAnalyses } from './imageAnalyses';

export interface DockerServices {
  engines: DockerEngines;
  analyses: ImageAnalyses;
}

const byServices = new WeakMap<HostServices, DockerServices>();

export function dockerServices(s: HostServices): DockerServices {
  let d = byServices.get(s);
  if (!d) {
    d = { engines: new DockerEngines(s), analyses: new ImageAnalyses(s.log) };
    byServices.set(s, d);
  }
  return d;
}
