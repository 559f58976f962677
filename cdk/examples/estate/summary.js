// `make run`: what the estate would deploy, from an offline synth.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { App } = require('aws-cdk-lib');
const { buildEstate } = require('./estate');

const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'slsrt-estate-')) });
const { version } = buildEstate(app, { buildDir: process.env.SLSRT_BUILD });
const assembly = app.synth();

const show = (v) => (typeof v === 'string' ? v : JSON.stringify(v));
console.log(`slsrt ${version}: cdk/examples/estate would deploy ${assembly.stacks.length} stacks`);
for (const stack of assembly.stacks) {
  const resources = Object.values(stack.template.Resources);
  const counts = {};
  for (const r of resources) counts[r.Type] = (counts[r.Type] || 0) + 1;
  console.log(`\n  ${stack.stackName}: ${resources.length} resources`);
  for (const [type, n] of Object.entries(counts).sort()) console.log(`    ${String(n).padStart(2)} ${type}`);
  for (const [logicalId, r] of Object.entries(stack.template.Resources)) {
    const p = r.Properties;
    if (r.Type === 'AWS::Lambda::Function') {
      const layer = p.Layers.map((l) => (l.Ref && stack.template.Parameters?.[l.Ref] ? `SSM ${stack.template.Parameters[l.Ref].Default}` : show(l)));
      const name = logicalId.replace(/[0-9A-F]{8}$/, ''); // the construct id, less CDK's hash
      console.log(`    ${name}: ${p.Runtime} ${p.Architectures} ${p.MemorySize} MB ${p.Timeout} s, tracing ${p.TracingConfig.Mode}, ` +
        `logs ${p.LoggingConfig.LogFormat}, layer from ${layer}`);
    }
    if (r.Type === 'AWS::Lambda::Function' && p.DurableConfig) console.log(`      durable: ${show(p.DurableConfig)}`);
    if (r.Type === 'AWS::Lambda::Alias') console.log(`    alias: ${p.Name}`);
    if (r.Type === 'AWS::DynamoDB::Table') console.log(`    table: key ${p.KeySchema.map((k) => k.AttributeName)}, TTL ${p.TimeToLiveSpecification?.AttributeName}`);
    if (r.Type === 'AWS::ApiGatewayV2::Route') console.log(`    route: ${p.RouteKey}`);
    if (r.Type === 'AWS::Lambda::EventSourceMapping') console.log(`    event source: batch ${p.BatchSize}, ${p.FunctionResponseTypes}`);
    if (r.Type === 'AWS::SSM::Parameter') console.log(`    parameter: ${p.Name}`);
    if (r.Type === 'AWS::Lambda::LayerVersion') console.log(`    layer: ${p.LayerName} (${p.Description.split(':')[0]}), kept on delete`);
  }
}
console.log('\n  cdk-nag AwsSolutionsChecks: checked by `make check` (cdk synth with the pinned CLI)');
