import type { Config } from "@vesti/config";
import type { FetchFeedOptions } from "@vesti/feeds";

/** The host gate's key for a URL: its host (with port); an unparsable URL is its own key. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The fetch guard and limits from the configuration: one place, for feeds, sitemaps and robots.txt. */
export function fetchOptions(config: Config): FetchFeedOptions {
  return {
    userAgent: config.FETCH_USER_AGENT,
    connectTimeoutMs: config.FETCH_CONNECT_TIMEOUT_MS,
    totalTimeoutMs: config.FETCH_TOTAL_TIMEOUT_MS,
    maxBytes: config.FETCH_MAX_BODY_BYTES,
    maxRedirects: config.FETCH_MAX_REDIRECTS,
    allowPrivateNetworks: config.FETCH_ALLOW_PRIVATE_NETWORKS,
  };
}
