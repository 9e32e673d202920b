// The answers Google's front end gives a request that breaks an API's published
// contract, word for word where real answers were seen (cited), in the usual
// `{error: {code, message, status, details}}` envelope.
import { ApiError } from '../http';

/** One google.rpc.BadRequest.FieldViolation; `field` is absent when the problem is at the top level. */
export interface Violation {
  field?: string;
  description: string;
}

const BAD_REQUEST = 'type.googleapis.com/google.rpc.BadRequest';

/** 400 INVALID_ARGUMENT: the descriptions joined by new lines, each also a field violation. */
export function badRequest(violations: Violation[]): ApiError {
  return new ApiError(400, 'INVALID_ARGUMENT', violations.map((v) => v.description).join('\n'), {
    details: [
      {
        '@type': BAD_REQUEST,
        fieldViolations: violations.map((v) => (v.field ? { field: v.field, description: v.description } : { description: v.description })),
      },
    ],
  });
}

// e.g. `Invalid JSON payload received. Unknown name "thinking": Cannot find field.` and, nested,
// `… Unknown name "ref" at 'tools[0].function_declarations[0].parameters': Cannot find field.`
export function unknownName(name: string, at: string, why = 'Cannot find field.'): Violation {
  return { field: at || undefined, description: `Invalid JSON payload received. Unknown name "${name}"${at ? ` at '${at}'` : ''}: ${why}` };
}

/** `Invalid value at 'page_size' (TYPE_INT32), "abc"`: the value as protobuf's converter prints it. */
export function invalidValue(at: string, type: string, shown: string): Violation {
  return { field: at || undefined, description: `Invalid value at '${at}' (${type}), ${shown}` };
}

// e.g. `Invalid JSON payload received. Unknown name "refresh_tokens": Cannot bind query parameter.
// Field 'refresh_tokens' could not be found in request message.`
export function unknownQueryParameter(name: string, missing: string): Violation {
  return {
    description: `Invalid JSON payload received. Unknown name "${name}": Cannot bind query parameter. Field '${missing}' could not be found in request message.`,
  };
}

export function queryParameterIsMessage(name: string, field: string): Violation {
  return {
    description: `Invalid JSON payload received. Unknown name "${name}": Cannot bind query parameter. '${field}' is a message type. Parameters can only be bound to primitive types.`,
  };
}

// Cloud Run v2 answers a field it refuses with `Violation in CreateServiceRequest.service_id: …`, the
// field violation's `field` being that same "Violation in …" text (seen in pulumi/pulumi-gcp#3167);
// a missing required field reads `Violation in CreateServiceRequest.service.template: required field
// not present.` (googleapis/google-cloud-java#11101).
export function requiredMissing(requestType: string, path: string): Violation {
  const where = `Violation in ${requestType.split('.').pop()}.${path}`;
  return { field: where, description: `${where}: required field not present.` };
}

// A path variable with an empty segment, e.g. `…/services/`: `Malformed name: 'projects/p/locations/l/functions/'`
// with the violation "URL path has empty component" (seen from Cloud Functions v2, pulumi/pulumi-google-native#771).
export function malformedName(value: string): ApiError {
  return new ApiError(400, 'INVALID_ARGUMENT', `Malformed name: '${value}'`, {
    details: [{ '@type': BAD_REQUEST, fieldViolations: [{ field: value, description: 'URL path has empty component' }] }],
  });
}

/** Google's front end answers a URL that no binding of the API matches with its HTML 404 page, not JSON. */
export class NoBinding extends Error {
  constructor(readonly path: string) {
    super(`No published binding for ${path}`);
  }

  html(): string {
    const url = this.path.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    return [
      '<!DOCTYPE html>',
      '<html lang=en>',
      '  <meta charset=utf-8>',
      '  <meta name=viewport content="initial-scale=1, minimum-scale=1, width=device-width">',
      '  <title>Error 404 (Not Found)!!1</title>',
      '  <a href=//www.google.com/><span id=logo aria-label=Google></span></a>',
      '  <p><b>404.</b> <ins>That’s an error.</ins>',
      `  <p>The requested URL <code>${url}</code> was not found on this server.  <ins>That’s all we know.</ins>`,
      '',
    ].join('\n');
  }
}
