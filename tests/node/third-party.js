// Independent AWS service implementations, started on loopback for the
// tests: dynalite (DynamoDB) and s3rver (S3).  Neither checks SigV4
// signatures (tests/node/recorder.js does that); they prove the services'
// semantics: conditional writes, listings, keys as S3 stores them.
//
//   node third-party.js dynalite        prints "listening <port>"
//   node third-party.js s3rver          (bucket "bkt", in a folder removed on exit)
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const which = process.argv[2];

if (which === 'dynalite') {
  const server = require('dynalite')({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
} else if (which === 's3rver') {
  const S3rver = require('s3rver');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slsrt-s3rver-'));
  const clean = () => fs.rmSync(dir, { recursive: true, force: true });
  process.on('exit', clean);
  for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
  new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: 'bkt' }] })
    .run((err, address) => {
      if (err) throw err;
      console.log(`listening ${address.port}`);
    });
} else {
  console.error('usage: third-party.js dynalite | s3rver');
  process.exit(2);
}
