import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** The pipeline's Prometheus metrics, one registry per process. */
export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    itemsFetched: new Counter({
      name: "vesti_items_fetched_total",
      help: "Feed items parsed from fetched feeds",
      labelNames: ["outlet"] as const,
      registers: [registry],
    }),
    itemsNew: new Counter({
      name: "vesti_items_new_total",
      help: "Articles stored for the first time",
      labelNames: ["outlet", "lang"] as const,
      registers: [registry],
    }),
    itemsDuplicate: new Counter({
      name: "vesti_items_duplicate_total",
      help: "Feed items already stored (URL, GUID or title)",
      labelNames: ["outlet"] as const,
      registers: [registry],
    }),
    themeTags: new Counter({
      name: "vesti_theme_tags_total",
      help: "Theme tags on newly stored articles",
      labelNames: ["theme"] as const,
      registers: [registry],
    }),
    feedFetches: new Counter({
      name: "vesti_feed_fetches_total",
      help: "Feed fetch attempts by outcome",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    feedFailures: new Counter({
      name: "vesti_feed_failures_total",
      help: "Failed feed fetches by error kind",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
    pagesFetched: new Counter({
      name: "vesti_pages_fetched_total",
      help: "Article pages by outcome: the body status stored (ok, paywalled, empty, fallback_summary, failed, blocked_robots), or retry (429/5xx, tried again later)",
      labelNames: ["outlet", "outcome"] as const,
      registers: [registry],
    }),
    pageFailures: new Counter({
      name: "vesti_page_failures_total",
      help: "Article page requests that failed, by kind (rate_limited, http_5xx, timeout, too_large, unsupported_type, http_4xx, ...), retried or not",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
    pageTextLength: new Histogram({
      name: "vesti_page_text_chars",
      help: "Length of the extracted article text (status ok), in characters",
      labelNames: ["outlet"] as const,
      buckets: [250, 500, 1000, 2000, 4000, 8000, 16000, 32000, 64000],
      registers: [registry],
    }),
    digestMessages: new Counter({
      name: "vesti_digest_messages_total",
      help: "Weekly digest messages by outcome (sent: accepted by the SMTP server; failed)",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    alertsRaised: new Counter({
      name: "vesti_alerts_raised_total",
      help: "Alerts raised on saved queries (one per query and episode)",
      labelNames: ["granularity", "direction"] as const,
      registers: [registry],
    }),
    alertEmails: new Counter({
      name: "vesti_alert_emails_total",
      help: "Alert e-mails by outcome (sent: accepted by the SMTP server; failed)",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: "vesti_job_duration_seconds",
      help: "Job processing time",
      labelNames: ["queue", "status"] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: "vesti_queue_jobs",
      help: "Jobs in each queue by state",
      labelNames: ["queue", "state"] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
