/**
 * Shell-style recall of sent messages. Up/Down only move through history while
 * the input is empty or still shows the recalled entry unchanged, so arrow
 * keys keep working as cursor keys inside a draft.
 */
export class ChatHistory {
  private readonly entries: string[] = [];
  /** Index into entries; entries.length means "past the newest" (empty input). */
  private cursor = 0;

  constructor(private readonly limit = 50) {}

  push(text: string): void {
    if (this.entries[this.entries.length - 1] !== text) this.entries.push(text);
    if (this.entries.length > this.limit) this.entries.shift();
    this.cursor = this.entries.length;
  }

  /** True when Up/Down should navigate history rather than move the caret. */
  canNavigate(current: string): boolean {
    return current === '' || current === this.entries[this.cursor];
  }

  /** The older entry, or undefined at the oldest. */
  previous(): string | undefined {
    if (this.cursor === 0) return undefined;
    this.cursor--;
    return this.entries[this.cursor];
  }

  /** The newer entry, '' past the newest, undefined when already there. */
  next(): string | undefined {
    if (this.cursor >= this.entries.length) return undefined;
    this.cursor++;
    return this.entries[this.cursor] ?? '';
  }

  /** Called when the user edits: the next Up starts from the newest again. */
  reset(): void {
    this.cursor = this.entries.length;
  }
}
