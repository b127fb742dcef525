// The peer for the Hugging Face case of `npm run bench`: @huggingface/hub's scanCacheDir on a hub
// cache folder. Prints its total size (apparent bytes of the blobs it found) as JSON.
//   node bench/hfScanCacheDir.mjs HUB_DIR
import { scanCacheDir } from '@huggingface/hub';

const info = await scanCacheDir(process.argv[2]);
process.stdout.write(JSON.stringify({ apparentBytes: info.size, repos: info.repos.length }) + '\n');
