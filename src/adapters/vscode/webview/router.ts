import type { WebviewMessage } from '../../../shared/protocol';

export type WebviewMessageType = WebviewMessage['type'];
export type WebviewMessageOf<K extends WebviewMessageType> = Extract<WebviewMessage, { type: K }>;

/**
 * One handler per webview message type, each typed with its own message. A
 * type added to WebviewMessage does not compile until it has a handler here,
 * so a validated message can no longer be dropped silently.
 */
export type WebviewHandlers = { [K in WebviewMessageType]: (message: WebviewMessageOf<K>) => Promise<void> | void };

/** Dispatches a validated message to its handler. */
export function webviewRouter(handlers: WebviewHandlers): (message: WebviewMessage) => Promise<void> {
  return async (message) => {
    // The map's type pairs each key with its message; indexing by a union loses that pairing, not its safety.
    const handler = handlers[message.type] as (message: WebviewMessage) => Promise<void> | void;
    await handler(message);
  };
}
