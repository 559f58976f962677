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

/** The first bytes of a 64-bit little-endian ELF executable for `arch`. */
function elfHeader(arch) {
  const h = Buffer.alloc(64);
  h.writeUInt32BE(0x7f454c46, 0);
  h[4] = 2; // 64-bit
  h[5] = 1; // little-endian
  h[6] = 1;
  h.writeUInt16LE(2, 16); // ET_EXEC
  h.writeUInt16LE(arch === 'arm64' ? 0xb7 : 0x3e, 18);
  return h;
}

/** A directory holding a bootstrap (what `make` leaves in build/examples/<name>/):
 * a script, or an ELF header for `arch`. */
function functionDir(name = 'fn', arch) {
  const dir = fs.mkdtempSync(path.join(scratch, `${name}-`));
  fs.writeFileSync(path.join(dir, 'bootstrap'), arch ? elfHeader(arch) : '#!/bin/sh\n', { mode: 0o755 });
  return dir;
}

/** function.zip of such a directory (deflated, as `zip` does). */
function functionZip(name, arch) {
  const dir = functionDir(name, arch);
  const zip = path.join(dir, 'function.zip');
  execFileSync('zip', ['-q', zip, 'bootstrap'], { cwd: dir });
  return zip;
}

function writeJson(name, value) {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, JSON.stringify(value));
  return file;
}

module.exports = { layerZip, functionDir, functionZip, writeJson, scratch };
