export { composeDigest, type DigestEmail, type DigestRecipient, escapeHtml } from "./compose";
export {
  createMailTransport,
  DigestDeliveryError,
  type DigestDeps,
  type DigestRun,
  digestMessageId,
  sendWeeklyDigest,
} from "./send";
export { isoWeekLabel, lastCompleteWeek, parseWeek, weekStartOf } from "./week";
