// A local stand-in for the AWS services the tests and `make run` call:
// SSM GetParameter, Secrets Manager GetSecretValue, DynamoDB GetItem and
// PutItem, SES v2 SendEmail (REST-JSON: POST /v2/email/outbound-emails),
// AppConfig Data (StartConfigurationSession, GetLatestConfiguration: the
// documents of "appconfig", {"app/env/profile": document}), the AppConfig
// Lambda extension's unsigned GET /applications/A/environments/E/configurations/P,
// and a container credentials endpoint.  Every request's SigV4
// signature is checked with an independent signer (@smithy/signature-v4)
// and a bad one is refused the way AWS refuses it.
//
//   node fake-aws.js [seed.json]    prints "listening <port>" when ready
//
// seed.json: {"credentials": {"<access key>": {"secret": "...", "token": "..."}},
//             "parameters": {"/name": "value"}, "secrets": {"id": "value"},
//             "tables": {"name": {"<id>": {<item>}}}, "container_token": "..."}
// Test control: POST /__control {"throttle": N (answer the next N calls with
// ThrottlingException), "fail": N (HTTP 500), "creds_ttl_s": N (Expiration of
// the credentials /creds issues), "expire_after": N (the key that signs the
// Nth call from now expires: that call and later ones get
// ExpiredTokenException), "retry_after": S (throttled calls get 429 with
// Retry-After: S), "delay_ms": N (signed calls are answered N ms late),
// "truncate": N (the next N calls get half a body, then the connection
// drops), "reflect": N (the next N calls fail with an error that echoes
// the request's Authorization and token), "creds_delay_ms": N (the
// credentials endpoint answers N ms late)}; GET /__stats (with "gaps_ms":
// the time between consecutive signed calls).
'use strict';
const http = require('http');
const fs = require('fs');
const { SignatureV4 } = require('@smithy/signature-v4');
const { HttpRequest } = require('@smithy/protocol-http');
const { Sha256 } = require('@aws-crypto/sha256-js');
const { toDate } = require('./smithy-sign');

const seed = process.argv[2] ? JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) : {};
const creds = { ...(seed.credentials || {}) }; // access key -> {secret, token, expired}
const parameters = seed.parameters || {};
const secrets = seed.secrets || {};
const tables = seed.tables || {};
const appconfig = seed.appconfig || {};
const sessions = {}; // configuration token -> {key, version seen}
let appconfigVersion = 1;
let tokenSeq = 0;
const control = { throttle: 0, fail: 0, creds_ttl_s: 3600, expire_after: 0, retry_after: 0, delay_ms: 0, truncate: 0,
  reflect: 0, creds_delay_ms: 0 };
const stats = { connections: 0, requests: 0, rejected: 0, expired: 0, creds_fetches: 0, throttled: 0, failed: 0, targets: {}, keys: {}, last_trace: null, gaps_ms: [], emails: [] };
let lastSigned = 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let issued = 0;

function send(res, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/x-amz-json-1.1', 'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': `req-${stats.requests}`, ...headers,
  });
  res.end(text);
}

const awsError = (res, status, type, message) => send(res, status, { __type: type, message });

function parseAuthorization(h) {
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(h || '');
  return m && { accessKey: m[1], date: m[2], region: m[3], service: m[4], signedHeaders: m[5].split(';'), signature: m[6] };
}

function queryOf(search) {
  const query = {};
  for (const [k, v] of new URLSearchParams(search.replace(/\+/g, '%2B'))) {
    query[k] = k in query ? [].concat(query[k], v) : v;
  }
  return query;
}

// Sign the request as received, with the secret we know, and compare.
async function signatureMatches(req, body, auth, secret, token) {
  // The path exactly as sent: URL() would resolve its dot segments.
  const q = req.url.indexOf('?');
  const headers = {};
  for (const name of auth.signedHeaders) headers[name] = req.headers[name] ?? '';
  const signingDate = toDate(req.headers['x-amz-date']);
  if (!signingDate) return false;
  const signer = new SignatureV4({
    service: auth.service, region: auth.region, sha256: Sha256, uriEscapePath: auth.service !== 's3',
    applyChecksum: false, credentials: { accessKeyId: auth.accessKey, secretAccessKey: secret, sessionToken: token },
  });
  const request = new HttpRequest({
    method: req.method, hostname: 'x', path: q < 0 ? req.url : req.url.slice(0, q), query: queryOf(q < 0 ? '' : req.url.slice(q + 1)), headers, body,
  });
  const signed = await signer.sign(request, { signingDate });
  return signed.headers.authorization.endsWith(`Signature=${auth.signature}`);
}

