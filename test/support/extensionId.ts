// The extension's id as VS Code knows it (`<publisher>.<name>` of package.json).
import * as fs from 'fs';
import * as path from 'path';

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { publisher: string; name: string };

export const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;
