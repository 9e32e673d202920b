// The emulator's check of requests against Google's published API contracts
// (emulator/src/contracts), read from the SDK packages' own protos, without a server.
import * as assert from 'node:assert/strict';
import { ContractChecker } from '../../emulator/src/contracts/requestCheck';
import { googleContracts } from '../../emulator/src/contracts/googleContracts';
import { NoBinding } from '../../emulator/src/contracts/googleErrors';
import { lroRulesIn } from '../../emulator/src/contracts/httpBindings';
import { matchTemplate, parseTemplate } from '../../emulator/src/contracts/pathTemplate';
import { scanProto, type ScannedMessages } from '../../emulator/src/contracts/protoScan';
import { checkStorage } from '../../emulator/src/contracts/storageContract';
import { contractFamily } from '../../emulator/src/contracts/contractGate';
import { ApiError } from '../../emulator/src/http';

const PARENT = '/v2/projects/p/locations/europe-west1';
const SERVICE = `${PARENT}/services/web`;
const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));
const service = (extra: Record<string, unknown> = {}, container: Record<string, unknown> = {}) => ({
  template: { containers: [{ image: 'europe-west1-docker.pkg.dev/p/r/web:1', ...container }] },
  ...extra,
});

function errorOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  assert.fail('expected a Google error');
}

function violations(e: ApiError): { field?: string; description: string }[] {
  const details = e.extra.details as { '@type': string; fieldViolations: { field?: string; description: string }[] }[];
  assert.equal(details[0]['@type'], 'type.googleapis.com/google.rpc.BadRequest');
  return details[0].fieldViolations;
}

