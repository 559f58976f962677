// The three ways a function gets the slsrt layer, each knowing the layer's
// architecture so that a mismatch is refused at synth time.
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { archName, SlsrtArch } from './arch';
import { latestParameterName, SlsrtLayer } from './layer';

export abstract class SlsrtLayerRef {
  /** A layer published in this app. */
  static fromLayer(layer: SlsrtLayer): SlsrtLayerRef {
    return new FromLayer(layer);
  }

  /** A layer version ARN, with the architecture it was built for. */
  static fromArn(arn: string, architecture: lambda.Architecture): SlsrtLayerRef {
    return new FromArn(arn, archName(architecture));
  }

  /**
   * An SSM parameter holding the ARN, read at deploy time (no lookup at
   * synth): redeploying a stack picks up a new layer version.  The
   * architecture is read from a name of the form /<prefix>/<major>/<arch>/...
   * when not given.
   */
  static fromParameter(parameterName: string, architecture?: lambda.Architecture): SlsrtLayerRef {
    const fromName = /\/(arm64|x86_64)\/[^/]+$/.exec(parameterName);
    if (!architecture && !fromName) {
      throw new Error(`slsrt: give the architecture of the layer in ${parameterName} (it is not /<major>/<arch>/<version>)`);
    }
    return new FromParameter(parameterName, architecture ? archName(architecture) : (fromName![1] as SlsrtArch));
  }

  /** The latest layer of a major version, as SlsrtLayer publishes it to SSM. */
  static latest(major: number, architecture: lambda.Architecture, prefix = '/slsrt'): SlsrtLayerRef {
    return SlsrtLayerRef.fromParameter(latestParameterName(major, archName(architecture), prefix), architecture);
  }

  /** The layer for a function of `arch`; throws on a mismatch. */
  abstract bind(scope: Construct, id: string, arch: SlsrtArch): lambda.ILayerVersion;
  /** What this is, for error messages and docs. */
  abstract describe(): string;

  protected refuse(layerArch: SlsrtArch, arch: SlsrtArch): never {
    throw new Error(`slsrt: the layer ${this.describe()} is built for ${layerArch}, the function for ${arch}`);
  }
}

class FromLayer extends SlsrtLayerRef {
  constructor(private readonly layer: SlsrtLayer) {
    super();
  }
  bind(_scope: Construct, _id: string, arch: SlsrtArch): lambda.ILayerVersion {
    if (!this.layer.architectures.includes(arch)) this.refuse(this.layer.architectures[0], arch);
    return this.layer.layerFor(arch);
  }
  describe(): string {
    return `${this.layer.node.path} (${this.layer.version})`;
  }
}

class FromArn extends SlsrtLayerRef {
  constructor(private readonly arn: string, private readonly arch: SlsrtArch) {
    super();
  }
  bind(scope: Construct, id: string, arch: SlsrtArch): lambda.ILayerVersion {
    if (arch !== this.arch) this.refuse(this.arch, arch);
    return lambda.LayerVersion.fromLayerVersionAttributes(scope, id, {
      layerVersionArn: this.arn,
      compatibleRuntimes: [lambda.Runtime.PROVIDED_AL2023, lambda.Runtime.PROVIDED_AL2],
    });
  }
  describe(): string {
    return this.arn;
  }
}

class FromParameter extends SlsrtLayerRef {
  constructor(private readonly name: string, private readonly arch: SlsrtArch) {
    super();
  }
  bind(scope: Construct, id: string, arch: SlsrtArch): lambda.ILayerVersion {
    if (arch !== this.arch) this.refuse(this.arch, arch);
    const arn = ssm.StringParameter.valueForStringParameter(scope, this.name);
    return lambda.LayerVersion.fromLayerVersionArn(scope, id, arn);
  }
  describe(): string {
    return `in SSM ${this.name}`;
  }
}

