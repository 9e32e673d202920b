// What one body check carries through the recursion. Its own file, so the
// message checker (bodyCheck.ts) and the well-known types (wellKnown.ts), which
// call each other, share it without importing each other.
import type { Violation } from './googleErrors';
import type { MessageDef, ProtoTable } from './protoTable';

export interface BodyCheck {
  table: ProtoTable;
  violations: Violation[];
  /** Paths of the OUTPUT_ONLY fields the request set and the API ignores. */
  ignored?: string[];
}

/** Checks `value` as message `msg` at `path`; returns it normalised (bodyCheck.ts's checkMessage). */
export type MessageChecker = (c: BodyCheck, msg: MessageDef, value: unknown, path: string) => Record<string, unknown> | undefined;
