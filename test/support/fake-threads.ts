import type { SlackThreadReader, ThreadReply } from '../../src/slack/thread-reader.js';

/** A Slack thread that answers like conversations.replies: replies after `oldest`, oldest first. */
export class FakeThreads implements SlackThreadReader {
  readonly threads = new Map<string, ThreadReply[]>();
  reads = 0;
  say(threadTs: string, user: string, text: string, ts: string): void {
    this.threads.set(threadTs, [...(this.threads.get(threadTs) ?? []), { ts, user, text }]);
  }
  async replies(_channel: string, threadTs: string, oldest: string | undefined): Promise<ThreadReply[]> {
    this.reads++;
    return (this.threads.get(threadTs) ?? []).filter(
      (r) => oldest === undefined || Number(r.ts) > Number(oldest),
    );
  }
}
