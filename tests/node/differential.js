// The differential test: sign N generated requests with slsrt-sign and with
// @smithy/signature-v4 and report every difference (canonical request,
// string to sign, signature).  Exit 1 on any.
//   node differential.js <slsrt-sign> [count] [seed]
'use strict';
const { spawnSync } = require('child_process');
const { smithySign } = require('./smithy-sign');

const [signBin, countArg, seedArg] = process.argv.slice(2);
const count = Number(countArg || 1000);
const seed = Number(seedArg || process.env.SLSRT_DIFF_SEED || 20261121);

// mulberry32: a small seeded generator, so a failure can be replayed.
let state = seed >>> 0;
function rand() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rand() * a.length)];
const chance = (p) => rand() < p;
const some = (n, f) => Array.from({ length: Math.floor(rand() * (n + 1)) }, f);

const WORDS = ['a', 'items', 'Photos', 'x-y_z.~', '2026', 'key', 'ሴ', 'é', '日本', 'a b', 'Ünïcödé'];
const RESERVED_RAW = [':', '@', '!', '$', '&', "'", '(', ')', '*', '+', ',', ';', '='];
const ESCAPED = ['%20', '%2F', '%3A', '%25', '%E1%88%B4', '%41', '%7E', '%2B'];
const QCHARS = ['a', 'Z', '0', '-', '_', '.', '~', ' ', '=', '&', '+', '%', '/', '?', '#', 'ሴ', 'é', '!', '*', "'", '(', ')', ':'];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS'];
const NEVER_SIGNED = ['User-Agent', 'X-Amzn-Trace-Id', 'Expect', 'connection', 'Transfer-Encoding', 'proxy-x', 'sec-y'];

function segment() {
  const r = rand();
  if (r < 0.08) return '.';
  if (r < 0.14) return '..';
  if (r < 0.2) return '';
  return some(3, () => pick(chance(0.6) ? WORDS : chance(0.5) ? RESERVED_RAW : ESCAPED)).join('') || 'p';
}

function path() {
  const p = `/${some(5, segment).join('/')}`;
  return chance(0.3) ? `${p}/` : p;
}

const qstring = () => some(6, () => pick(QCHARS)).join('');

function headerName() {
  const name = some(2, () => pick(['x', 'My', 'content', 'a1', 'Z'])).concat(pick(['Header', 'type', 'ID', 'meta'])).join('-');
  return chance(0.5) ? name.toLowerCase() : name;
}

function headerValue() {
  const parts = some(3, () => pick(['v', 'a b', '"q  r"', 'x=1;y=2', '1.0', 'UPPER', '/p/a?t']));
  const sp = () => pick(['', ' ', '  ', '\t', ' \t ']);
  let v = sp() + parts.join(pick([' ', '   ', '\t', ' \t'])) + sp();
  if (chance(0.05)) v += '\n  folded';
  return v;
}

function generate() {
  const s3 = chance(0.2);
  const presign = chance(0.25) ? 1 + Math.floor(rand() * 604800) : 0;
  const method = pick(METHODS);
  const headers = some(4, () => [headerName(), headerValue()]);
  if (chance(0.3)) headers.push([pick(NEVER_SIGNED), headerValue()]);
  if (chance(0.2) && headers.length) headers.push([headers[0][0].toUpperCase(), headerValue()]);
  const query = some(4, () => [qstring(), qstring()]);
  if (chance(0.3) && query.length) query.push([query[0][0], qstring()]);
  const req = {
    method, host: pick(['example.amazonaws.com', 'bucket.s3.eu-west-1.amazonaws.com', 'localhost:4566']),
    path: path(), query, headers,
    region: pick(['us-east-1', 'eu-west-1', 'ap-southeast-2']), service: s3 ? 's3' : pick(['dynamodb', 'ssm', 'secretsmanager', 'execute-api', 'service']),
    access_key: 'AKIDDIFF' + Math.floor(rand() * 1e6), secret_key: `secret/${qstring()}+${Math.floor(rand() * 1e9)}`,
    timestamp: `2026${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}T${String(Math.floor(rand() * 24)).padStart(2, '0')}0000Z`,
  };
  if (chance(0.4)) req.token = `token/${qstring()}==`;
  if (method !== 'GET' && method !== 'HEAD' && chance(0.6)) req.body = some(20, () => pick(QCHARS)).join('');
  if (s3) req.s3 = true;
  if (s3 && !presign && chance(0.4)) req.unsigned_payload = true;
  if (presign) req.presign_expires = presign;
  return req;
}

(async () => {
  const requests = Array.from({ length: count }, generate);
  const run = spawnSync(signBin, [], { input: requests.map((r) => JSON.stringify(r)).join('\n'), maxBuffer: 1 << 28 });
  if (run.status !== 0) {
    console.error(`slsrt-sign exited ${run.status}: ${run.stderr}`);
    process.exit(1);
  }
  const ours = run.stdout.toString().trim().split('\n').map((l) => JSON.parse(l));
  let differences = 0;
  for (let i = 0; i < count; i++) {
    const theirs = await smithySign(requests[i]);
    for (const field of ['canonical_request', 'string_to_sign', 'signature']) {
      if (ours[i][field] !== theirs[field]) {
        if (differences < 5)
          console.error(`request ${i} (seed ${seed}): ${field} differs\n${JSON.stringify(requests[i])}\n--- slsrt\n${ours[i][field]}\n--- smithy\n${theirs[field]}`);
        differences++;
        break;
      }
    }
  }
  console.log(`differential: ${count} requests signed by slsrt and @smithy/signature-v4 (seed ${seed}): ${differences} differences`);
  process.exit(differences ? 1 : 0);
})();
