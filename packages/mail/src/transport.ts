import nodemailer, { type Transporter } from "nodemailer";

export type { Transporter } from "nodemailer";

/** An SMTP transport from SMTP_URL (smtp://host:port, smtps://user:pass@host:465). */
export function createMailTransport(url: string): Transporter {
  return nodemailer.createTransport(url);
}

/** The address of a sender given as "Name <address>" or as an address. */
export function senderAddress(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
}

/**
 * A Message-ID made of what the message is (e.g. ["digest", week, subscriber]) at the sender's domain: the
 * same on a resend, so mail systems can recognise the copy.
 */
export function stableMessageId(parts: readonly (string | number)[], from: string): string {
  const domain = senderAddress(from).split("@")[1] ?? "vesti.local";
  return `<${parts.join("-")}@${domain}>`;
}
