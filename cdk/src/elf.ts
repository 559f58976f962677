// The architecture a bootstrap was built for, read from its ELF header, in
// a code folder or a function zip (so an x86-64 binary never ships in an
// arm64 function unnoticed).
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { SlsrtArch } from './arch';

const MACHINES: Record<number, SlsrtArch> = { 0x3e: 'x86_64', 0xb7: 'arm64' };

/** The architecture of an ELF image's first bytes; undefined when not ELF (a script). */
export function elfArch(head: Buffer): SlsrtArch | string | undefined {
  if (head.length < 20 || head.readUInt32BE(0) !== 0x7f454c46) return undefined;
  const machine = head[5] === 2 ? head.readUInt16BE(18) : head.readUInt16LE(18);
  return MACHINES[machine] ?? `ELF machine ${machine}`;
}

/** The named entry's bytes from a zip file (stored or deflated); undefined when absent. */
export function zipEntry(zip: Buffer, name: string): Buffer | undefined {
  // The end-of-central-directory record is in the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file');
  let at = zip.readUInt32LE(eocd + 16);
  const entries = zip.readUInt16LE(eocd + 10);
  for (let n = 0; n < entries; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('a damaged zip directory');
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLen = zip.readUInt16LE(at + 28);
    const extraLen = zip.readUInt16LE(at + 30);
    const commentLen = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    if (zip.toString('utf8', at + 46, at + 46 + nameLen) === name) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + size);
      if (method === 0) return data;
      if (method === 8) return zlib.inflateRawSync(data);
      throw new Error(`zip compression method ${method} is not supported`);
    }
    at += 46 + nameLen + extraLen + commentLen;
  }
  return undefined;
}

/** The architecture of the bootstrap in `code` (a folder or a zip); undefined when it is no ELF binary. */
export function bootstrapArch(code: string): SlsrtArch | string | undefined {
  if (fs.statSync(code).isDirectory()) {
    const fd = fs.openSync(path.join(code, 'bootstrap'), 'r');
    try {
      const head = Buffer.alloc(20);
      return elfArch(head.subarray(0, fs.readSync(fd, head, 0, 20, 0)));
    } finally {
      fs.closeSync(fd);
    }
  }
  const bootstrap = zipEntry(fs.readFileSync(code), 'bootstrap');
  if (!bootstrap) throw new Error(`slsrt: ${code} holds no bootstrap at its root`);
  return elfArch(bootstrap);
}
