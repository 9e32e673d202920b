import { notFound } from './http';

/** A google.longrunning.Operation as sent over REST. */
export interface OperationJson {
  name: string;
  done: boolean;
  metadata?: Record<string, unknown>;
  response?: Record<string, unknown>;
  error?: { code: number; message: string; details?: unknown[] };
}

/**
 * Long-running operations of every service, keyed by their full name.
 * An operation is rendered on each poll, so its metadata can follow a live resource.
 */
export class OperationStore {
  private readonly ops = new Map<string, () => OperationJson>();

  /** Registers an operation whose JSON is computed on every read. */
  register(name: string, view: () => OperationJson): void {
    this.ops.set(name, view);
  }

  /** Registers an operation with a fixed initial state and returns a handle to update it. */
  create(name: string, metadata: Record<string, unknown>): MutableOperation {
    const op = new MutableOperation(name, metadata);
    this.ops.set(name, () => op.toJson());
    return op;
  }

  get(name: string): OperationJson {
    const view = this.ops.get(name);
    if (!view) throw notFound(`Operation ${name} not found.`);
    return view();
  }

  clear(): void {
    this.ops.clear();
  }
}

export class MutableOperation {
  done = false;
  response?: Record<string, unknown>;
  error?: { code: number; message: string };

  constructor(
    readonly name: string,
    public metadata: Record<string, unknown>,
  ) {}

  succeed(response: Record<string, unknown>, metadata?: Record<string, unknown>): void {
    this.done = true;
    this.response = response;
    if (metadata) this.metadata = metadata;
  }

  fail(code: number, message: string, metadata?: Record<string, unknown>): void {
    this.done = true;
    this.error = { code, message };
    if (metadata) this.metadata = metadata;
  }

  toJson(): OperationJson {
    const j: OperationJson = { name: this.name, done: this.done, metadata: this.metadata };
    if (this.response) j.response = this.response;
    if (this.error) j.error = this.error;
    return j;
  }
}

/** Adds the `@type` a google.protobuf.Any needs. */
export function any(typeName: string, body: object): Record<string, unknown> {
  return { '@type': `type.googleapis.com/${typeName}`, ...body };
}
