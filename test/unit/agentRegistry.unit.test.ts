import * as assert from 'node:assert/strict';
import type { JsonSchema } from '../../src/core/agent/model';
import { ToolRegistry, type AgentTool } from '../../src/core/agent/registry';
import { validateArgs } from '../../src/core/agent/schema';
import { CancelledError, DevgemError } from '../../src/core/base/errors';
import { TestConfirm } from '../support/agentHarness';

const schema: JsonSchema = {
  type: 'object',
  properties: {
    service: { type: 'string', pattern: '^[a-z][a-z0-9-]*$', maxLength: 10 },
    count: { type: 'integer', minimum: 1, maximum: 5 },
    public: { type: 'boolean' },
    env: { type: 'object', additionalProperties: { type: 'string' }, maxProperties: 2 },
    names: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, maxItems: 2 },
  },
  required: ['service'],
};

describe('tool argument validation', () => {
  it('accepts arguments that fit the schema', () => {
    const r = validateArgs(schema, { service: 'api', count: 2, public: false, env: { A: '1' }, names: ['a'] });
    assert.ok(r.ok);
  });

  const bad: [string, unknown, RegExp][] = [
    ['a missing required field', {}, /args\.service is required/],
    ['a wrong type', { service: 42 }, /service must be a string, got number/],
    ['a pattern mismatch', { service: 'API' }, /service must match/],
    ['too long', { service: 'a'.repeat(11) }, /at most 10/],
    ['a fractional integer', { service: 'a', count: 1.5 }, /whole number/],
    ['out of range', { service: 'a', count: 9 }, /≤ 5/],
    ['NaN', { service: 'a', count: Number.NaN }, /must be a number/],
    ['a string boolean', { service: 'a', public: 'yes' }, /true or false/],
    ['an unknown argument', { service: 'a', force: true }, /force is not a known argument \(known: service/],
    ['a non-string map value', { service: 'a', env: { A: 1 } }, /env\.A must be a string/],
    ['too many map entries', { service: 'a', env: { A: '1', B: '2', C: '3' } }, /at most 2 allowed/],
    ['an enum miss inside an array', { service: 'a', names: ['c'] }, /names\[0\] must be one of a, b/],
    ['an array given as an object', { service: 'a', names: 'a' }, /must be an array/],
    ['not an object at all', 'deploy', /args must be an object, got string/],
    ['an array instead of an object', [1], /args must be an object, got array/],
  ];
  for (const [what, value, expected] of bad) {
    it(`rejects ${what}`, () => {
      const r = validateArgs(schema, value);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.errors.join('; '), expected);
    });
  }

  // Arguments come from the model as parsed JSON: names every object inherits are not declared arguments.
  for (const key of ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__', 'isPrototypeOf']) {
    it(`rejects "${key}", which only the object prototype knows`, () => {
      const value = JSON.parse(`{"service": "a", "${key}": {"polluted": true}}`) as unknown;
      const r = validateArgs(schema, value);
      assert.equal(r.ok, false, `${key} was accepted`);
      if (!r.ok) assert.match(r.errors.join('; '), new RegExp(`args\\.${key} is not (a known argument|allowed)`));
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });
  }

  it('does not count an inherited name as a present required argument', () => {
    const r = validateArgs({ type: 'object', properties: { other: { type: 'string' } }, required: ['toString'] }, {});
    assert.equal(r.ok, false);
  });

  it('keeps a __proto__ key in a map a plain key, never a prototype', () => {
    const r = validateArgs(schema, JSON.parse('{"service": "a", "env": {"__proto__": "x"}}'));
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.errors.join('; '), /env\.__proto__ is not allowed/);
  });

  it('treats missing args as an empty object', () => {
    assert.ok(validateArgs({ type: 'object', properties: {} }, undefined).ok);
  });
});

