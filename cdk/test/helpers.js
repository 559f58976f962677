// Zips and bootstraps the tests build for themselves (real zip files, small).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'slsrt-cdk-'));

/** A layer zip for `version` and `arch` holding `content` as lib/libslsrt.so.1. */
function layerZip(version, arch, content = `libslsrt ${version} ${arch}`) {
  const dir = fs.mkdtempSync(path.join(scratch, 'layer-'));
  fs.mkdirSync(path.join(dir, 'lib'));
  fs.writeFileSync(path.join(dir, 'lib', 'libslsrt.so.1'), content);
  const zip = path.join(dir, `slsrt-${version}-${arch}.zip`);
  execFileSync('zip', ['-q', '-r', zip, 'lib'], { cwd: dir });
  return zip;
}

/** A directory holding a bootstrap (what `make` leaves in build/examples/<name>/). */
function functionDir(name = 'fn') {
  const dir = fs.mkdtempSync(path.join(scratch, `${name}-`));
  fs.writeFileSync(path.join(dir, 'bootstrap'), '#!/bin/sh\n', { mode: 0o755 });
  return dir;
}

function writeJson(name, value) {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, JSON.stringify(value));
  return file;
}

module.exports = { layerZip, functionDir, writeJson, scratch };
