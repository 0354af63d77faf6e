export { createMailTransport } from "@vesti/mail";
export { escapeHtml } from "@vesti/mail/html";
export {
  composeDigest,
  type DigestComposeOptions,
  type DigestEmail,
  type DigestRecipient,
  digestPageUrl,
} from "./compose";
export {
  DigestDeliveryError,
  type DigestDeps,
  type DigestRun,
  digestChartPng,
  digestMessageId,
  sendWeeklyDigest,
} from "./send";
export { isoWeekLabel, lastCompleteWeek, parseWeek, weekStartOf } from "./week";
