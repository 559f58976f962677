'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { App, Duration, RemovalPolicy, Stack } = require('aws-cdk-lib');
const { Template, Match } = require('aws-cdk-lib/assertions');
const lambda = require('aws-cdk-lib/aws-lambda');
const logs = require('aws-cdk-lib/aws-logs');
const ssm = require('aws-cdk-lib/aws-ssm');
const secretsmanager = require('aws-cdk-lib/aws-secretsmanager');
const { SlsrtFunction, SlsrtLayer, SlsrtLayerRef } = require('../lib');
const { functionDir, functionZip, layerZip, writeJson } = require('./helpers');

const ZIPS = { arm64: layerZip('1.6.0', 'arm64'), x86_64: layerZip('1.6.0', 'x86_64') };

function stackWith(build) {
  const app = new App();
  const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
  const layer = new SlsrtLayer(stack, 'Layer', { version: '1.6.0', zips: ZIPS });
  const fn = build(stack, layer);
  return { stack, fn, t: Template.fromStack(stack) };
}

const basic = (extra = {}) => (stack, layer) => new SlsrtFunction(stack, 'Fn', { code: functionDir(), layer, ...extra });

function policyStatements(t) {
  return Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
}

test('defaults: provided.al2023, arm64, bootstrap, JSON logs, active tracing, API-sized', () => {
  const { t } = stackWith(basic());
  t.hasResourceProperties('AWS::Lambda::Function', {
    Runtime: 'provided.al2023',
    Handler: 'bootstrap',
    Architectures: ['arm64'],
    MemorySize: 256,
    Timeout: 10,
    TracingConfig: { Mode: 'Active' },
    LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'INFO', LogGroup: { Ref: Match.stringLikeRegexp('^FnLogGroup') } },
    Layers: [{ Ref: Match.stringLikeRegexp('^LayerArm64') }],
  });
  t.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain', Properties: { RetentionInDays: 30 } });
});