const operations = {
  'AmazonSSM.GetParameter': ['application/x-amz-json-1.1', (input) => {
    if (!(input.Name in parameters)) return [400, { __type: 'ParameterNotFound', message: `Parameter ${input.Name} not found.` }];
    return [200, { Parameter: { Name: input.Name, Type: input.WithDecryption ? 'SecureString' : 'String', Value: parameters[input.Name], Version: 1 } }];
  }],
  'secretsmanager.GetSecretValue': ['application/x-amz-json-1.1', (input) => {
    if (!(input.SecretId in secrets)) return [400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." }];
    return [200, { Name: input.SecretId, SecretString: secrets[input.SecretId], VersionId: 'v1' }];
  }],
  'DynamoDB_20120810.GetItem': ['application/x-amz-json-1.0', (input) => {
    const table = tables[input.TableName];
    if (!table) return [400, { __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException', message: 'Requested resource not found' }];
    const id = Object.values(input.Key || {})[0];
    const item = id && table[Object.values(id)[0]];
    return [200, item ? { Item: item } : {}];
  }],
  'DynamoDB_20120810.PutItem': ['application/x-amz-json-1.0', (input) => {
    const table = tables[input.TableName];
    if (!table) return [400, { __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException', message: 'Requested resource not found' }];
    const id = Object.values(input.Item.id || {})[0];
    table[id] = input.Item;
    return [200, {}];
  }],
};

async function issueCredentials(req, res) {
  if (control.creds_delay_ms) {
    await sleep(control.creds_delay_ms);
    if (req.socket.destroyed) return undefined;
  }
  if (seed.container_token && req.headers.authorization !== seed.container_token) return send(res, 401, { message: 'bad token' });
  stats.creds_fetches++;
  issued++;
  const accessKey = `ASIAFAKECONTAINER${String(issued).padStart(3, '0')}`;
  creds[accessKey] = { secret: `container/secret+${issued}`, token: `container-token-${issued}` };
  const expiration = new Date(Date.now() + control.creds_ttl_s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return send(res, 200, { AccessKeyId: accessKey, SecretAccessKey: creds[accessKey].secret, Token: creds[accessKey].token, Expiration: expiration }, { 'Content-Type': 'application/json' });
}

// SES v2 SendEmail: what SES itself refuses (no sender, no recipient, no
// subject or body) is refused the same way; the rest is kept in stats.emails.
function sendEmail(res, body) {
  const json = (status, doc) => send(res, status, doc, { 'Content-Type': 'application/json',
    ...(status === 400 ? { 'x-amzn-ErrorType': 'BadRequestException' } : {}) });
  let e;
  try {
    e = JSON.parse(body);
  } catch {
    return json(400, { message: 'the body is not JSON' });
  }
  const simple = e.Content && e.Content.Simple;
  const to = (e.Destination && e.Destination.ToAddresses) || [];
  if (!e.FromEmailAddress || !to.length || !simple || !simple.Subject || !simple.Subject.Data ||
      !(simple.Body && (simple.Body.Text || simple.Body.Html)))
    return json(400, { message: 'Missing required parameter: FromEmailAddress, Destination or Content' });
  const id = `local-${stats.emails.length + 1}`;
  stats.emails.push({ id, from: e.FromEmailAddress, to, subject: simple.Subject.Data,
    text: simple.Body.Text ? simple.Body.Text.Data : null });
  return json(200, { MessageId: id });
}

async function handle(req, res, body) {
  const path = new URL(req.url, 'http://x').pathname;
  if (path === '/__stats') return send(res, 200, stats);
  if (path === '/__control') {
    const c = JSON.parse(body || '{}');
    if (c.appconfig) {
      Object.assign(appconfig, c.appconfig);
      appconfigVersion++;
      delete c.appconfig;
    }
    Object.assign(control, c);
    return send(res, 200, control);
  }
  const ext = /^\/applications\/([^/]+)\/environments\/([^/]+)\/configurations\/([^/]+)$/.exec(path);
  if (ext && req.method === 'GET') { // the extension: unsigned, on localhost
    stats.extension = (stats.extension || 0) + 1;
    const doc = appconfig[`${ext[1]}/${ext[2]}/${ext[3]}`];
    if (!doc) return awsError(res, 404, 'ResourceNotFoundException', 'no such configuration');
    return send(res, 200, doc, { 'Content-Type': 'application/json' });
  }
  if (path === '/creds') return issueCredentials(req, res);

  stats.requests++;
  const auth = parseAuthorization(req.headers.authorization);
  if (!auth) return awsError(res, 403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  const known = creds[auth.accessKey];
  if (!known || (known.token || '') !== (req.headers['x-amz-security-token'] || '')) {
    stats.rejected++;
    return awsError(res, 403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  if (control.expire_after > 0 && --control.expire_after === 0) known.expired = true;
  if (known.expired) {
    stats.expired++;
    return awsError(res, 400, 'ExpiredTokenException', 'The security token included in the request is expired');
  }
  if (!(await signatureMatches(req, body, auth, known.secret, known.token))) {
    stats.rejected++;
    return awsError(res, 403, 'InvalidSignatureException', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.');
  }
  const target = req.headers['x-amz-target'];
  const now = Date.now();
  if (lastSigned) stats.gaps_ms.push(now - lastSigned);
  lastSigned = now;
  if (control.delay_ms) {
    await sleep(control.delay_ms);
    if (req.socket.destroyed) return undefined; /* the caller gave up: take no later control's turn */
  }
  if (control.reflect > 0) {
    control.reflect--;
    const echo = `${req.headers.authorization} ${req.headers['x-amz-security-token']}`;
    return awsError(res, 500, req.headers['x-amz-security-token'], `InternalFailure: cannot parse ${echo}`);
  }
  if (control.truncate > 0) {
    control.truncate--;
    res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.0', 'Content-Length': 400 });
    res.write('{"Item":{"id":{"S":"o-1"},"total"');
    return setTimeout(() => res.socket.destroy(), 20);
  }
  stats.targets[target] = (stats.targets[target] || 0) + 1;
  stats.keys[auth.accessKey] = (stats.keys[auth.accessKey] || 0) + 1;
  stats.last_trace = req.headers['x-amzn-trace-id'] || null;
  if (control.throttle > 0) {
    control.throttle--;
    stats.throttled++;
    if (control.retry_after)
      return send(res, 429, { __type: 'TooManyRequestsException', message: 'Slow down' }, { 'Retry-After': String(control.retry_after) });
    return awsError(res, 400, 'ThrottlingException', 'Rate exceeded');
  }
  if (control.fail > 0) {
    control.fail--;
    stats.failed++;
    return awsError(res, 500, 'InternalServerError', 'Internal server error');
  }
  if (req.method === 'POST' && req.url === '/v2/email/outbound-emails' && auth.service === 'ses') return sendEmail(res, body);
  if (auth.service === 'appconfig') return appConfigData(req, res, path, body);
  const op = operations[target];
  if (!op) return awsError(res, 400, 'UnknownOperationException', `unknown operation ${target}`);
  if (req.headers['content-type'] !== op[0]) return awsError(res, 400, 'SerializationException', `expected Content-Type ${op[0]}`);
  let input;
  try {
    input = JSON.parse(body);
  } catch {
    return awsError(res, 400, 'SerializationException', 'the body is not JSON');
  }
  const [status, out] = op[1](input);
  return send(res, status, out, { 'Content-Type': op[0] });
}

// AppConfig Data: a session's token changes on every poll; a poll after which
// nothing changed answers an empty body, as the service does.
function appConfigData(req, res, path, body) {
  if (req.method === 'POST' && path === '/configurationsessions') {
    const input = JSON.parse(body || '{}');
    const key = `${input.ApplicationIdentifier}/${input.EnvironmentIdentifier}/${input.ConfigurationProfileIdentifier}`;
    if (!appconfig[key]) return awsError(res, 404, 'ResourceNotFoundException', `no configuration ${key}`);
    const token = `tok-${++tokenSeq}`;
    sessions[token] = { key, seen: 0, interval: input.RequiredMinimumPollIntervalInSeconds || 60 };
    stats.appconfig_sessions = (stats.appconfig_sessions || 0) + 1;
    return send(res, 201, { InitialConfigurationToken: token }, { 'Content-Type': 'application/json' });
  }
  if (req.method === 'GET' && path === '/configuration') {
    const token = new URL(req.url, 'http://x').searchParams.get('configuration_token');
    const session = sessions[token];
    if (!session) return awsError(res, 400, 'BadRequestException', 'the configuration token is not valid (tokens are single use)');
    delete sessions[token];
    const next = `tok-${++tokenSeq}`;
    sessions[next] = { ...session, seen: appconfigVersion };
    stats.appconfig_polls = (stats.appconfig_polls || 0) + 1;
    const text = session.seen === appconfigVersion ? '' : JSON.stringify(appconfig[session.key]);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text),
      'Next-Poll-Configuration-Token': next, 'Next-Poll-Interval-In-Seconds': String(session.interval) });
    return res.end(text);
  }
  return awsError(res, 404, 'UnknownOperationException', `AppConfig Data has no ${req.method} ${path}`);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((e) => send(res, 500, { message: String(e) })));
});
server.on('connection', () => stats.connections++);
server.keepAliveTimeout = 60000;
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
