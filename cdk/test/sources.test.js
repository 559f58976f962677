'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { App, Stack } = require('aws-cdk-lib');
const { Template, Match } = require('aws-cdk-lib/assertions');
const apigwv2 = require('aws-cdk-lib/aws-apigatewayv2');
const dynamodb = require('aws-cdk-lib/aws-dynamodb');
const events = require('aws-cdk-lib/aws-events');
const lambda = require('aws-cdk-lib/aws-lambda');
const sqs = require('aws-cdk-lib/aws-sqs');
const { SlsrtFunction, SlsrtLayer } = require('../lib');
const { functionDir, layerZip } = require('./helpers');

const ZIP = layerZip('1.6.0', 'arm64');

function build(wire) {
  const app = new App();
  const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
  const layer = new SlsrtLayer(stack, 'Layer', { version: '1.6.0', zips: { arm64: ZIP } });
  const fn = new SlsrtFunction(stack, 'Fn', { code: functionDir(), layer });
  const out = wire(stack, fn);
  return { t: Template.fromStack(stack), out };
}

const statements = (t) => Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);

test('an HTTP API route, invoke permission scoped to that route', () => {
  const { t } = build((stack, fn) => {
    const api = new apigwv2.HttpApi(stack, 'Api');
    return fn.addHttpRoute(api, '/orders/{id}', apigwv2.HttpMethod.GET);
  });
  t.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /orders/{id}' });
  t.hasResourceProperties('AWS::ApiGatewayV2::Integration', { IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
  const perm = Object.values(t.findResources('AWS::Lambda::Permission'))[0].Properties;
  assert.strictEqual(perm.Principal, 'apigateway.amazonaws.com');
  assert.match(JSON.stringify(perm.SourceArn), /\/\*\/\*\/orders\/\{id\}/);
});

test('an SQS queue: created with a DLQ, partial batch responses, consume-only access', () => {
  const { t } = build((stack, fn) => fn.addQueue({ batchSize: 5 }));
  t.resourceCountIs('AWS::SQS::Queue', 2);
  t.hasResourceProperties('AWS::SQS::Queue', {
    SqsManagedSseEnabled: true, VisibilityTimeout: 60,
    RedrivePolicy: { maxReceiveCount: 5, deadLetterTargetArn: Match.anyValue() },
  });
  t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 5, FunctionResponseTypes: ['ReportBatchItemFailures'] });
  t.hasResourceProperties('AWS::SQS::QueuePolicy', Match.objectLike({})); // TLS only
  const sqsActions = statements(t).flatMap((s) => [].concat(s.Action)).filter((a) => a.startsWith('sqs:')).sort();
  assert.deepStrictEqual(sqsActions, ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage']);
});

test('an existing queue, or one without a DLQ', () => {
  let { t } = build((stack, fn) => fn.addQueue({ queue: new sqs.Queue(stack, 'Mine') }));
  t.resourceCountIs('AWS::SQS::Queue', 1);
  t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { FunctionResponseTypes: ['ReportBatchItemFailures'] });
  ({ t } = build((stack, fn) => fn.addQueue({ deadLetterQueue: false })));
  t.resourceCountIs('AWS::SQS::Queue', 1);
});

test('an EventBridge rule: a pattern or a schedule, with retries and a DLQ', () => {
  const { t } = build((stack, fn) => {
    fn.addRule({ eventPattern: { source: ['orders'], detailType: ['OrderPlaced'] } });
    fn.addRule({ schedule: events.Schedule.cron({ hour: '3', minute: '0' }), retryAttempts: 1, deadLetterQueue: new sqs.Queue(stack, 'EvDlq') });
  });
  t.resourceCountIs('AWS::Events::Rule', 2);
  t.hasResourceProperties('AWS::Events::Rule', { EventPattern: { source: ['orders'], 'detail-type': ['OrderPlaced'] } });
  t.hasResourceProperties('AWS::Events::Rule', {
    ScheduleExpression: 'cron(0 3 * * ? *)',
    Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 1 }, DeadLetterConfig: Match.anyValue() })],
  });
  t.resourceCountIs('AWS::Lambda::Permission', 2);
  assert.throws(() => build((stack, fn) => fn.addRule({})), /eventPattern or a schedule/);
});

test('a DynamoDB stream with partial batch responses; a table without a stream is refused', () => {
  const { t } = build((stack, fn) => {
    const table = new dynamodb.Table(stack, 'T', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING }, stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    });
    fn.addTableStream(table, { batchSize: 50, onFailure: new sqs.Queue(stack, 'StreamDlq') });
  });
  t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
    BatchSize: 50, StartingPosition: 'LATEST', BisectBatchOnFunctionError: true, MaximumRetryAttempts: 10,
    FunctionResponseTypes: ['ReportBatchItemFailures'], DestinationConfig: { OnFailure: Match.anyValue() },
  });
  const actions = statements(t).flatMap((s) => [].concat(s.Action));
  assert.ok(actions.includes('dynamodb:GetRecords'));
  assert.ok(!actions.includes('dynamodb:PutItem'));
  assert.throws(() => build((stack, fn) => fn.addTableStream(new dynamodb.Table(stack, 'N', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } }))), /has no stream/);
});

test('a Function URL, IAM-authenticated unless asked otherwise', () => {
  const { t } = build((stack, fn) => fn.addFunctionUrl());
  t.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM' });
  const { t: t2 } = build((stack, fn) => fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE, invokeMode: lambda.InvokeMode.RESPONSE_STREAM }));
  t2.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', InvokeMode: 'RESPONSE_STREAM' });
});

test('every option of the sources shows in the template', () => {
  const { Duration } = require('aws-cdk-lib');
  const { t } = build((stack, fn) => {
    fn.addQueue({ deadLetterQueue: 3, maxBatchingWindow: Duration.seconds(20), maxConcurrency: 4 });
    fn.addRule({ eventPattern: { source: ['a'] }, eventBus: new events.EventBus(stack, 'Bus'), description: 'from the bus' });
    const table = new dynamodb.Table(stack, 'T', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING }, stream: dynamodb.StreamViewType.NEW_IMAGE,
    });
    fn.addTableStream(table, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON, bisectBatchOnError: false, retryAttempts: 2,
      maxBatchingWindow: Duration.seconds(5),
    });
  });
  t.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: { maxReceiveCount: 3, deadLetterTargetArn: Match.anyValue() } });
  t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { MaximumBatchingWindowInSeconds: 20, ScalingConfig: { MaximumConcurrency: 4 } });
  t.hasResourceProperties('AWS::Events::Rule', { Description: 'from the bus', EventBusName: Match.anyValue() });
  t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
    StartingPosition: 'TRIM_HORIZON', BisectBatchOnFunctionError: false, MaximumRetryAttempts: 2, MaximumBatchingWindowInSeconds: 5,
  });
});