describe('emulator contracts: Google’s published protos', () => {
  let c: ContractChecker;
  before(() => {
    c = googleContracts();
  });
  const check = (method: string, path: string, query = '', body?: unknown) =>
    c.check(method, path, new URLSearchParams(query), body === undefined ? Buffer.alloc(0) : json(body));

  it('reads every field_behavior and proto name that protos.json drops', () => {
    const bool = c.table.messages.get('google.cloud.secretmanager.v1.Secret')?.byName.get('version_destroy_ttl');
    assert.equal(bool?.jsonName, 'versionDestroyTtl');
    const network = c.table.messages.get('google.devtools.cloudbuild.v1.PrivatePoolV1Config.NetworkConfig')?.byName.get('peeredNetwork');
    assert.deepEqual(network?.behaviors, ['IMMUTABLE', 'REQUIRED']);
    const scanned: ScannedMessages = new Map();
    scanProto(
      'package a.b;\nmessage M {\n  // c\n  oneof o { string x_y = 1 [(google.api.field_behavior) = OPTIONAL,\n (google.api.field_behavior) = OUTPUT_ONLY]; }\n  map<string, int32> m = 2;\n}',
      scanned,
    );
    assert.deepEqual(scanned.get('a.b.M')?.get(1), { name: 'x_y', number: 1, behaviors: ['OPTIONAL', 'OUTPUT_ONLY'] });
    assert.equal(scanned.get('a.b.M')?.get(2)?.name, 'm');
  });

  it('matches a published binding and binds its path, query and body', () => {
    const r = check('POST', `${PARENT}/services`, 'serviceId=web&validateOnly=false&$alt=json%3Benum-encoding%3Dint', service());
    assert.equal(r.binding.selector, 'google.cloud.run.v2.Services.CreateService');
    assert.equal(r.binding.body, 'service');
    assert.equal(check('PATCH', SERVICE, 'update_mask=labels&allowMissing=true', { labels: { a: 'b' } }).query.get('updateMask'), 'labels');
    assert.equal(check('GET', `${SERVICE}:getIamPolicy`, 'options.requestedPolicyVersion=3').binding.selector, 'google.cloud.run.v2.Services.GetIamPolicy');
    assert.equal(check('GET', `${PARENT}/operations/abc`).binding.requestType, 'google.longrunning.GetOperationRequest');
    assert.equal(check('POST', '/v1/projects/p/locations/europe-west1/builds', '', { steps: [{ name: 'docker' }] }).binding.body, 'build');
    assert.equal(check('GET', '/v1/operations/build/p/abc').binding.selector, 'google.longrunning.Operations.GetOperation');
    assert.equal(check('POST', '/v2/entries:list', '', { resourceNames: ['projects/p'], filter: 'severity>=ERROR' }).binding.body, '*');
    const vars = matchTemplate(parseTemplate('/v1/{name=projects/*/secrets/*/versions/*}:access'), '/v1/projects/p/secrets/s/versions/latest:access');
    assert.equal(vars?.get('name'), 'projects/p/secrets/s/versions/latest');
  });

  it('answers a URL or method no binding publishes with a 404', () => {
    for (const [method, path] of [
      ['GET', `${PARENT}/servicez/web`],
      ['PUT', SERVICE],
      ['GET', '/v2/projects/p/services/web'],
      ['GET', `${SERVICE}:describe`],
    ]) {
      assert.throws(
        () => check(method, path),
        (e: unknown) => e instanceof NoBinding && /was not found on this server/.test(e.html()),
        `${method} ${path}`,
      );
    }
  });

  it('refuses an unknown nested field with Google’s message, path and BadRequest detail', () => {
    const e = errorOf(() => check('POST', `${PARENT}/services`, 'serviceId=web', service({ template: { containers: [{ image: 'i', envs: [] }], fooBar: 1 } })));
    assert.equal(e.code, 400);
    assert.equal(e.status, 'INVALID_ARGUMENT');
    assert.equal(
      e.message,
      [
        `Invalid JSON payload received. Unknown name "envs" at 'service.template.containers[0]': Cannot find field.`,
        `Invalid JSON payload received. Unknown name "fooBar" at 'service.template': Cannot find field.`,
      ].join('\n'),
    );
    assert.deepEqual(violations(e), [
      {
        field: 'service.template.containers[0]',
        description: `Invalid JSON payload received. Unknown name "envs" at 'service.template.containers[0]': Cannot find field.`,
      },
      { field: 'service.template', description: `Invalid JSON payload received. Unknown name "fooBar" at 'service.template': Cannot find field.` },
    ]);
    const top = errorOf(() => check('POST', `${SERVICE}:setIamPolicy`, '', { policy: {}, polcy: {} }));
    assert.deepEqual(violations(top), [{ description: 'Invalid JSON payload received. Unknown name "polcy": Cannot find field.' }]);
  });

  it('walks oneofs, maps, repeated fields and well-known types', () => {
    const env = (value: Record<string, unknown>) => service({}, { env: [{ name: 'A', ...value }] });
    assert.ok(check('POST', `${PARENT}/services`, 'serviceId=web', env({ valueSource: { secretKeyRef: { secret: 's', version: 'latest' } } })));
    const both = errorOf(() => check('POST', `${PARENT}/services`, 'serviceId=web', env({ value: 'x', valueSource: {} })));
    assert.match(both.message, /^Invalid value at 'service\.template\.containers\[0\]\.env\[0\]\.value_source' \(oneof\), oneof field 'values' is already set/);
    const labels = errorOf(() => check('POST', `${PARENT}/services`, 'serviceId=web', service({ labels: { a: { b: 1 } } })));
    assert.equal(labels.message, `Invalid value at 'service.labels[0].value' (TYPE_STRING), Starting an object on a scalar field`);
    const timeout = errorOf(() => check('POST', `${PARENT}/services`, 'serviceId=web', service({ template: { timeout: 30, containers: [{ image: 'i' }] } })));
    assert.equal(timeout.message, `Invalid value at 'service.template.timeout' (type.googleapis.com/google.protobuf.Duration), 30`);
    assert.ok(check('POST', `${PARENT}/services`, 'serviceId=web', service({ template: { timeout: '30s', containers: [{ image: 'i' }] } })));
    const notList = errorOf(() => check('POST', `${PARENT}/services`, 'serviceId=web', service({ template: [] })));
    assert.equal(notList.message, `Invalid JSON payload received. Unknown name "template" at 'service': Proto field is not repeating, cannot start list.`);
    const ingress = errorOf(() => check('POST', `${PARENT}/services`, 'serviceId=web', service({ ingress: 'EVERYONE' })));
    assert.equal(ingress.message, `Invalid value at 'service.ingress' (type.googleapis.com/google.cloud.run.v2.IngressTraffic), "EVERYONE"`);
    assert.ok(check('POST', `${PARENT}/services`, 'serviceId=web', service({ ingress: 1 })));
    // The proto name is as good as the JSON name, and the handler gets the JSON one.
    const snake = check('POST', `${PARENT}/services`, 'serviceId=web', service({ invoker_iam_disabled: true }));
    assert.deepEqual(JSON.parse(String(snake.body)).invokerIamDisabled, true);
  });

  it('requires REQUIRED fields, within an update only those its mask names', () => {
    const missing = errorOf(() => check('POST', `${PARENT}/services`, 'serviceId=web', { labels: {} }));
    assert.equal(missing.message, 'Violation in CreateServiceRequest.service.template: required field not present.');
    assert.deepEqual(violations(missing), [
      {
        field: 'Violation in CreateServiceRequest.service.template',
        description: 'Violation in CreateServiceRequest.service.template: required field not present.',
      },
    ]);
    assert.equal(
      errorOf(() => check('POST', `${PARENT}/services`, '', service())).message,
      'Violation in CreateServiceRequest.service_id: required field not present.',
    );
    const image = errorOf(() => check('POST', `${PARENT}/services`, 'serviceId=web', service({}, { image: '' })));
    assert.equal(image.message, 'Violation in CreateServiceRequest.service.template.containers[0].image: required field not present.');
    assert.ok(check('PATCH', SERVICE, 'updateMask=invokerIamDisabled', { invokerIamDisabled: true }));
    assert.match(errorOf(() => check('PATCH', SERVICE, '', { invokerIamDisabled: true })).message, /UpdateServiceRequest\.service\.template: required/);
    // Cloud Build's regional form names the project in `parent`, not `project_id`.
    assert.ok(check('POST', '/v1/projects/p/locations/l/builds', '', { steps: [] }));
  });

  it('accepts OUTPUT_ONLY fields and drops them before the handler sees the body', () => {
    const r = check(
      'POST',
      `${PARENT}/services`,
      'serviceId=web',
      service({ uri: 'https://x', reconciling: true, terminalCondition: { state: 1 }, description: 'd' }),
    );
    assert.deepEqual(Object.keys(JSON.parse(String(r.body))).sort(), ['description', 'template']);
  });

  it('refuses a resource name with an empty component as malformed', () => {
    const e = errorOf(() => check('GET', `${PARENT}/services/`));
    assert.equal(e.message, `Malformed name: 'projects/p/locations/europe-west1/services/'`);
    assert.deepEqual(violations(e), [{ field: 'projects/p/locations/europe-west1/services/', description: 'URL path has empty component' }]);
    assert.throws(
      () => check('GET', '/v2/projects//locations/l/services/web'),
      (x: unknown) => x instanceof ApiError && /^Malformed name/.test(x.message),
    );
  });

  it('refuses a query parameter the request message does not have, or a bad value', () => {
    const e = errorOf(() => check('GET', `${PARENT}/services`, 'pageSize=5&pageSise=5'));
    assert.equal(
      e.message,
      `Invalid JSON payload received. Unknown name "pageSise": Cannot bind query parameter. Field 'pageSise' could not be found in request message.`,
    );
    assert.equal(errorOf(() => check('GET', `${PARENT}/services`, 'pageSize=many')).message, `Invalid value at 'page_size' (TYPE_INT32), "many"`);
    assert.match(
      errorOf(() => check('PATCH', SERVICE, 'service=x', service())).message,
      /'service' is a message type\. Parameters can only be bound to primitive types\.$/,
    );
    assert.ok(check('GET', `${PARENT}/services`, 'page_size=5&showDeleted=true&fields=services.name&prettyPrint=false'));
  });

  it('finds the Operations rules in a generated client’s source', () => {
    const src =
      "x; lroOptions.httpRules = [{ selector: 'google.longrunning.Operations.GetOperation', get: '/v1/{name=x/*}', additional_bindings: [{ get: '/v1/{name=y/*}' }] }]; y = ']';";
    assert.deepEqual(lroRulesIn(src), [
      { selector: 'google.longrunning.Operations.GetOperation', get: '/v1/{name=x/*}', additional_bindings: [{ get: '/v1/{name=y/*}' }] },
    ]);
  });

  it('knows which paths have a contract', () => {
    assert.equal(contractFamily(['v1', 'projects']), undefined);
    assert.equal(contractFamily(['v1', 'projects', 'p:testIamPermissions']), undefined);
    assert.equal(contractFamily(['v1', 'projects', 'p', 'services:batchGet']), undefined);
    assert.equal(contractFamily(['v1', 'projects', 'p', 'secrets']), 'google');
    assert.equal(contractFamily(['v2', 'entries:list']), 'google');
    assert.equal(contractFamily(['upload', 'storage', 'v1', 'b', 'x', 'o']), 'storage');
  });
});

