// SlsrtLayer: the slsrt Lambda layer, published from the zips `make layer`
// writes, one layer version per architecture, its ARN kept in SSM.
import * as fs from 'fs';
import * as path from 'path';
import { AssetHashType, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { archOf, SlsrtArch } from './arch';

export interface SlsrtLayerProps {
  /** The library version the zips hold, e.g. "1.6.0" (CHANGELOG.md). */
  readonly version: string;
  /**
   * The layer zips by architecture; one or both.  `SlsrtLayer.zipsIn(buildDir,
   * version)` finds the ones `make layer` writes.
   */
  readonly zips: { readonly arm64?: string; readonly x86_64?: string };
  /** Accounts allowed to use the layer versions (lambda:GetLayerVersion). */
  readonly shareWithAccounts?: string[];
  /** An AWS Organizations id (o-...) whose accounts may use them. */
  readonly shareWithOrganization?: string;
  /** Where the ARNs go in SSM: <prefix>/<major>/<arch>/latest and /<version>. @default "/slsrt" */
  readonly parameterPrefix?: string;
  /** @default "slsrt" (one layer name per architecture: slsrt-arm64, slsrt-x86_64) */
  readonly layerName?: string;
}

/** The SSM parameter that holds the latest layer ARN of a major version. */
export function latestParameterName(major: number, arch: SlsrtArch, prefix = '/slsrt'): string {
  return `${prefix}/${major}/${arch}/latest`;
}

export class SlsrtLayer extends Construct {
  /** The zips `make layer` writes under buildDir (x86_64 in layer/, arm64 in arm64/layer/). */
  static zipsIn(buildDir: string, version: string): { arm64?: string; x86_64?: string } {
    const found: { arm64?: string; x86_64?: string } = {};
    const arm = path.join(buildDir, 'arm64', 'layer', `slsrt-${version}-arm64.zip`);
    const x86 = path.join(buildDir, 'layer', `slsrt-${version}-x86_64.zip`);
    if (fs.existsSync(arm)) found.arm64 = arm;
    if (fs.existsSync(x86)) found.x86_64 = x86;
    return found;
  }

  readonly version: string;
  readonly major: number;
  private readonly byArch = new Map<SlsrtArch, lambda.LayerVersion>();

  constructor(scope: Construct, id: string, props: SlsrtLayerProps) {
    super(scope, id);
    const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(props.version);
    if (!m) throw new Error(`slsrt: version "${props.version}" is not MAJOR.MINOR.PATCH`);
    this.version = props.version;
    this.major = Number(m[1]);
    const prefix = props.parameterPrefix ?? '/slsrt';
    const arches = (Object.keys(props.zips) as SlsrtArch[]).filter((a) => props.zips[a]);
    if (arches.length === 0) throw new Error('slsrt: SlsrtLayer needs at least one zip (run `make layer`)');

    for (const arch of arches) {
      const zip = props.zips[arch]!;
      if (!fs.existsSync(zip)) throw new Error(`slsrt: layer zip ${zip} does not exist (run \`make layer\`)`);
      const idArch = arch === 'arm64' ? 'Arm64' : 'X8664';
      const layer = new lambda.LayerVersion(this, idArch, {
        layerVersionName: `${props.layerName ?? 'slsrt'}-${arch.replace('_', '-')}`,
        // The version names the content: a rebuild of the same version
        // (reproducible bytes or not) publishes nothing new.
        code: lambda.Code.fromAsset(zip, { assetHash: `slsrt-${props.version}-${arch}`, assetHashType: AssetHashType.CUSTOM }),
        compatibleArchitectures: [archOf(arch)],
        compatibleRuntimes: [lambda.Runtime.PROVIDED_AL2023, lambda.Runtime.PROVIDED_AL2],
        description: `slsrt ${props.version} (${arch}): libslsrt.so.1 and libjansson.so.4 for C functions on provided.al2023`,
        license: 'MIT',
        // Functions pinned to an older version keep working after an upgrade.
        removalPolicy: RemovalPolicy.RETAIN,
      });
      for (const account of props.shareWithAccounts ?? []) {
        layer.addPermission(`Share${account}`, { accountId: account });
      }
      if (props.shareWithOrganization) {
        layer.addPermission('ShareOrganization', { accountId: '*', organizationId: props.shareWithOrganization });
      }
      new ssm.StringParameter(this, `${idArch}Latest`, {
        parameterName: latestParameterName(this.major, arch, prefix),
        stringValue: layer.layerVersionArn,
        description: `The latest slsrt ${this.major}.x layer for ${arch}`,
      });
      const pinned = new ssm.StringParameter(this, `${idArch}V${props.version.replace(/\./g, '_')}`, {
        parameterName: `${prefix}/${this.major}/${arch}/${props.version}`,
        stringValue: layer.layerVersionArn,
        description: `slsrt ${props.version} layer for ${arch}`,
      });
      pinned.applyRemovalPolicy(RemovalPolicy.RETAIN);
      this.byArch.set(arch, layer);
    }
  }

  /** The architectures this layer was published for. */
  get architectures(): SlsrtArch[] {
    return [...this.byArch.keys()];
  }

  /** The layer version for an architecture; throws when it was not built. */
  layerFor(arch: SlsrtArch): lambda.ILayerVersion {
    const layer = this.byArch.get(arch);
    if (!layer) {
      throw new Error(`slsrt: this SlsrtLayer has no ${arch} version (it has ${this.architectures.join(', ')})`);
    }
    return layer;
  }
}
