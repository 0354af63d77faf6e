export {
  composeDigest,
  type DigestComposeOptions,
  type DigestEmail,
  type DigestRecipient,
  digestPageUrl,
  escapeHtml,
} from "./compose";
export {
  createMailTransport,
  DigestDeliveryError,
  type DigestDeps,
  type DigestRun,
  digestChartPng,
  digestMessageId,
  sendWeeklyDigest,
} from "./send";
export { isoWeekLabel, lastCompleteWeek, parseWeek, weekStartOf } from "./week";
