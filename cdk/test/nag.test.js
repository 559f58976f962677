'use strict';
// cdk-nag's AWS Solutions rules on the example estate: nothing left
// unacknowledged, and every acknowledgement states its reason.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');
const { App, Stack, Validations } = require('aws-cdk-lib');
const apigwv2 = require('aws-cdk-lib/aws-apigatewayv2');
const { AwsSolutionsChecks } = require('cdk-nag');
const { buildEstate, libraryVersion } = require('../examples/estate/estate');
const { functionDir, layerZip, scratch } = require('./helpers');

/** A build folder shaped like `make layer` and the arm64 examples leave it. */
function fakeBuild() {
  const version = libraryVersion();
  const build = fs.mkdtempSync(path.join(scratch, 'build-'));
  for (const [arch, dir] of [['arm64', 'arm64/layer'], ['x86_64', 'layer']]) {
    fs.mkdirSync(path.join(build, dir), { recursive: true });
    fs.copyFileSync(layerZip(version, arch), path.join(build, dir, `slsrt-${version}-${arch}.zip`));
  }
  for (const name of ['http-echo', 'sqs-batch', 'order-workflow', 'payments']) {
    fs.cpSync(functionDir(name), path.join(build, 'arm64', 'examples', name), { recursive: true });
  }
  return build;
}

/** Synthesize with the checks; the validation report (synth throws when it fails). */
function synthWithNag(populate) {
  const outdir = fs.mkdtempSync(path.join(scratch, 'out-'));
  const app = new App({ outdir });
  populate(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try {
    app.synth();
  } catch (e) {
    if (!/Validation failed/.test(e.message)) throw e;
  }
  const report = path.join(outdir, 'validation-report.json');
  return fs.existsSync(report) ? JSON.parse(fs.readFileSync(report, 'utf8')) : null;
}

function violations(report) {
  if (!report) return [];
  return (report.pluginReports ?? []).flatMap((r) => r.violations ?? []);
}

test('the estate passes AwsSolutionsChecks', () => {
  const found = violations(synthWithNag((app) => buildEstate(app, { buildDir: fakeBuild() })));
  assert.deepStrictEqual(found.map((v) => `${v.ruleName}: ${v.description}`), []);
});

test('the check is live: an API without authorization is reported', () => {
  const { HttpUrlIntegration } = require('aws-cdk-lib/aws-apigatewayv2-integrations');
  const found = violations(synthWithNag((app) => {
    const stack = new Stack(app, 'Bare');
    new apigwv2.HttpApi(stack, 'Api').addRoutes({ path: '/x', integration: new HttpUrlIntegration('U', 'https://example.com') });
  }));
  assert.ok(found.some((v) => /APIG4/.test(v.ruleName)), JSON.stringify(found));
});

test('every acknowledgement states its reason', () => {
  const app = new App({ outdir: fs.mkdtempSync(path.join(scratch, 'out-')) });
  buildEstate(app, { buildDir: fakeBuild() });
  const acks = app.node.findAll().flatMap((c) => c.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.entries(m.data)));
  const ids = acks.map(([id]) => id).join(' ');
  for (const rule of ['AwsSolutions-IAM5', 'AwsSolutions-SQS3', 'AwsSolutions-APIG4']) assert.match(ids, new RegExp(rule));
  for (const [id, reason] of acks) assert.ok(typeof reason === 'string' && reason.length > 20, `${id}: ${reason}`);
});
