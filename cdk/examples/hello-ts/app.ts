// A TypeScript CDK app, as a user writes one: @slsrt/cdk installed from its
// package (`make cdk-pack`), one SlsrtFunction behind a Function URL.
//   SLSRT_CODE=path/to/function-folder-or.zip SLSRT_LAYER_ZIP=path/to/layer.zip cdk synth
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SlsrtFunction, SlsrtLayer } from '@slsrt/cdk';

const app = new App();
const stack = new Stack(app, 'hello-ts');
const version = process.env.SLSRT_VERSION ?? '1.13.0';
const layer = new SlsrtLayer(stack, 'Slsrt', { version, zips: { arm64: process.env.SLSRT_LAYER_ZIP! } });
const hello = new SlsrtFunction(stack, 'Hello', {
  code: process.env.SLSRT_CODE!,
  layer,
  architecture: lambda.Architecture.ARM_64,
});
const url = hello.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
new CfnOutput(stack, 'Url', { value: url.url });
app.synth();
