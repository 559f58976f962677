// The recording server of the wire tests: every request that arrives is
// checked from the bytes received — the request line as sent, the raw
// header lines, the body — with an independent signer
// (@smithy/signature-v4), never from what slsrt says it sent.
//
//   node recorder.js CREDENTIALS.json    prints "listening <port>" when ready
//
// CREDENTIALS.json: {"<access key>": {"secret": "...", "token": "..."}}
// Each answer is 200 with what arrived ({"method", "path", "query",
// "headers": [[name, value]...], "body_sha256", "mode"}) when the signature
// verifies, else 403 {"__type": "SignatureDoesNotMatch", "message": why,
// "canonical": smithy's canonical request}.  GET /__stats: {"verified",
// "mismatched", "by_mode"}.
'use strict';
const http = require('http');
const fs = require('fs');
const crypto = require('crypto');
const { SignatureV4 } = require('@smithy/signature-v4');
const { HttpRequest } = require('@smithy/protocol-http');
const { Sha256 } = require('@aws-crypto/sha256-js');
const { toDate } = require('./smithy-sign');

const creds = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const stats = { verified: 0, mismatched: 0, by_mode: {} };

// Headers that may arrive unsigned: HTTP plumbing and the trace header.
const MAY_BE_UNSIGNED = new Set(['user-agent', 'accept', 'accept-encoding', 'content-length', 'expect',
  'transfer-encoding', 'connection', 'x-amzn-trace-id']);
const S3_FAMILY = new Set(['s3', 's3-object-lambda', 's3-outposts', 's3express']);
const PRESIGN_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires',
  'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Security-Token'];

// SigV4's value rule: trimmed, runs of blanks made one space.
const canonicalValue = (v) => v.replace(/[ \t]+/g, ' ').replace(/^ | $/g, '');

/** The raw query as pairs, decoded the way SigV4 reads them ('+' is a plus). */
function queryPairs(raw) {
  if (!raw) return [];
  return raw.split('&').filter((p) => p !== '').map((p) => {
    const eq = p.indexOf('=');
    const dec = (s) => decodeURIComponent(s);
    return eq < 0 ? [dec(p), ''] : [dec(p.slice(0, eq)), dec(p.slice(eq + 1))];
  });
}

function queryMap(pairs) {
  const out = {};
  for (const [k, v] of pairs) out[k] = k in out ? [].concat(out[k], v) : v;
  return out;
}

/** Header lines as received, grouped by lower-case name, in order. */
function headerGroups(raw) {
  const groups = new Map();
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (!groups.has(name)) groups.set(name, []);
    groups.get(name).push(raw[i + 1]);
  }
  return groups;
}

function parseCredential(text) {
  const m = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/.exec(text || '');
  return m && { accessKey: m[1], region: m[3], service: m[4] };
}

