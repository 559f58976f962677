// Architectures by the names slsrt's zips and SSM parameters use.
import * as lambda from 'aws-cdk-lib/aws-lambda';

export type SlsrtArch = 'arm64' | 'x86_64';

export function archName(a: lambda.Architecture): SlsrtArch {
  if (a.name === lambda.Architecture.ARM_64.name) return 'arm64';
  if (a.name === lambda.Architecture.X86_64.name) return 'x86_64';
  throw new Error(`slsrt: unknown architecture ${a.name}`);
}

export function archOf(name: string): lambda.Architecture {
  if (name === 'arm64') return lambda.Architecture.ARM_64;
  if (name === 'x86_64') return lambda.Architecture.X86_64;
  throw new Error(`slsrt: unknown architecture "${name}" (arm64 or x86_64)`);
}
