// The sidebar page itself scrolls (the chat is its last section). New chat
// content keeps the bottom in view only for a reader who was already there;
// someone scrolled up to read stays put.

/** Slack for sub-pixel layout and a partly visible last line. */
const NEAR_BOTTOM_PX = 24;

function scroller(): Element {
  return document.scrollingElement ?? document.documentElement;
}

export function isAtBottom(): boolean {
  const el = scroller();
  return el.scrollTop + el.clientHeight >= el.scrollHeight - NEAR_BOTTOM_PX;
}

export function scrollToBottom(): void {
  const el = scroller();
  el.scrollTop = el.scrollHeight;
}
