/**
 * What one replay has already projected: per stream, the last version its projection read. A later event of the
 * stream at or below that version was already in that read, so projecting the stream again would write the same
 * rows. Only a shortcut: forgetting (past the cap, so a huge log cannot exhaust memory) only costs a re-read.
 */
export class ProjectedStreams {
  private readonly versions = new Map<string, number>();

  constructor(private readonly cap = 1_000_000) {}

  covers(streamId: string, version: number): boolean {
    return (this.versions.get(streamId) ?? 0) >= version;
  }

  record(streamId: string, lastVersionRead: number): void {
    if (this.versions.size >= this.cap) this.versions.clear();
    this.versions.set(streamId, lastVersionRead);
  }
}
