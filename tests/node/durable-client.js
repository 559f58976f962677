// The AWS SDK for JavaScript v3's Lambda client against slsrt-local's
// durable execution service (--endpoint-url, as the AWS CLI would use it):
// Invoke starts an execution, GetDurableExecutionHistory finds its callback,
// SendDurableExecutionCallbackSuccess answers it, GetDurableExecution and
// ListDurableExecutionsByFunction see it end.  The SDK parses every answer
// with the service's own model, so a shape slsrt-local got wrong fails here.
//   node durable-client.js ENDPOINT FUNCTION EVENT_JSON RESULT_JSON
// Prints one JSON line: what the SDK read.
'use strict';
const {
  LambdaClient, InvokeCommand, GetDurableExecutionCommand, GetDurableExecutionHistoryCommand,
  SendDurableExecutionCallbackSuccessCommand, ListDurableExecutionsByFunctionCommand,
} = require('@aws-sdk/client-lambda');

const [endpoint, fn, event, result] = process.argv.slice(2);
const client = new LambdaClient({
  endpoint, region: 'us-east-1',
  credentials: { accessKeyId: 'AKIASLSRTSDKTEST', secretAccessKey: 'sdk-test-secret' },
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const started = await client.send(new InvokeCommand({
    FunctionName: fn, InvocationType: 'Event', Payload: Buffer.from(event),
  }));
  const arn = started.DurableExecutionArn;
  if (started.StatusCode !== 202 || !arn) throw new Error(`Invoke: ${started.StatusCode} ${arn}`);
  let callbackId;
  for (let i = 0; i < 400 && !callbackId; i++) {
    const h = await client.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: arn, IncludeExecutionData: true }));
    const ev = (h.Events || []).find((e) => e.EventType === 'CallbackStarted');
    callbackId = ev && ev.CallbackStartedDetails.CallbackId;
    if (!callbackId) await sleep(50);
  }
  if (!callbackId) throw new Error('no CallbackStarted event');
  await client.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: callbackId, Result: Buffer.from(result) }));
  let x;
  for (let i = 0; i < 400; i++) {
    x = await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }));
    if (x.Status !== 'RUNNING') break;
    await sleep(50);
  }
  const h = await client.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: arn, IncludeExecutionData: true }));
  const list = await client.send(new ListDurableExecutionsByFunctionCommand({ FunctionName: fn }));
  console.log(JSON.stringify({
    arn, status: x.Status, result: x.Result, started: x.StartTimestamp instanceof Date, ended: x.EndTimestamp instanceof Date,
    events: h.Events.map((e) => e.EventType), eventTimes: h.Events.every((e) => e.EventTimestamp instanceof Date),
    listed: list.DurableExecutions.some((d) => d.DurableExecutionArn === arn && d.Status === x.Status),
  }));
}

main().catch((e) => { console.error(`durable-client: ${e.name}: ${e.message}`); process.exit(1); });
