import { StringDecoder } from 'node:string_decoder';
import type { StoragePort } from '../cloud/ports';

/**
 * Follows a growing Cloud Storage object (Cloud Build's log) by byte offset and
 * hands out complete lines, so the tracker shows the build while it runs.
 */
export class LogTail {
  private offset = 0;
  private partial = '';
  // A chunk can end inside a multi-byte character; the decoder carries it over.
  private readonly decoder = new StringDecoder('utf8');
  private readonly recent: string[] = [];

  constructor(
    private readonly storage: StoragePort,
    private readonly project: string,
    private readonly bucket: string,
    private readonly object: string,
    private readonly keep = 40,
  ) {}

  /** New complete lines since the last call ([] while the object does not exist yet). */
  async poll(signal: AbortSignal): Promise<string[]> {
    const chunk = await this.storage.readFrom({ project: this.project, bucket: this.bucket, object: this.object, offset: this.offset }, signal);
    if (!chunk || chunk.length === 0) return [];
    this.offset += chunk.length;
    const text = this.partial + this.decoder.write(chunk);
    const parts = text.split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    this.remember(parts);
    return parts;
  }

  /** Whatever is left after the build ended, including a last line without a newline. */
  async drain(signal: AbortSignal): Promise<string[]> {
    const lines = await this.poll(signal);
    if (this.partial) {
      lines.push(this.partial);
      this.remember([this.partial]);
      this.partial = '';
    }
    return lines;
  }

  /** The last lines seen: the part of a failed build's log worth showing. */
  tail(): string[] {
    return [...this.recent];
  }

  private remember(lines: string[]): void {
    this.recent.push(...lines);
    if (this.recent.length > this.keep) this.recent.splice(0, this.recent.length - this.keep);
  }
}
