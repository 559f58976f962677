'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { App, Stack } = require('aws-cdk-lib');
const { Template, Match } = require('aws-cdk-lib/assertions');
const { SlsrtLayer } = require('../lib');
const { layerZip } = require('./helpers');

function synth(props) {
  const app = new App();
  const stack = new Stack(app, 'S');
  new SlsrtLayer(stack, 'Layer', props);
  return Template.fromStack(stack);
}

test('one retained layer version per architecture, described by the library version', () => {
  const t = synth({ version: '1.6.0', zips: { arm64: layerZip('1.6.0', 'arm64'), x86_64: layerZip('1.6.0', 'x86_64') } });
  t.resourceCountIs('AWS::Lambda::LayerVersion', 2);
  t.hasResource('AWS::Lambda::LayerVersion', {
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
    Properties: {
      LayerName: 'slsrt-arm64',
      CompatibleArchitectures: ['arm64'],
      CompatibleRuntimes: ['provided.al2023', 'provided.al2'],
      Description: Match.stringLikeRegexp('^slsrt 1\\.6\\.0 \\(arm64\\)'),
    },
  });
  t.hasResourceProperties('AWS::Lambda::LayerVersion', { LayerName: 'slsrt-x86-64', CompatibleArchitectures: ['x86_64'] });
});

test('the ARNs go to SSM: latest per major and architecture, one per version (kept)', () => {
  const t = synth({ version: '1.6.0', zips: { arm64: layerZip('1.6.0', 'arm64') } });
  const layerId = Object.keys(t.findResources('AWS::Lambda::LayerVersion'))[0];
  t.hasResourceProperties('AWS::SSM::Parameter', { Name: '/slsrt/1/arm64/latest', Type: 'String', Value: { Ref: layerId } });
  t.hasResource('AWS::SSM::Parameter', {
    DeletionPolicy: 'Retain',
    Properties: { Name: '/slsrt/1/arm64/1.6.0', Value: { Ref: layerId } },
  });
  t.resourceCountIs('AWS::SSM::Parameter', 2);
});

test('a prefix and a layer name of your own', () => {
  const t = synth({ version: '2.0.1', zips: { x86_64: layerZip('2.0.1', 'x86_64') }, parameterPrefix: '/platform/slsrt', layerName: 'c-runtime' });
  t.hasResourceProperties('AWS::SSM::Parameter', { Name: '/platform/slsrt/2/x86_64/latest' });
  t.hasResourceProperties('AWS::Lambda::LayerVersion', { LayerName: 'c-runtime-x86-64' });
});

test('a rebuild of the same version has the same asset hash; a new version a new one', () => {
  const key = (version, content) => {
    const t = synth({ version, zips: { arm64: layerZip(version, 'arm64', content) } });
    return Object.values(t.findResources('AWS::Lambda::LayerVersion'))[0].Properties.Content.S3Key;
  };
  assert.strictEqual(key('1.6.0', 'first build'), key('1.6.0', 'second build, other timestamps'));
  assert.notStrictEqual(key('1.6.0', 'x'), key('1.6.1', 'x'));
});

test('shared with accounts and an organization', () => {
  const t = synth({
    version: '1.6.0', zips: { arm64: layerZip('1.6.0', 'arm64') },
    shareWithAccounts: ['111111111111', '222222222222'], shareWithOrganization: 'o-abc123def45',
  });
  t.resourceCountIs('AWS::Lambda::LayerVersionPermission', 3);
  t.hasResourceProperties('AWS::Lambda::LayerVersionPermission', { Action: 'lambda:GetLayerVersion', Principal: '111111111111' });
  t.hasResourceProperties('AWS::Lambda::LayerVersionPermission', { Principal: '*', OrganizationId: 'o-abc123def45' });
});

test('bad input is refused', () => {
  assert.throws(() => synth({ version: 'v1', zips: { arm64: layerZip('1.6.0', 'arm64') } }), /not MAJOR.MINOR.PATCH/);
  assert.throws(() => synth({ version: '1.6.0', zips: {} }), /at least one zip/);
  assert.throws(() => synth({ version: '1.6.0', zips: { arm64: '/nowhere/slsrt.zip' } }), /does not exist/);
});

test('zipsIn finds what make layer writes', () => {
  const fs = require('fs');
  const path = require('path');
  const { scratch } = require('./helpers');
  const build = path.join(scratch, 'build');
  fs.mkdirSync(path.join(build, 'arm64', 'layer'), { recursive: true });
  fs.mkdirSync(path.join(build, 'layer'), { recursive: true });
  fs.copyFileSync(layerZip('1.6.0', 'arm64'), path.join(build, 'arm64', 'layer', 'slsrt-1.6.0-arm64.zip'));
  assert.deepStrictEqual(Object.keys(SlsrtLayer.zipsIn(build, '1.6.0')), ['arm64']);
});
