import { AddressInfo } from 'node:net';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  parsed: ParsedMail;
  /** When the server had the whole message (before any delay and before it answered). */
  receivedAt?: number;
}

/** A real SMTP peer inside the test: the product talks SMTP to it exactly as it would to a mail server. */
export class SmtpSink {
  readonly mails: CaughtMail[] = [];
  private server!: SMTPServer;
  /** Optional: answer some messages with an SMTP error instead of accepting them. */
  respond: ((mail: CaughtMail) => { code: number; message: string } | null) | null = null;
  /** Optional: wait this long before answering a message, as a slow server does. */
  delayMs = 0;
  /** Every message offered (accepted or refused), for counting attempts. */
  readonly offered: CaughtMail[] = [];
  private readonly closed = new Set<string>();
  /** SMTP connections opened to the sink so far (a pooled sender reuses them). */
  connections = 0;
  private readonly open = new Set<string>();
  /** While set, no message is answered: each waits here (see hold()). */
  private held: (() => void)[] | null = null;
  /** The slow server's waits under way, each cut short by stop(). */
  private readonly delays = new Set<() => void>();

  async start(): Promise<string> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onConnect: (session, callback) => {
        this.connections++;
        this.open.add(session.id);
        callback();
      },
      onClose: (session) => {
        this.closed.add(session.id);
        this.open.delete(session.id);
      },
      onData: (stream, session, callback) => {
        simpleParser(stream).then(async (parsed) => {
          const mail: CaughtMail = {
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            parsed,
            receivedAt: Date.now(),
          };
          this.offered.push(mail);
          if (this.delayMs > 0) await this.delay(this.delayMs);
          if (this.held) await new Promise<void>((go) => this.held!.push(go));
          // A client that went away before hearing the answer (a killed worker) has not delivered the mail.
          if (this.closed.has(session.id)) return callback(new Error('client gone'));
          const failure = this.respond?.(mail);
          if (failure) {
            const error = Object.assign(new Error(failure.message), { responseCode: failure.code });
            return callback(error);
          }
          this.mails.push(mail);
          callback();
        }, callback);
      },
    });
    // A client killed mid-conversation (the crash test's worker) resets its socket: that is expected, not a
    // failure of the test, and an 'error' event nobody listens to would end the whole test file.
    this.server.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') throw error;
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    return `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
  }

  /**
   * Stops answering: from now on no message gets its 250 until release(). Returns the messages accepted so far,
   * every one of which has had its 250, so a test that kills a client next knows which 250s came before the kill.
   */
  hold(): CaughtMail[] {
    this.held ??= [];
    return [...this.mails];
  }

  /** Answers the messages held (a client that went away meanwhile gets none: its mail is not delivered). */
  release(): void {
    const waiting = this.held ?? [];
    this.held = null;
    for (const go of waiting) go();
  }

  /** SMTP sessions open now. */
  get openSessions(): number {
    return this.open.size;
  }

  async waitFor(count: number, timeoutMs = 15_000): Promise<CaughtMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.mails.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} mails, caught ${this.mails.length}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return this.mails;
  }

  /**
   * A slow server's wait before its answer, ended by stop(): a wait left running after the test kept jest's worker
   * alive for its length ("failed to exit gracefully" after chasing-crash, whose killed worker's mails waited 3 s).
   */
  private delay(ms: number): Promise<void> {
    return new Promise((go) => {
      const cut = () => {
        clearTimeout(timer);
        this.delays.delete(cut);
        go();
      };
      const timer = setTimeout(cut, ms);
      this.delays.add(cut);
    });
  }

  stop(): Promise<void> {
    for (const cut of [...this.delays]) cut();
    this.release();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
