// Writes tests/sigv4/<name>.json: a request in slsrt-sign's input form and
// what @smithy/signature-v4 makes of it.  Run it again after changing a
// case (NODE_PATH=$(scripts/install-node-deps build) node tests/node/make-cases.js).
'use strict';
const fs = require('fs');
const path = require('path');
const { smithySign } = require('./smithy-sign');

const base = {
  method: 'GET', host: 'example.amazonaws.com', path: '/', query: [], headers: [],
  region: 'eu-west-1', service: 'service', access_key: 'AKIDSLSRTCASES',
  secret_key: 'slsrt/cases+secret/0123456789abcdefghij', timestamp: '20261121T090000Z',
};
const cases = {
  'dynamodb-getitem': {
    method: 'POST', host: 'dynamodb.eu-west-1.amazonaws.com', service: 'dynamodb',
    headers: [['Content-Type', 'application/x-amz-json-1.0'], ['X-Amz-Target', 'DynamoDB_20120810.GetItem']],
    body: '{"TableName":"orders","Key":{"id":{"S":"o-1"}}}',
    token: 'IQoJb3JpZ2luX2VjEXAMPLE//token+with/slashes==',
  },
  'ssm-getparameter-with-trace': {
    method: 'POST', host: 'ssm.eu-west-1.amazonaws.com', service: 'ssm',
    headers: [['Content-Type', 'application/x-amz-json-1.1'], ['X-Amz-Target', 'AmazonSSM.GetParameter'],
      ['X-Amzn-Trace-Id', 'Root=1-6740a0b0-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1'],
      ['User-Agent', 'slsrt/1.6.0'], ['Expect', '100-continue']],
    body: '{"Name":"/app/table","WithDecryption":true}',
  },
  's3-put-unsigned-payload': {
    method: 'PUT', host: 'bucket.s3.eu-west-1.amazonaws.com', service: 's3', s3: true, unsigned_payload: true,
    path: '/photos/2026/a%20b+c%21.jpg', headers: [['Content-Type', 'image/jpeg']],
  },
  's3-get-path-as-sent': {
    host: 'bucket.s3.eu-west-1.amazonaws.com', service: 's3', s3: true,
    path: '/a//b/../c/./%E1%88%B4', query: [['versionId', 'v1']],
  },
  's3-presigned-get': {
    host: 'bucket.s3.eu-west-1.amazonaws.com', service: 's3', s3: true, path: '/report.csv',
    presign_expires: 900, token: 'FwoGZXIvYXdzEXAMPLE/token=',
  },
  'presigned-with-query-and-header': {
    path: '/a/b', presign_expires: 3600, query: [['list-type', '2'], ['prefix', 'x y/z']],
    headers: [['X-Custom', ' v ']],
  },
  'repeated-query-keys-and-headers': {
    path: '/items', query: [['tag', 'b'], ['tag', 'a'], ['Tag', 'c'], ['empty', ''], ['ሴ', '=&?/']],
    headers: [['My-Header', 'two'], ['my-header', 'one'], ['X-Spaced', '  a   b \t c  ']],
  },
  'path-double-encoded-and-normalized': {
    path: '/foo/./bar/../baz//%41%2Fq%20r/ሴ/', query: [['a', 'b c'], ['a', 'b+c']],
  },
  'folded-header-value': {
    method: 'POST', path: '/', headers: [['X-Folded', 'value1\n  value2\n\tvalue3']], body: 'Action=List&Version=1',
  },
};

(async () => {
  const dir = path.join(__dirname, '..', 'sigv4');
  for (const [name, c] of Object.entries(cases)) {
    const request = { ...base, ...c };
    const expect = await smithySign(request);
    fs.writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify({ request, expect }, null, 2)}\n`);
  }
  console.log(`wrote ${Object.keys(cases).length} cases to ${dir}`);
})();