async function verify(req, body) {
  const raw = req.url;
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  let pairs;
  try {
    pairs = queryPairs(q < 0 ? '' : raw.slice(q + 1));
  } catch {
    return { why: 'the query is not valid percent-encoding' };
  }
  const groups = headerGroups(req.rawHeaders);
  const presigned = pairs.some(([k]) => k === 'X-Amz-Signature');
  let auth;
  if (presigned) {
    const get = (k) => (pairs.find(([n]) => n === k) || [])[1];
    auth = { ...parseCredential(get('X-Amz-Credential')), signedHeaders: (get('X-Amz-SignedHeaders') || '').split(';'),
      signature: get('X-Amz-Signature'), date: get('X-Amz-Date'), expires: Number(get('X-Amz-Expires')),
      token: get('X-Amz-Security-Token') };
  } else {
    const h = (groups.get('authorization') || [])[0];
    const m = /^AWS4-HMAC-SHA256 Credential=(\S+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(h || '');
    if (!m) return { why: `no usable Authorization header: ${h === undefined ? 'none' : 'malformed'}` };
    auth = { ...parseCredential(m[1]), signedHeaders: m[2].split(';'), signature: m[3],
      date: (groups.get('x-amz-date') || [])[0], token: (groups.get('x-amz-security-token') || [])[0] };
  }
  if (!auth.accessKey) return { why: 'the credential scope is malformed' };
  const known = creds[auth.accessKey];
  if (!known) return { why: `unknown access key ${auth.accessKey}` };
  if ((known.token || undefined) !== (auth.token || undefined)) return { why: 'the session token is not the one issued' };
  const signingDate = toDate(auth.date);
  if (!signingDate) return { why: 'no X-Amz-Date' };

  // Every header that arrived is signed, save plumbing; every signed one arrived.
  const signed = new Set(auth.signedHeaders);
  for (const name of groups.keys()) {
    if (!signed.has(name) && !MAY_BE_UNSIGNED.has(name) && !(name === 'authorization' && !presigned))
      return { why: `header ${name} arrived but was not signed` };
  }
  const headers = {};
  for (const name of auth.signedHeaders) {
    if (!groups.has(name)) return { why: `header ${name} was signed but did not arrive` };
    headers[name] = groups.get(name).map(canonicalValue).join(',');
  }
  const s3 = S3_FAMILY.has(auth.service);
  const declared = headers['x-amz-content-sha256'];
  const bodyHash = crypto.createHash('sha256').update(body).digest('hex');
  if (declared && declared !== 'UNSIGNED-PAYLOAD' && declared !== bodyHash)
    return { why: 'x-amz-content-sha256 is not the hash of the body that arrived' };

  const signer = new SignatureV4({
    service: auth.service, region: auth.region, sha256: Sha256, uriEscapePath: !s3, applyChecksum: false,
    credentials: { accessKeyId: auth.accessKey, secretAccessKey: known.secret, sessionToken: known.token },
  });
  let canonical;
  const orig = signer.createCanonicalRequest.bind(signer);
  signer.createCanonicalRequest = (...a) => (canonical = orig(...a));
  let got;
  if (presigned) {
    const query = queryMap(pairs.filter(([k]) => !PRESIGN_PARAMS.includes(k)));
    // A presigned S3 URL signs UNSIGNED-PAYLOAD: smithy does for a body it cannot hash.
    const request = new HttpRequest({ method: req.method, hostname: headers.host, path, query, headers,
      body: s3 ? { stream: true } : body });
    const out = await signer.presign(request, { signingDate, expiresIn: auth.expires,
      unhoistableHeaders: new Set(Object.keys(headers).filter((n) => n !== 'host')) });
    got = out.query['X-Amz-Signature'];
  } else {
    const request = new HttpRequest({ method: req.method, hostname: headers.host, path, query: queryMap(pairs),
      headers, body });
    const out = await signer.sign(request, { signingDate });
    got = /Signature=([0-9a-f]{64})/.exec(out.headers.authorization)[1];
    const names = /SignedHeaders=([^,]+)/.exec(out.headers.authorization)[1];
    if (names !== auth.signedHeaders.join(';')) return { why: `signed headers differ: ${names}`, canonical };
  }
  if (got !== auth.signature) return { why: 'the signature does not match the request that arrived', canonical };
  return { ok: true, mode: presigned ? 'presigned' : 'header', path, pairs, bodyHash };
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const body = Buffer.concat(chunks);
    const reply = (status, doc) => {
      const text = JSON.stringify(doc);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(req.method === 'HEAD' ? undefined : text);
    };
    if (req.url === '/__stats') return reply(200, stats);
    let r;
    try {
      r = await verify(req, body);
    } catch (e) {
      r = { why: `verification failed: ${e.message}` };
    }
    if (!r.ok) {
      stats.mismatched++;
      return reply(403, { __type: 'SignatureDoesNotMatch', message: r.why, canonical: r.canonical });
    }
    stats.verified++;
    stats.by_mode[r.mode] = (stats.by_mode[r.mode] || 0) + 1;
    const headers = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
    return reply(200, { mode: r.mode, method: req.method, path: r.path, query: r.pairs, headers,
      body_sha256: r.bodyHash, body_length: body.length });
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
