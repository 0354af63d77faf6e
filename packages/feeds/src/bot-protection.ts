// Recognises an error response that is a bot-protection challenge rather than the site's own answer:
// the feed is not gone or broken, the server refuses automated clients. Pure: status, headers and the
// first bytes of the body in, a verdict out. The signals are the ones these services document or
// visibly send (response headers, the challenge page's markers); a plain 403 stays http_4xx.

export interface BotProtection {
  vendor:
    | "cloudflare"
    | "ddos-guard"
    | "akamai"
    | "imperva"
    | "sucuri"
    | "datadome"
    | "perimeterx"
    | "unknown";
  /** The signal that gave it away, for the operator. */
  evidence: string;
}

type Headers = Record<string, string | string[] | undefined>;

function get(h: Headers, name: string): string {
  const v = h[name];
  return (Array.isArray(v) ? v.join(", ") : (v ?? "")).toLowerCase();
}

const CHALLENGE_PAGE =
  /captcha|are you (a )?(robot|human)|verify (that )?you are (a )?human|enable javascript and cookies to continue|checking your browser|browser check|access to this page has been denied/i;

export function detectBotProtection(
  status: number,
  headers: Headers,
  bodyHead: string,
): BotProtection | null {
  if (status !== 403 && status !== 429 && status !== 503) return null;
  const server = get(headers, "server");
  const body = bodyHead.slice(0, 32 * 1024);

  const mitigated = get(headers, "cf-mitigated");
  if (mitigated) return { vendor: "cloudflare", evidence: `cf-mitigated: ${mitigated}` };
  if (server.includes("cloudflare") || get(headers, "cf-ray")) {
    const marker =
      /<title>\s*(just a moment\.\.\.|attention required! \| cloudflare)|cf-chl|challenge-platform|cf-browser-verification|__cf_chl_/i.exec(
        body,
      );
    if (marker)
      return { vendor: "cloudflare", evidence: `challenge page (${marker[0].replace(/\s+/g, " ")})` };
  }
  if (server.includes("ddos-guard")) return { vendor: "ddos-guard", evidence: "server: ddos-guard" };
  const ddg = /ddos-guard/i.exec(body);
  if (ddg) return { vendor: "ddos-guard", evidence: "DDoS-Guard challenge page" };
  if (server.includes("akamaighost") || /errors\.edgesuite\.net/i.test(body)) {
    if (/access denied/i.test(body) || /reference\s*#\s*[\d.a-f]+/i.test(body))
      return { vendor: "akamai", evidence: 'Akamai "Access Denied" page' };
  }
  if (get(headers, "x-iinfo") || /incapsula incident id|_incapsula_resource/i.test(body))
    return { vendor: "imperva", evidence: "Imperva/Incapsula incident page" };
  if (get(headers, "x-sucuri-id") || server.includes("sucuri"))
    return { vendor: "sucuri", evidence: "Sucuri firewall" };
  if (get(headers, "x-datadome") || /captcha-delivery\.com|datadome/i.test(body))
    return { vendor: "datadome", evidence: "DataDome challenge" };
  if (/px-captcha|_pxappid|perimeterx/i.test(body))
    return { vendor: "perimeterx", evidence: "HUMAN/PerimeterX challenge" };
  if (status === 403 && CHALLENGE_PAGE.test(body) && /<html/i.test(body))
    return { vendor: "unknown", evidence: "challenge page (captcha / browser check)" };
  return null;
}
