// SlsrtFunction: a C function on provided.al2023 with the slsrt layer, its
// own least-privilege role and log group, JSON logs, active tracing, and one
// call per event source.
import * as fs from 'fs';
import * as path from 'path';
import { ArnFormat, Duration, Names, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { archName, archOf } from './arch';
import { bootstrapArch } from './elf';
import { readInfo, SlsrtFunctionInfo } from './info';
import { SlsrtLayer } from './layer';
import { SlsrtLayerRef } from './layer-ref';

/** A secret for an environment variable: the whole SecretString, or one key of a JSON secret. */
export interface SlsrtSecretValue {
  readonly secret: secretsmanager.ISecret;
  readonly key?: string;
}

export interface SlsrtFunctionProps {
  /** `function.zip` (bootstrap at its root) or a directory holding `bootstrap`. */
  readonly code: string;
  /** The slsrt layer: an SlsrtLayer of this app, or SlsrtLayerRef.fromArn / fromParameter / latest. */
  readonly layer: SlsrtLayer | SlsrtLayerRef;
  /** @default ARM_64 (or what the --info JSON says) */
  readonly architecture?: lambda.Architecture;
  /** provided.al2023; PROVIDED_AL2 only on request (deprecated by AWS). @default PROVIDED_AL2023 */
  readonly runtime?: lambda.Runtime;
  /** @default 256 (or the --info JSON's) */
  readonly memorySize?: number;
  /** @default 10 seconds (or the --info JSON's) */
  readonly timeout?: Duration;
  readonly functionName?: string;
  readonly description?: string;
  readonly environment?: Record<string, string>;
  /** Variables read from SSM Parameter Store at init (NAME=ssm:<name>); read access granted. */
  readonly parameters?: Record<string, ssm.IParameter>;
  /** Variables read from Secrets Manager at init (NAME=secretsmanager:<arn>[#key]); read access granted. */
  readonly secrets?: Record<string, secretsmanager.ISecret | SlsrtSecretValue>;
  /** @default ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** @default RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** @default INFO */
  readonly applicationLogLevel?: lambda.ApplicationLogLevel;
  /** @default INFO */
  readonly systemLogLevel?: lambda.SystemLogLevel;
  /** @default ACTIVE */
  readonly tracing?: lambda.Tracing;
  readonly reservedConcurrentExecutions?: number;
  /** What `./bootstrap --info` printed (a file) or its object: memory, timeout, permissions, environment. */
  readonly info?: string | SlsrtFunctionInfo;
  /** A durable function (SLSRT_DURABLE_MAIN): its executions' limits; see SlsrtDurableOptions. */
  readonly durable?: SlsrtDurableOptions;
}

/**
 * A durable function: Lambda checkpoints its steps and replays it.  The
 * function may checkpoint and read the state of its own executions
 * (lambda:CheckpointDurableExecution, lambda:GetDurableExecutionState on
 * itself, nothing else), and executions start through a qualified alias
 * (durableAlias): Lambda runs a durable execution on one version.
 */
export interface SlsrtDurableOptions {
  /** How long one execution may run, 1 second to 366 days. */
  readonly executionTimeout: Duration;
  /** How long a closed execution's history is kept, 1 to 90 whole days. @default 14 days */
  readonly retentionPeriod?: Duration;
  /** @default 'live' */
  readonly aliasName?: string;
}

export interface SlsrtQueueOptions {
  /** An existing queue; without one a queue is created (SQS-managed encryption, TLS only). */
  readonly queue?: sqs.IQueue;
  /** For a created queue: a dead-letter queue after this many receives. @default 5 (false: none) */
  readonly deadLetterQueue?: number | false;
  /** @default 10 */
  readonly batchSize?: number;
  readonly maxBatchingWindow?: Duration;
  readonly maxConcurrency?: number;
}

export interface SlsrtRuleOptions {
  readonly eventPattern?: events.EventPattern;
  readonly schedule?: events.Schedule;
  readonly eventBus?: events.IEventBus;
  readonly description?: string;
  /** Where events go when the function cannot take them. */
  readonly deadLetterQueue?: sqs.IQueue;
  /** @default 2 (Lambda's) */
  readonly retryAttempts?: number;
}

export interface SlsrtStreamOptions {
  /** @default LATEST */
  readonly startingPosition?: lambda.StartingPosition;
  /** @default 100 */
  readonly batchSize?: number;
  /** @default true */
  readonly bisectBatchOnError?: boolean;
  /** @default 10 */
  readonly retryAttempts?: number;
  /** Records that still fail go here. */
  readonly onFailure?: sqs.IQueue;
  readonly maxBatchingWindow?: Duration;
}

const X_RAY_WILDCARD = 'X-Ray PutTraceSegments and PutTelemetryRecords (added by active tracing) support no resource-level permissions';

function secretValue(s: secretsmanager.ISecret | SlsrtSecretValue): SlsrtSecretValue {
  return 'secret' in s ? (s as SlsrtSecretValue) : { secret: s as secretsmanager.ISecret };
}

function codeFrom(code: string): lambda.Code {
  if (!fs.existsSync(code)) throw new Error(`slsrt: ${code} does not exist (build the function first)`);
  if (fs.statSync(code).isDirectory() && !fs.existsSync(path.join(code, 'bootstrap'))) {
    throw new Error(`slsrt: ${code} holds no bootstrap`);
  }
  return lambda.Code.fromAsset(code);
}

/** The environment, with references to parameters and secrets, and their readers. */
function environmentOf(props: SlsrtFunctionProps, info: SlsrtFunctionInfo): Record<string, string> {
  const env: Record<string, string> = {};
  if (info.environment && !Array.isArray(info.environment)) Object.assign(env, info.environment);
  Object.assign(env, props.environment);
  for (const [name, p] of Object.entries(props.parameters ?? {})) env[name] = `ssm:${p.parameterName}`;
  for (const [name, s] of Object.entries(props.secrets ?? {})) {
    const value = secretValue(s);
    env[name] = `secretsmanager:${value.secret.secretArn}${value.key ? `#${value.key}` : ''}`;
  }
  if (Array.isArray(info.environment)) {
    const missing = info.environment.filter((n) => !(n in env));
    if (missing.length) {
      throw new Error(`slsrt: the function needs ${missing.join(', ')} in its environment (its --info says so)`);
    }
  }
  return env;
}

/* A durable function's name is fixed at synth (the grants on itself name it
 * without a reference to the function, which would be a cycle). */
function durableName(scope: Construct, id: string): string {
  return Names.uniqueResourceName(new Construct(scope, `${id}Name`), { maxLength: 64, separator: '-' });
}

export class SlsrtFunction extends lambda.Function {
  /** The function's own log group. */
  readonly logGroupOf: logs.LogGroup;
  /** A durable function's alias: start executions (and chained invokes) through it. */
  readonly durableAlias?: lambda.Alias;
  private sources = 0;

  constructor(scope: Construct, id: string, props: SlsrtFunctionProps) {
    const info = props.info ? readInfo(props.info) : {};
    const infoArch = info.architecture ? archOf(info.architecture) : undefined;
    if (props.architecture && infoArch && props.architecture.name !== infoArch.name) {
      throw new Error(`slsrt: architecture ${props.architecture.name} given, but the function's --info says ${infoArch.name}`);
    }
    const architecture = props.architecture ?? infoArch ?? lambda.Architecture.ARM_64;
    const code = codeFrom(props.code);
    const built = bootstrapArch(props.code);
    if (built && built !== archName(architecture)) {
      throw new Error(`slsrt: ${props.code} holds a bootstrap built for ${built}, but the function is ` +
        `${archName(architecture)}: build it for ${archName(architecture)} (make zip ARCH=${archName(architecture)}) ` +
        `or set architecture to match`);
    }
    const d = props.durable;
    if (d && (d.executionTimeout.toSeconds() < 1 || d.executionTimeout.toSeconds() > 31622400)) {
      throw new Error('slsrt: durable.executionTimeout must be 1 second to 366 days');
    }
    const functionName = props.functionName ?? (d ? durableName(scope, id) : undefined);
    const runtime = props.runtime ?? lambda.Runtime.PROVIDED_AL2023;
    if (runtime.name !== 'provided.al2023' && runtime.name !== 'provided.al2') {
      throw new Error(`slsrt: runtime ${runtime.name}: a C function runs on provided.al2023 (or provided.al2)`);
    }
    const ref = props.layer instanceof SlsrtLayer ? SlsrtLayerRef.fromLayer(props.layer) : props.layer;
    const layer = ref.bind(scope, `${id}SlsrtLayer`, archName(architecture));

    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    // Its own role: only what it needs, and what grant* calls add.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `The slsrt function ${id}: its log group, X-Ray, and what it was granted`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      code,
      handler: 'bootstrap',
      runtime,
      architecture,
      layers: [layer],
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: props.applicationLogLevel ?? lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: props.systemLogLevel ?? lambda.SystemLogLevel.INFO,
      tracing: props.tracing ?? lambda.Tracing.ACTIVE,
      memorySize: props.memorySize ?? info.memory ?? 256,
      timeout: props.timeout ?? Duration.seconds(info.timeout ?? 10),
      functionName,
      description: props.description,
      durableConfig: d ? { executionTimeout: d.executionTimeout, retentionPeriod: d.retentionPeriod ?? Duration.days(14) } : undefined,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environment: environmentOf(props, info),
    });
    this.logGroupOf = logGroup;

    for (const p of Object.values(props.parameters ?? {})) p.grantRead(role);
    for (const s of Object.values(props.secrets ?? {})) secretValue(s).secret.grantRead(role);
    for (const p of info.permissions ?? []) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: p.actions, resources: p.resources }));
    }
    if ((props.tracing ?? lambda.Tracing.ACTIVE) !== lambda.Tracing.DISABLED) {
      Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: X_RAY_WILDCARD });
    }
    if (d && functionName) {
      const own = Stack.of(this).formatArn({
        service: 'lambda', resource: 'function', resourceName: `${functionName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['lambda:CheckpointDurableExecution', 'lambda:GetDurableExecutionState'],
        resources: [own],
      }));
      // cdk-nag names the resource with the pseudo parameters it holds.
      const st = Stack.of(this);
      const lit = (v: string, pseudo: string) => (Token.isUnresolved(v) ? `<${pseudo}>` : v);
      const shown = `arn:<AWS::Partition>:lambda:${lit(st.region, 'AWS::Region')}:${lit(st.account, 'AWS::AccountId')}` +
        `:function:${functionName}:*`;
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${shown}]`,
        reason: 'The function\'s own durable executions: their ARNs are its qualified ARN followed by /durable-execution/<name>/<id>',
      });
      this.durableAlias = new lambda.Alias(this, 'DurableAlias', { aliasName: d.aliasName ?? 'live', version: this.currentVersion });
    }
  }

  private nextId(kind: string): string {
    this.sources++;
    return `${kind}${this.sources}`;
  }

  /** Route `path` of an HTTP API to this function (permission scoped to the route). */
  addHttpRoute(api: apigwv2.HttpApi, routePath: string, ...methods: apigwv2.HttpMethod[]): apigwv2.HttpRoute[] {
    return api.addRoutes({
      path: routePath,
      methods: methods.length ? methods : [apigwv2.HttpMethod.ANY],
      integration: new HttpLambdaIntegration(`${this.node.id}${this.nextId('Http')}`, this),
    });
  }

  /**
   * Messages from an SQS queue, with partial batch responses (what slsrt's
   * batch handling reports) turned on.  Returns the queue.
   */
  addQueue(options: SlsrtQueueOptions = {}): sqs.IQueue {
    const id = this.nextId('Queue');
    let queue = options.queue;
    if (!queue) {
      const maxReceiveCount = options.deadLetterQueue ?? 5;
      let deadLetterQueue: sqs.DeadLetterQueue | undefined;
      if (maxReceiveCount !== false) {
        const dlq = new sqs.Queue(this, `${id}Dlq`, {
          encryption: sqs.QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
          retentionPeriod: Duration.days(14),
        });
        Validations.of(dlq).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'This is the dead-letter queue of the function\'s queue' });
        deadLetterQueue = { queue: dlq, maxReceiveCount };
      }
      queue = new sqs.Queue(this, id, {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        // AWS's advice for a Lambda source: six times the function's timeout.
        visibilityTimeout: Duration.seconds(6 * (this.timeout?.toSeconds() ?? 10)),
        deadLetterQueue,
      });
    }
    this.addEventSource(new SqsEventSource(queue, {
      batchSize: options.batchSize ?? 10,
      maxBatchingWindow: options.maxBatchingWindow,
      maxConcurrency: options.maxConcurrency,
      reportBatchItemFailures: true,
    }));
    return queue;
  }

  /** An EventBridge rule (a pattern or a schedule) that invokes this function. */
  addRule(options: SlsrtRuleOptions): events.Rule {
    if (!options.eventPattern && !options.schedule) throw new Error('slsrt: addRule needs an eventPattern or a schedule');
    return new events.Rule(this, this.nextId('Rule'), {
      eventPattern: options.eventPattern,
      schedule: options.schedule,
      eventBus: options.eventBus,
      description: options.description,
      targets: [new targets.LambdaFunction(this, {
        deadLetterQueue: options.deadLetterQueue,
        retryAttempts: options.retryAttempts,
      })],
    });
  }

  /** A DynamoDB table's stream, with partial batch responses turned on. */
  addTableStream(table: dynamodb.ITable, options: SlsrtStreamOptions = {}): void {
    if (!table.tableStreamArn) throw new Error(`slsrt: table ${table.node.path} has no stream (set stream on the table)`);
    this.addEventSource(new DynamoEventSource(table, {
      startingPosition: options.startingPosition ?? lambda.StartingPosition.LATEST,
      batchSize: options.batchSize ?? 100,
      bisectBatchOnError: options.bisectBatchOnError ?? true,
      retryAttempts: options.retryAttempts ?? 10,
      maxBatchingWindow: options.maxBatchingWindow,
      onFailure: options.onFailure ? new SqsDlq(options.onFailure) : undefined,
      reportBatchItemFailures: true,
    }));
  }

  /**
   * The table slsrt_idempotent keeps its records in (slsrt/idempotency.h):
   * partition key "id", TTL on "expiration", on-demand, point-in-time
   * recovery; the function may put, get and delete its items, and
   * IDEMPOTENCY_TABLE names it.  An existing table may be given.
   */
  addIdempotencyTable(table?: dynamodb.ITable): dynamodb.ITable {
    const t = table ?? new dynamodb.Table(this, this.nextId('Idempotency'), {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'expiration',
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY, // records expire within the hour: nothing to keep
    });
    t.grant(this, 'dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:DeleteItem');
    this.addEnvironment('IDEMPOTENCY_TABLE', t.tableName);
    return t;
  }
}
