// The independent signer: @smithy/signature-v4 (what the AWS SDK for
// JavaScript signs with), driven by the same JSON request slsrt-sign reads.
// Returns {canonical_request, string_to_sign, signature, authorization | url}.
'use strict';
const { SignatureV4 } = require('@smithy/signature-v4');
const { HttpRequest } = require('@smithy/protocol-http');
const { Sha256 } = require('@aws-crypto/sha256-js');

/** "YYYYMMDDTHHMMSSZ" as a Date; null when it is not one. */
function toDate(ts) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(ts || '');
  return m && new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
}

// smithy keeps headers and the query in maps.  Repeated header names are
// joined here the way SigV4 says: each value trimmed (as smithy trims one),
// then joined with ','.  Repeated query names become arrays.
const trimValue = (v) => v.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').replace(/^ | $/g, '');

function headerMap(pairs, host) {
  const out = {};
  const names = {};
  for (const [name, value] of pairs || []) {
    const key = names[name.toLowerCase()] || (names[name.toLowerCase()] = name);
    out[key] = key in out ? `${trimValue(out[key])},${trimValue(value)}` : value;
  }
  if (!('host' in names)) out.host = host;
  return out;
}

function queryMap(pairs) {
  const out = {};
  for (const [name, value] of pairs || []) {
    if (!(name in out)) out[name] = value;
    else out[name] = [].concat(out[name], value);
  }
  return out;
}

async function smithySign(req) {
  const seen = {};
  const signer = new SignatureV4({
    service: req.service,
    region: req.region,
    sha256: Sha256,
    credentials: { accessKeyId: req.access_key, secretAccessKey: req.secret_key, sessionToken: req.token },
    uriEscapePath: !req.s3,
    applyChecksum: Boolean(req.s3 || req.unsigned_payload),
  });
  const origCanonical = signer.createCanonicalRequest.bind(signer);
  signer.createCanonicalRequest = (...a) => (seen.canonical_request = origCanonical(...a));
  const origSts = signer.createStringToSign.bind(signer);
  signer.createStringToSign = async (...a) => (seen.string_to_sign = await origSts(...a));

  const headers = headerMap(req.headers, req.host);
  if (req.unsigned_payload) headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
  let body = req.body;
  // A presigned S3 URL signs UNSIGNED-PAYLOAD: smithy does so for a body
  // it cannot hash (a stream), so hand it one.
  if (req.s3 && req.presign_expires) body = { stream: true };
  const request = new HttpRequest({
    method: req.method,
    protocol: 'https:',
    hostname: req.host,
    path: req.path,
    query: queryMap(req.query),
    headers,
    body,
  });
  const signingDate = toDate(req.timestamp);
  if (req.presign_expires) {
    const signed = await signer.presign(request, { signingDate, expiresIn: req.presign_expires });
    seen.signature = signed.query['X-Amz-Signature'];
  } else {
    const signed = await signer.sign(request, { signingDate });
    seen.authorization = signed.headers.authorization;
    seen.signature = /Signature=([0-9a-f]{64})/.exec(seen.authorization)[1];
  }
  return seen;
}

module.exports = { smithySign, toDate };
