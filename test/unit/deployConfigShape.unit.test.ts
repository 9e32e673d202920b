// .devgem/deploy.json has one shape, DeployConfigData in src/shared/protocol.ts; the
// places that describe it again (the JSON schema editors validate the file with, the
// chat tool's parameters, the settings form's fields, core's field order) must name
// exactly its fields, so a field added in one place cannot be forgotten in another.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { INGRESS_VALUES, type DeployConfigData } from '../../src/shared/protocol';
import { DEPLOY_CONFIG_FIELDS } from '../../src/core/deploy/deployConfig';
import { saveDeployConfigTool } from '../../src/core/agent/tools/deployConfigTools';
import { FIELDS } from '../../webview-ui/src/settings/deploySettingsFields';

const ROOT = path.resolve(__dirname, '..', '..', '..');

interface SchemaProperty {
  type: string;
  enum?: string[];
  items?: { type: string };
  additionalProperties?: { type: string };
}
const schema = JSON.parse(readFileSync(path.join(ROOT, 'schemas', 'deploy.schema.json'), 'utf8')) as {
  additionalProperties: boolean;
  properties: Record<string, SchemaProperty>;
};

/** The JSON type of each field. A `Record` over the protocol type's keys: the compiler refuses one missing here. */
const JSON_TYPE: Record<keyof DeployConfigData, 'string' | 'integer' | 'object' | 'array'> = {
  app: 'string',
  service: 'string',
  region: 'string',
  cpu: 'string',
  memory: 'string',
  minInstances: 'integer',
  maxInstances: 'integer',
  concurrency: 'integer',
  timeoutSeconds: 'integer',
  ingress: 'string',
  serviceAccount: 'string',
  env: 'object',
  secrets: 'object',
  vpcConnector: 'string',
  cloudSqlInstances: 'array',
};
const TYPE_FIELDS = Object.keys(JSON_TYPE).sort();
const schemaFields = () =>
  Object.keys(schema.properties)
    .filter((k) => k !== '$schema')
    .sort();

describe('one shape for .devgem/deploy.json', () => {
  it('the JSON schema lists exactly the fields of DeployConfigData, and no others', () => {
    assert.deepEqual(schemaFields(), TYPE_FIELDS);
    assert.equal(schema.additionalProperties, false, 'the file refuses unknown fields, as validateDeployConfig does');
  });

  it('each schema property has the JSON type of the field', () => {
    for (const [field, type] of Object.entries(JSON_TYPE)) assert.equal(schema.properties[field].type, type, field);
    assert.equal(schema.properties.cloudSqlInstances.items?.type, 'string');
    assert.equal(schema.properties.env.additionalProperties?.type, 'string');
    assert.equal(schema.properties.secrets.additionalProperties?.type, 'string');
  });

  it("the schema's ingress values are the protocol's", () => {
    assert.deepEqual(schema.properties.ingress.enum, [...INGRESS_VALUES]);
  });

  it("core's field order, the chat tool's parameters and the settings form name the same fields", () => {
    assert.deepEqual([...DEPLOY_CONFIG_FIELDS].sort(), TYPE_FIELDS, "core's DEPLOY_CONFIG_FIELDS");
    assert.equal(new Set(DEPLOY_CONFIG_FIELDS).size, DEPLOY_CONFIG_FIELDS.length, 'each field once');
    assert.deepEqual(Object.keys(saveDeployConfigTool().parameters.properties ?? {}).sort(), TYPE_FIELDS, 'save_deploy_config parameters');
    assert.deepEqual(FIELDS.map((f) => f.key).sort(), TYPE_FIELDS, 'the Deploy settings form');
  });
});
