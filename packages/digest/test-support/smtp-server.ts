import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface ReceivedMessage {
  /** Envelope recipients. */
  to: string[];
  /** The message as sent (RFC 5322). */
  raw: Buffer;
}

export interface TestSmtpServer {
  /** smtp://127.0.0.1:PORT, for SMTP_URL. */
  url: string;
  received: ReceivedMessage[];
  /** Recipients refused with 550 while listed here. */
  refuse: Set<string>;
  /**
   * Runs on each message once it is fully received, before the server answers 250: e.g. to cut the
   * sender's database connection at the moment between the server's acceptance and the sender's record.
   */
  beforeAccept?: (message: ReceivedMessage) => Promise<void>;
  close(): Promise<void>;
}

/** A real SMTP server (the `smtp-server` package) on loopback that keeps what it receives. */
export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  const received: ReceivedMessage[] = [];
  const refuse = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refuse.has(address.address))
        return callback(Object.assign(new Error("mailbox unavailable"), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const message = { to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks) };
        received.push(message);
        const hook = self.beforeAccept;
        if (!hook) return callback();
        hook(message).then(
          () => callback(),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const self: TestSmtpServer = {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    received,
    refuse,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  return self;
}
