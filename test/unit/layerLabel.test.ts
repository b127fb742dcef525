// Layer labels from `created_by` strings as the engine reports them (GET /images/{id}/history):
// the legacy builder's `/bin/sh -c #(nop) …` and `|N ARG=… /bin/sh -c …`, and BuildKit's `… # buildkit`.
import * as assert from 'node:assert/strict';
import { LAYER_LABEL_MAX, shortInstruction } from '../../src/core/categories/docker/layerLabel';

const HASH = '3c74e7e08cbf9a876394ed9d1c2ff0ab7c3b0a76b8fd3d4f7d0a4c5fb4f4cf3a';

describe('shortInstruction (layer labels)', () => {
  it('legacy COPY/ADD: the hash goes, a long destination is shown by its last part', () => {
    assert.equal(shortInstruction(`/bin/sh -c #(nop) COPY file:${HASH} in /opt/app/model.safetensors `), 'COPY …/model.safetensors');
    assert.equal(shortInstruction(`/bin/sh -c #(nop) COPY dir:${HASH} in /x `), 'COPY /x');
    assert.equal(shortInstruction(`/bin/sh -c #(nop) COPY multi:${HASH} in /usr/local/lib/python3.11/ `), 'COPY …/python3.11/');
    assert.equal(shortInstruction(`/bin/sh -c #(nop) ADD file:${HASH} in / `), 'ADD … / (base image)');
    // The folder stays when short: two copies of one file in two folders read apart.
    assert.equal(shortInstruction(`/bin/sh -c #(nop) COPY file:${HASH} in /srv/one/same.dat `), 'COPY …/one/same.dat');
    assert.equal(shortInstruction(`/bin/sh -c #(nop) COPY file:${HASH} in /data/data.bin `), 'COPY …/data.bin');
  });

  it('legacy RUN: the shell and the build args go', () => {
    assert.equal(shortInstruction('/bin/sh -c pip install torch'), 'RUN pip install torch');
    assert.equal(shortInstruction('|2 PYTHON=3.11 CUDA=12.1 /bin/sh -c make install'), 'RUN make install');
    assert.equal(shortInstruction('/bin/sh -c set -eux;   apt-get update'), 'RUN apt-get update');
  });

  it('BuildKit: the "# buildkit" suffix, the shell and the build args go', () => {
    assert.equal(shortInstruction('RUN /bin/sh -c apt-get update # buildkit'), 'RUN apt-get update');
    assert.equal(shortInstruction('RUN |1 TORCH=2.3.1 /bin/sh -c pip install torch==$TORCH # buildkit'), 'RUN pip install torch==$TORCH');
    assert.equal(shortInstruction('RUN /bin/bash -o pipefail -c set -ex && wget -q x # buildkit'), 'RUN wget -q x');
    assert.equal(shortInstruction('COPY model.safetensors /opt/app/ # buildkit'), 'COPY …/model.safetensors');
    assert.equal(shortInstruction('COPY --chown=1000:1000 . /workspace # buildkit'), 'COPY /workspace');
    assert.equal(shortInstruction('COPY --from=builder /opt/conda /opt/conda # buildkit'), 'COPY --from=builder /opt/conda');
    assert.equal(shortInstruction('COPY requirements.txt setup.py /app/ # buildkit'), 'COPY /app/');
    assert.equal(shortInstruction('WORKDIR /app # buildkit'), 'WORKDIR /app');
    assert.equal(shortInstruction('COPY train.py /workspace/ # buildkit'), 'COPY …/train.py');
  });

  it('an image from `docker import` has no instruction', () => {
    assert.equal(shortInstruction(''), '(imported filesystem)');
  });

  it('a long command is cut to fit the side bar, ending in "…"', () => {
    const label = shortInstruction('/bin/sh -c pip install --no-cache-dir torch==2.3.1 torchvision transformers accelerate');
    assert.equal(label.length, LAYER_LABEL_MAX);
    assert.ok(label.startsWith('RUN pip install --no-cache'), label);
    assert.ok(label.endsWith('…'), label);
    assert.equal(shortInstruction('x'.repeat(200), 80).length, 80);
  });
});
