// cdk synth entry point: the estate, checked by cdk-nag's AWS Solutions rules.
'use strict';
const { App, Validations } = require('aws-cdk-lib');
const { AwsSolutionsChecks } = require('cdk-nag');
const { buildEstate } = require('./estate');

const app = new App();
buildEstate(app, { buildDir: process.env.SLSRT_BUILD });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