describe('tool registry', () => {
  const ran: string[] = [];
  const read: AgentTool<{ service: string }, unknown> = {
    name: 'describe',
    description: 'Describe',
    parameters: schema,
    risk: 'read',
    run: async (args) => {
      ran.push(`describe ${args.service}`);
      return { data: { ok: true }, summary: 'ok' };
    },
  };
  const write: AgentTool<{ service: string }, unknown> = {
    name: 'remove',
    description: 'Remove',
    parameters: schema,
    risk: 'destructive',
    confirmation: async (args) => ({ title: `Remove ${args.service}?`, details: [{ label: 'Service', value: args.service }], approveLabel: 'Remove' }),
    run: async (args) => {
      ran.push(`remove ${args.service}`);
      return { data: { removed: args.service }, summary: 'removed' };
    },
  };
  const failing: AgentTool<Record<string, never>, unknown> = {
    name: 'failing',
    description: 'Fails',
    parameters: { type: 'object', properties: {} },
    risk: 'read',
    run: async () => {
      throw new DevgemError('permission-denied', 'Permission run.services.get denied', { fix: 'Grant roles/run.viewer.' });
    },
  };
  const registry = new ToolRegistry<unknown>().register(read).register(write).register(failing);
  const signal = new AbortController().signal;
  beforeEach(() => ran.splice(0));

  it('refuses to register a write tool without a confirmation, and a name twice', () => {
    assert.throws(() => new ToolRegistry().register({ ...write, confirmation: undefined }), /needs a confirmation/);
    assert.throws(() => new ToolRegistry().register(read).register(read), /registered twice/);
  });

  it('declares every tool, marking the ones that need approval', () => {
    const d = registry.declarations();
    assert.deepEqual(
      d.map((t) => t.name),
      ['describe', 'remove', 'failing'],
    );
    assert.match(d[1].description, /destructive: runs only after the user approves/);
    assert.doesNotMatch(d[0].description, /approves/);
  });

  it('answers an unknown tool with the list of real ones, running nothing', async () => {
    const o = await registry.execute({ name: 'delete_everything', args: {} }, {}, { confirm: new TestConfirm() }, signal);
    assert.equal(o.status, 'failed');
    assert.match(String(o.response.error), /no tool named "delete_everything".*describe, remove, failing/);
    assert.deepEqual(ran, []);
  });

  it('gives invalid arguments back to the model before the handler or any question', async () => {
    const confirm = new TestConfirm();
    const o = await registry.execute({ name: 'remove', args: { service: 7 } }, {}, { confirm }, signal);
    assert.equal(o.status, 'failed');
    assert.match(String(o.response.error), /Invalid arguments for remove: args\.service must be a string/);
    assert.equal(confirm.asked.length, 0);
    assert.deepEqual(ran, []);
  });

  it('runs a read tool without asking', async () => {
    const confirm = new TestConfirm([], false);
    const o = await registry.execute({ name: 'describe', args: { service: 'api' } }, {}, { confirm }, signal);
    assert.equal(o.status, 'done');
    assert.deepEqual(ran, ['describe api']);
    assert.equal(confirm.asked.length, 0);
  });

  it('runs a destructive tool only after the user approves, and never when declined', async () => {
    const statuses: string[] = [];
    const confirm = new TestConfirm([false, true]);
    const declined = await registry.execute({ name: 'remove', args: { service: 'api' } }, {}, { confirm, onStatus: (s) => statuses.push(s) }, signal);
    assert.equal(declined.status, 'declined');
    assert.equal(declined.response.declined, true);
    assert.deepEqual(ran, []);
    const approved = await registry.execute({ name: 'remove', args: { service: 'api' } }, {}, { confirm, onStatus: (s) => statuses.push(s) }, signal);
    assert.equal(approved.status, 'done');
    assert.deepEqual(ran, ['remove api']);
    assert.deepEqual(
      confirm.asked.map((a) => [a.tool, a.risk, a.title]),
      [
        ['remove', 'destructive', 'Remove api?'],
        ['remove', 'destructive', 'Remove api?'],
      ],
    );
    assert.deepEqual(statuses, ['awaiting-confirmation', 'awaiting-confirmation', 'running']);
  });

  it('turns a DevgemError into a message with its fix for the model', async () => {
    const o = await registry.execute({ name: 'failing', args: {} }, {}, { confirm: new TestConfirm() }, signal);
    assert.equal(o.status, 'failed');
    assert.equal(o.response.error, 'Permission run.services.get denied Fix: Grant roles/run.viewer.');
  });

  it('lets a cancel through instead of reporting it to the model', async () => {
    const controller = new AbortController();
    const slow: AgentTool<Record<string, never>, unknown> = {
      name: 'slow',
      description: 'slow',
      parameters: { type: 'object', properties: {} },
      risk: 'read',
      run: async () => {
        controller.abort();
        throw new CancelledError();
      },
    };
    const r = new ToolRegistry<unknown>().register(slow);
    await assert.rejects(r.execute({ name: 'slow', args: {} }, {}, { confirm: new TestConfirm() }, controller.signal), CancelledError);
  });
});
