import * as assert from 'node:assert/strict';
import { call, isNotFound, retried, toDevgemError, type CallContext } from '../../src/adapters/gcp/gcpErrors';
import { CancelledError, DevgemError, type ErrorKind } from '../../src/core/base/errors';

const ctx: CallContext = { what: 'Creating the Cloud Run service', project: 'demo-project', role: 'roles/run.admin', api: 'run.googleapis.com' };

/** An error shaped like the SDKs': gax sets a numeric gRPC `code`, Storage an HTTP one. */
function sdkError(code: number | string | undefined, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code }, extra);
}

describe('GCP error translation', () => {
  const grpc: [number, ErrorKind][] = [
    [5, 'not-found'],
    [6, 'already-exists'],
    [7, 'permission-denied'],
    [9, 'failed-precondition'],
    [14, 'unavailable'],
    [16, 'credentials'],
  ];
  for (const [code, kind] of grpc) {
    it(`gRPC code ${code} -> ${kind}`, () => {
      const err = toDevgemError(sdkError(code, `${code} SOMETHING: details`), ctx);
      assert.equal(err.kind, kind);
    });
  }

  const http: [number, ErrorKind][] = [
    [401, 'credentials'],
    [403, 'permission-denied'],
    [404, 'not-found'],
    [409, 'already-exists'],
    [429, 'resource-exhausted'],
    [503, 'unavailable'],
  ];
  for (const [code, kind] of http) {
    it(`HTTP ${code} -> ${kind}`, () => {
      assert.equal(toDevgemError(sdkError(code, 'The request failed'), ctx).kind, kind);
    });
  }

  it('names the cause on the wire: HTTP status, connection reset, Storage retry exhaustion', () => {
    assert.equal(toDevgemError(sdkError(14, '14 UNAVAILABLE: busy'), ctx).message, 'Creating the Cloud Run service failed (HTTP 503 UNAVAILABLE): busy');
    assert.equal(toDevgemError(sdkError(8, '8 RESOURCE_EXHAUSTED: slow down'), ctx).kind, 'resource-exhausted');
    const reset = toDevgemError(new Error('request to http://x/v2/y?$alt=json failed, reason: socket hang up'), ctx);
    assert.equal(reset.kind, 'unavailable');
    assert.match(reset.message, /\(connection reset\)/);
    assert.doesNotMatch(reset.message, /alt=json/);
    const gcs = toDevgemError(new Error('Retry limit exceeded - status: 503 - {"error":{"code":503,"message":"Backend busy."}}'), ctx);
    assert.equal(gcs.kind, 'unavailable');
    assert.equal(gcs.message, 'Creating the Cloud Run service failed (HTTP 503): Backend busy.');
    assert.match(toDevgemError(sdkError(429, 'Too many'), ctx).fix ?? '', /wait a minute/);
  });

  it('takes a numeric code given as a string', () => {
    assert.equal(toDevgemError(sdkError('404', 'No such object'), ctx).kind, 'not-found');
  });

  it('calls an unlisted 5xx unavailable and an unlisted code unknown', () => {
    assert.equal(toDevgemError(sdkError(507, 'x'), ctx).kind, 'unavailable');
    assert.equal(toDevgemError(sdkError(418, 'x'), ctx).kind, 'unknown');
    assert.equal(toDevgemError(sdkError(2, 'x'), ctx).kind, 'unknown');
  });

  for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND']) {
    it(`${code} -> unavailable, with a retry fix`, () => {
      const err = toDevgemError(sdkError(code, `connect ${code} 127.0.0.1:443`), ctx);
      assert.equal(err.kind, 'unavailable');
      assert.match(err.fix ?? '', /retry/);
    });
  }

  it('an AbortError is cancelled', () => {
    assert.equal(toDevgemError(Object.assign(new Error('aborted'), { name: 'AbortError' }), ctx).kind, 'cancelled');
  });

  it('a message about credentials without a code is a credentials error', () => {
    const err = toDevgemError(new Error('Could not load the default credentials.'), ctx);
    assert.equal(err.kind, 'credentials');
    assert.match(err.fix ?? '', /gcloud auth application-default login/);
  });

  it('says which call failed and strips the gax "7 PERMISSION_DENIED: " prefix', () => {
    const err = toDevgemError(sdkError(7, "7 PERMISSION_DENIED: Permission 'run.services.create' denied on resource"), ctx);
    assert.equal(err.message, "Creating the Cloud Run service failed: Permission 'run.services.create' denied on resource");
  });

  it('keeps only the first line of a long message', () => {
    const err = toDevgemError(sdkError(3, `3 INVALID_ARGUMENT: bad port\n${'stack line\n'.repeat(50)}`), ctx);
    assert.equal(err.message, 'Creating the Cloud Run service failed: bad port');
  });

  it('the permission-denied fix names the role and the project', () => {
    const err = toDevgemError(sdkError(7, '7 PERMISSION_DENIED: denied'), ctx);
    assert.match(err.fix ?? '', /roles\/run\.admin/);
    assert.match(err.fix ?? '', /--role=roles\/run\.admin/);
    assert.match(err.fix ?? '', /demo-project/);
  });

  it('the permission-denied fix without a known role asks a project owner', () => {
    const err = toDevgemError(sdkError(403, 'Forbidden'), { what: 'Uploading', project: 'demo-project' });
    assert.match(err.fix ?? '', /project owner of demo-project/);
  });

  for (const message of [
    '7 PERMISSION_DENIED: Cloud Run Admin API has not been used in project 123 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/run.googleapis.com/overview?project=123',
    '7 PERMISSION_DENIED: SERVICE_DISABLED',
  ]) {
    it(`a disabled API names \`gcloud services enable <api>\` (${message.slice(21, 45)}…)`, () => {
      const err = toDevgemError(sdkError(7, message), ctx);
      assert.equal(err.kind, 'failed-precondition');
      assert.match(err.fix ?? '', /gcloud services enable run\.googleapis\.com --project=demo-project/);
    });
  }

  it('keeps the SDK error as the cause', () => {
    const original = sdkError(5, '5 NOT_FOUND: nope');
    assert.equal(toDevgemError(original, ctx).cause, original);
  });

  it('passes a DevgemError through unchanged', () => {
    const mine = new DevgemError('timeout', 'too slow', { fix: 'wait' });
    assert.equal(toDevgemError(mine, ctx), mine);
  });

  it('turns a thrown non-Error into a message', () => {
    const err = toDevgemError('just a string', ctx);
    assert.equal(err.kind, 'unknown');
    assert.equal(err.message, 'Creating the Cloud Run service failed: just a string');
  });

  it('call() returns the result of a call that works', async () => {
    assert.equal(await call(ctx, async () => 42), 42);
  });

  it('call() rejects with the translated error of a call that fails', async () => {
    await assert.rejects(
      call(ctx, async () => Promise.reject(sdkError(6, '6 ALREADY_EXISTS: exists'))),
      (err: unknown) => {
        assert.ok(err instanceof DevgemError);
        assert.equal(err.kind, 'already-exists');
        assert.equal(err.message, 'Creating the Cloud Run service failed: exists');
        return true;
      },
    );
  });

  it('isNotFound recognises gRPC 5, HTTP 404 and a not-found DevgemError only', () => {
    assert.equal(isNotFound(sdkError(5, 'x')), true);
    assert.equal(isNotFound(sdkError(404, 'x')), true);
    assert.equal(isNotFound(new DevgemError('not-found', 'x')), true);
    assert.equal(isNotFound(sdkError(7, 'x')), false);
    assert.equal(isNotFound(sdkError(403, 'x')), false);
    assert.equal(isNotFound(new DevgemError('config', 'x')), false);
    assert.equal(isNotFound(new Error('not found')), false);
    assert.equal(isNotFound(undefined), false);
  });

  // gaxios (under google-auth-library) puts the HTTP status in `status` and a string in `code`.
  it('an HTTP status given as `status` (gaxios) is mapped like `code`', () => {
    assert.equal(toDevgemError(sdkError(undefined, 'Request failed with status code 403', { status: 403 }), ctx).kind, 'permission-denied');
    assert.equal(isNotFound(sdkError(undefined, 'Request failed with status code 404', { status: 404 })), true);
  });

  it("a gaxios failure says Google's message from the response body, not gaxios' own", () => {
    const err = toDevgemError(
      sdkError(undefined, 'Request failed with status code 409', {
        status: 409,
        response: {
          status: 409,
          data: { error: { code: 409, message: 'Your previous request to create the named bucket succeeded and you already own it.\nmore' } },
        },
      }),
      ctx,
    );
    assert.equal(err.kind, 'already-exists');
    assert.match(err.message, /failed: Your previous request to create the named bucket succeeded and you already own it\.$/);
    assert.doesNotMatch(err.message, /Request failed with status code/);
  });

  it('a call its signal aborted is a cancel: gax CANCELLED (1), gaxios AbortError', () => {
    assert.equal(toDevgemError(sdkError(1, 'The operation was aborted.'), ctx).kind, 'cancelled');
    assert.equal(toDevgemError(sdkError('AbortError', 'The operation was aborted.'), ctx).kind, 'cancelled');
  });

  it("gaxios' own time limit is a transient timeout, said so", () => {
    const err = toDevgemError(sdkError('TimeoutError', 'The operation was aborted due to timeout'), ctx);
    assert.equal(err.kind, 'unavailable');
    assert.match(err.message, /\(timed out\)/);
  });
});

describe("retried() and the caller's signal", () => {
  const reset = () => sdkError('ECONNRESET', 'socket hang up');

  it('tries a transient failure again while the signal holds', async () => {
    let tries = 0;
    const result = await retried(ctx, async () => (++tries < 3 ? Promise.reject(reset()) : 'ok'), new AbortController().signal, [1, 1]);
    assert.equal(result, 'ok');
    assert.equal(tries, 3);
  });

  it('never tries again once the signal aborted, even a failure that looks transient', async () => {
    const controller = new AbortController();
    let tries = 0;
    await assert.rejects(
      retried(
        ctx,
        async () => {
          tries++;
          controller.abort();
          throw reset();
        },
        controller.signal,
        [1, 1],
      ),
      (err: unknown) => err instanceof DevgemError,
    );
    assert.equal(tries, 1);
  });

  it('an abort during the wait between tries ends it at once', async () => {
    const controller = new AbortController();
    let tries = 0;
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(
      retried(
        ctx,
        async () => {
          tries++;
          throw reset();
        },
        controller.signal,
        [10_000],
      ),
      (err: unknown) => err instanceof CancelledError,
    );
    assert.equal(tries, 1);
    // The wait would have been 10 s.
    assert.ok(Date.now() - started < 5000);
  });
});