describe('emulator contracts: Cloud Storage’s published field list', () => {
  const storage = (method: string, path: string, query: string, body?: unknown, contentType = 'application/json') =>
    checkStorage(method, path, new URLSearchParams(query), contentType, body === undefined ? Buffer.alloc(0) : json(body));

  it('accepts the requests Devgem makes', () => {
    storage('GET', '/storage/v1/b', 'project=p&prefix=x&maxResults=50');
    storage('POST', '/storage/v1/b', 'project=p', {
      name: 'b',
      location: 'EU',
      iamConfiguration: { uniformBucketLevelAccess: { enabled: true } },
      lifecycle: { rule: [{ action: { type: 'Delete' }, condition: { age: 30 } }] },
    });
    storage('POST', '/upload/storage/v1/b/b/o', 'uploadType=resumable&name=o&ifGenerationMatch=0', {
      contentType: 'application/gzip',
      metadata: { k: 'v' },
      cacheControl: 'no-store',
    });
    storage('PUT', '/upload/storage/v1/b/b/o', 'uploadType=resumable&name=o&upload_id=abc');
    storage('GET', '/storage/v1/b/b/o/log.txt', 'alt=media');
  });

  it('refuses unknown resource fields, unknown parameters and a missing project', () => {
    const field = errorOf(() => storage('POST', '/storage/v1/b', 'project=p', { name: 'b', lifecycle: { rule: [{ action: { kind: 'Delete' } }] } }));
    assert.equal(field.message, `Invalid JSON payload received. Unknown name "kind" at 'lifecycle.rule[0].action': Cannot find field.`);
    assert.deepEqual(field.extra.errors, [{ message: field.message, domain: 'global', reason: 'invalid' }]);
    assert.match(errorOf(() => storage('GET', '/storage/v1/b', 'project=p&prefixes=x')).message, /Unknown name "prefixes": Cannot bind query parameter/);
    assert.equal(errorOf(() => storage('POST', '/storage/v1/b', '', { name: 'b' })).message, 'Required parameter: project');
    assert.throws(() => storage('GET', '/storage/v1/buckets', ''), NoBinding);
    const multipart = (meta: unknown) =>
      Buffer.from(`--xyz\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(meta)}\r\n--xyz\r\nContent-Type: text/plain\r\n\r\nhello\r\n--xyz--\r\n`);
    const upload = (meta: unknown) =>
      checkStorage('POST', '/upload/storage/v1/b/b/o', new URLSearchParams('uploadType=multipart'), 'multipart/related; boundary=xyz', multipart(meta));
    upload({ name: 'o', contentType: 'text/plain' });
    assert.equal(
      errorOf(() => upload({ name: 'o', contentTyp: 'text/plain' })).message,
      'Invalid JSON payload received. Unknown name "contentTyp": Cannot find field.',
    );
  });
});