test('its own role: its log group, X-Ray, nothing else', () => {
  const { t } = stackWith(basic());
  const roles = Object.values(t.findResources('AWS::IAM::Role'));
  assert.strictEqual(roles.length, 1);
  assert.strictEqual(roles[0].Properties.ManagedPolicyArns, undefined);
  const statements = policyStatements(t);
  const actions = statements.flatMap((s) => [].concat(s.Action)).sort();
  assert.deepStrictEqual(actions, ['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  const logs = statements.find((s) => [].concat(s.Action).includes('logs:PutLogEvents'));
  assert.deepStrictEqual(logs.Resource, { 'Fn::GetAtt': [Object.keys(t.findResources('AWS::Logs::LogGroup'))[0], 'Arn'] });
});

test('grant* calls add to the role', () => {
  const { t } = stackWith((stack, layer) => {
    const fn = basic()(stack, layer);
    new ssm.StringParameter(stack, 'P', { stringValue: 'x' }).grantRead(fn);
    return fn;
  });
  assert.ok(policyStatements(t).some((s) => [].concat(s.Action).includes('ssm:GetParameter')));
});

test('every prop that shapes the function', () => {
  const { t } = stackWith(basic({
    memorySize: 512, timeout: Duration.seconds(29), functionName: 'orders-api', description: 'orders',
    runtime: lambda.Runtime.PROVIDED_AL2, architecture: lambda.Architecture.X86_64,
    logRetention: logs.RetentionDays.ONE_WEEK, logRemovalPolicy: RemovalPolicy.DESTROY,
    applicationLogLevel: lambda.ApplicationLogLevel.DEBUG, systemLogLevel: lambda.SystemLogLevel.WARN,
    tracing: lambda.Tracing.DISABLED, reservedConcurrentExecutions: 5, environment: { STAGE: 'prod' },
  }));
  t.hasResourceProperties('AWS::Lambda::Function', {
    MemorySize: 512, Timeout: 29, FunctionName: 'orders-api', Description: 'orders', Runtime: 'provided.al2',
    Architectures: ['x86_64'], ReservedConcurrentExecutions: 5,
    LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'DEBUG', SystemLogLevel: 'WARN' },
    Layers: [{ Ref: Match.stringLikeRegexp('^LayerX8664') }],
    Environment: { Variables: { STAGE: 'prod' } },
  });
  t.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete', Properties: { RetentionInDays: 7 } });
  assert.ok(!policyStatements(t).some((s) => [].concat(s.Action).some((a) => a.startsWith('xray:'))));
});

test('other runtimes are refused', () => {
  assert.throws(() => stackWith(basic({ runtime: lambda.Runtime.NODEJS_20_X })), /provided.al2023/);
});

test('a layer of another architecture is refused, however it is given', () => {
  const x86only = (stack) => new SlsrtLayer(stack, 'X86', { version: '1.6.0', zips: { x86_64: ZIPS.x86_64 } });
  assert.throws(() => stackWith((stack) => new SlsrtFunction(stack, 'Fn', { code: functionDir(), layer: x86only(stack) })),
    /built for x86_64, the function for arm64/);
  assert.throws(() => stackWith(basic({ layer: SlsrtLayerRef.fromArn('arn:aws:lambda:eu-west-1:111111111111:layer:slsrt-x86-64:3', lambda.Architecture.X86_64) })),
    /built for x86_64/);
  assert.throws(() => stackWith(basic({ layer: SlsrtLayerRef.fromParameter('/slsrt/1/x86_64/latest') })), /built for x86_64/);
  assert.throws(() => stackWith(basic({ layer: SlsrtLayerRef.fromParameter('/my/layer-arn') })), /give the architecture/);
});

test('a layer by ARN, or from SSM resolved at deploy time', () => {
  let { t } = stackWith(basic({ layer: SlsrtLayerRef.fromArn('arn:aws:lambda:eu-west-1:111111111111:layer:slsrt-arm64:7', lambda.Architecture.ARM_64) }));
  t.hasResourceProperties('AWS::Lambda::Function', { Layers: ['arn:aws:lambda:eu-west-1:111111111111:layer:slsrt-arm64:7'] });

  ({ t } = stackWith(basic({ layer: SlsrtLayerRef.latest(1, lambda.Architecture.ARM_64) })));
  const params = t.toJSON().Parameters;
  const name = Object.keys(params).find((k) => params[k].Type === 'AWS::SSM::Parameter::Value<String>');
  assert.ok(name, 'an SSM-typed stack parameter');
  assert.strictEqual(params[name].Default, '/slsrt/1/arm64/latest');
  t.hasResourceProperties('AWS::Lambda::Function', { Layers: [{ Ref: name }] });
});

test('parameters and secrets become references the runtime resolves, with read access', () => {
  const { t } = stackWith((stack, layer) => {
    const table = ssm.StringParameter.fromStringParameterName(stack, 'T', '/app/table');
    const db = new secretsmanager.Secret(stack, 'Db');
    const key = secretsmanager.Secret.fromSecretNameV2(stack, 'Key', 'prod/api-key');
    return new SlsrtFunction(stack, 'Fn', {
      code: functionDir(), layer, parameters: { TABLE: table },
      secrets: { DB_PASSWORD: { secret: db, key: 'password' }, API_KEY: key },
    });
  });
  const env = Object.values(t.findResources('AWS::Lambda::Function'))[0].Properties.Environment.Variables;
  assert.strictEqual(env.TABLE, 'ssm:/app/table');
  assert.match(JSON.stringify(env.DB_PASSWORD), /secretsmanager:.*#password/);
  assert.match(JSON.stringify(env.API_KEY), /secretsmanager:/);
  const actions = policyStatements(t).flatMap((s) => [].concat(s.Action));
  for (const a of ['ssm:GetParameter', 'secretsmanager:GetSecretValue']) assert.ok(actions.includes(a), a);
});

test('the --info JSON: memory, timeout, architecture, permissions and environment applied', () => {
  const info = writeJson('info.json', {
    name: 'orders', memory: 384, timeout: 20, architecture: 'arm64', environment: ['TABLE'],
    permissions: [{ actions: ['dynamodb:GetItem'], resources: ['arn:aws:dynamodb:eu-west-1:123456789012:table/orders'] }],
  });
  const { t } = stackWith(basic({ info, environment: { TABLE: 'orders' } }));
  t.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 384, Timeout: 20 });
  assert.ok(policyStatements(t).some((s) => s.Action === 'dynamodb:GetItem' && s.Resource === 'arn:aws:dynamodb:eu-west-1:123456789012:table/orders'));

  const { t: t2 } = stackWith(basic({ info, memorySize: 1024, environment: { TABLE: 'x' } }));
  t2.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 1024 }); // props win
  assert.throws(() => stackWith(basic({ info })), /needs TABLE in its environment/);
  assert.throws(() => stackWith(basic({ info, architecture: lambda.Architecture.X86_64, environment: { TABLE: 'x' } })), /--info says arm64/);
  assert.throws(() => stackWith(basic({ info: writeJson('bad.json', [1]) })), /JSON object/);
});

