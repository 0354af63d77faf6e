// Unsubscribe links for the digest and the alert e-mails: the trends page's /unsubscribe (which asks on
// GET and acts on POST), when WEB_PUBLIC_URL says where readers reach it.

/** The page's unsubscribe link for one token; none without a public page. */
export function unsubscribeUrl(publicUrl: string | undefined, token: string): string | undefined {
  if (!publicUrl) return undefined;
  const url = new URL("unsubscribe", publicUrl.endsWith("/") ? publicUrl : `${publicUrl}/`);
  url.searchParams.set("token", token);
  return url.toString();
}

/**
 * List-Unsubscribe (RFC 2369) with the page's link first and, if given, a mailto; with the link, RFC 8058's
 * List-Unsubscribe-Post, so a mail client's own "unsubscribe" button POSTs to it in one click.
 */
export function listUnsubscribeHeaders(link: string | undefined, mailto?: string): Record<string, string> {
  const targets = [link, mailto].filter((t): t is string => Boolean(t)).map((t) => `<${t}>`);
  if (targets.length === 0) return {};
  return {
    "List-Unsubscribe": targets.join(", "),
    ...(link ? { "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" } : {}),
  };
}
