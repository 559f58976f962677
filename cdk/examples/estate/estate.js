// The estate: one slsrt layer and four C functions from this repo's
// examples, an HTTP API (http-echo), an SQS listener (sqs-batch), a durable
// workflow (order-workflow) and an SQS consumer that charges each payment
// once (payments, with its idempotency table), in two stacks.  The functions take the layer from SSM at deploy time, so the
// layer stack can publish a new version without CloudFormation exports
// pinning the old one.
'use strict';
const fs = require('fs');
const path = require('path');
const { Duration, Stack, Validations } = require('aws-cdk-lib');
const apigwv2 = require('aws-cdk-lib/aws-apigatewayv2');
const lambda = require('aws-cdk-lib/aws-lambda');
const logs = require('aws-cdk-lib/aws-logs');
const { SlsrtFunction, SlsrtLayer, SlsrtLayerRef } = require('../../lib');

const repo = path.resolve(__dirname, '..', '..', '..');

/** The library version, from the header the build used. */
function libraryVersion() {
  const header = fs.readFileSync(path.join(repo, 'include', 'slsrt', 'common.h'), 'utf8');
  return /#define SLSRT_VERSION_STRING "([^"]+)"/.exec(header)[1];
}

function buildEstate(app, { buildDir = path.join(repo, 'build') } = {}) {
  const version = libraryVersion();
  const major = Number(version.split('.')[0]);
  const zips = SlsrtLayer.zipsIn(buildDir, version);
  if (!zips.arm64) throw new Error(`slsrt: no arm64 layer for ${version} in ${buildDir}: run \`make layer\``);
  const arm64 = path.join(buildDir, 'arm64', 'examples');

  const layerStack = new Stack(app, 'slsrt-layer', { description: `The slsrt ${version} layer, its ARN in SSM` });
  new SlsrtLayer(layerStack, 'Slsrt', { version, zips });

  const estate = new Stack(app, 'slsrt-estate', {
    description: 'C functions on slsrt: an HTTP API, an SQS listener, a durable workflow, idempotent payments',
  });
  estate.addStackDependency(layerStack); // deploy order only: the ARN travels through SSM
  const layer = SlsrtLayerRef.latest(major, lambda.Architecture.ARM_64);

  const echo = new SlsrtFunction(estate, 'HttpEcho', { code: path.join(arm64, 'http-echo'), layer });
  const api = new apigwv2.HttpApi(estate, 'Api', { createDefaultStage: false });
  const accessLogs = new logs.LogGroup(estate, 'ApiAccessLogs', { retention: logs.RetentionDays.ONE_MONTH });
  new apigwv2.HttpStage(estate, 'ApiStage', {
    httpApi: api, stageName: '$default', autoDeploy: true,
    accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(accessLogs) },
  });
  echo.addHttpRoute(api, '/echo', apigwv2.HttpMethod.GET, apigwv2.HttpMethod.POST);
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-APIG4',
    reason: 'The echo route is a public demonstration endpoint; a real API adds a JWT or IAM authorizer',
  });

  const listener = new SlsrtFunction(estate, 'SqsBatch', { code: path.join(arm64, 'sqs-batch'), layer });
  listener.addQueue({ batchSize: 10 });

  // Executions start through its alias and may wait a week for approval.
  new SlsrtFunction(estate, 'OrderWorkflow', {
    code: path.join(arm64, 'order-workflow'), layer, durable: { executionTimeout: Duration.days(7) },
  });

  const payments = new SlsrtFunction(estate, 'Payments', { code: path.join(arm64, 'payments'), layer });
  payments.addIdempotencyTable();
  payments.addQueue({ batchSize: 10 });

  return { layerStack, estate, version };
}

module.exports = { buildEstate, libraryVersion };