test('code from a function.zip', () => {
  const { t } = stackWith(basic({ code: functionZip('zipped') }));
  t.hasResourceProperties('AWS::Lambda::Function', { Code: { S3Key: Match.stringLikeRegexp('\\.zip$') } });
});

test('a bootstrap built for another architecture is refused at synth, in a folder or a zip', () => {
  for (const code of [functionDir('x86', 'x86_64'), functionZip('x86', 'x86_64')]) {
    assert.throws(() => stackWith(basic({ code })), /built for x86_64, but the function is arm64: build it for arm64/);
    const { t } = stackWith(basic({ code, architecture: lambda.Architecture.X86_64 }));
    t.hasResourceProperties('AWS::Lambda::Function', { Architectures: ['x86_64'] });
  }
  for (const code of [functionDir('arm', 'arm64'), functionZip('arm', 'arm64')]) {
    assert.throws(() => stackWith(basic({ code, architecture: lambda.Architecture.X86_64 })),
      /built for arm64, but the function is x86_64/);
    stackWith(basic({ code })); // arm64 both: fine
  }
});

test('code must be there', () => {
  assert.throws(() => stackWith(basic({ code: '/nowhere/function.zip' })), /does not exist/);
  const empty = require('fs').mkdtempSync(require('path').join(require('os').tmpdir(), 'empty-'));
  assert.throws(() => stackWith(basic({ code: empty })), /holds no bootstrap/);
});

test('durable: its configuration, checkpoint and state on its own executions only, an alias to start them', () => {
  const { t, fn } = stackWith(basic({ durable: { executionTimeout: Duration.days(7) } }));
  t.hasResourceProperties('AWS::Lambda::Function', {
    DurableConfig: { ExecutionTimeout: 604800, RetentionPeriodInDays: 14 },
    FunctionName: Match.stringLikeRegexp('^S-Fn'),
  });
  const name = Object.values(t.findResources('AWS::Lambda::Function'))[0].Properties.FunctionName;
  const durable = policyStatements(t).filter((s) => [].concat(s.Action).includes('lambda:CheckpointDurableExecution'));
  assert.strictEqual(durable.length, 1);
  assert.deepStrictEqual([].concat(durable[0].Action).sort(), ['lambda:CheckpointDurableExecution', 'lambda:GetDurableExecutionState']);
  const resource = JSON.stringify(durable[0].Resource);
  assert.match(resource, new RegExp(`:function:${name}:\\*`));
  t.hasResourceProperties('AWS::Lambda::Alias', { Name: 'live' });
  assert.ok(fn.durableAlias);
  // Not durable: none of it.
  const plain = stackWith(basic()).t;
  assert.strictEqual(policyStatements(plain).filter((s) => [].concat(s.Action).includes('lambda:CheckpointDurableExecution')).length, 0);
  assert.deepStrictEqual(plain.findResources('AWS::Lambda::Alias'), {});
  assert.throws(() => stackWith(basic({ durable: { executionTimeout: Duration.days(400) } })), /366 days/);
});

test('an idempotency table: its shape, put/get/delete on it alone, its name in the environment', () => {
  const { t } = stackWith((stack, layer) => {
    const fn = basic()(stack, layer);
    fn.addIdempotencyTable();
    return fn;
  });
  t.hasResourceProperties('AWS::DynamoDB::Table', {
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    BillingMode: 'PAY_PER_REQUEST',
  });
  const stmt = policyStatements(t).find((s) => [].concat(s.Action).includes('dynamodb:PutItem'));
  assert.deepStrictEqual([].concat(stmt.Action).sort(), ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem']);
  assert.match(JSON.stringify(stmt.Resource), /FnIdempotency/);
  t.hasResourceProperties('AWS::Lambda::Function', {
    Environment: { Variables: Match.objectLike({ IDEMPOTENCY_TABLE: { Ref: Match.stringLikeRegexp('^FnIdempotency') } }) },
  });
});
